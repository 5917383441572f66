"""Fixtures for several targets at once: PostgreSQL databases named dbw_multi_*
(created per test, dropped after; a group needs names it chooses) made by the one recipe
in tests/freshdb.py, and from tests/conftest.py the MongoDB stand-in (``mongo_server`` /
``mongo_url``)."""
from __future__ import annotations

import uuid

import freshdb
import pytest


class PgDatabases:
    """Makes PostgreSQL databases dbw_multi_<run>_<n> and drops every one at the end."""

    def __init__(self, folder):
        self.folder, self.drops = folder, []
        self.run = uuid.uuid4().hex[:6]

    def url_of(self, name: str) -> str:
        return freshdb.server_url("postgresql", name)

    def create(self, name: str | None = None) -> str:
        name = name or f"dbw_multi_{self.run}_{len(self.drops)}"
        url, drop = freshdb.create_database("postgresql", self.folder, name)
        self.drops.append(drop)
        return url

    def drop_all(self) -> None:
        for drop in self.drops:
            drop()


@pytest.fixture
def pg(tmp_path):
    dbs = PgDatabases(tmp_path)
    yield dbs
    dbs.drop_all()


@pytest.fixture
def pg_url(pg):
    return pg.create()
