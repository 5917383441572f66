"""Fresh databases on SQLite, PostgreSQL and MariaDB, each with a unique name, dropped
after the test (as a fixture: tests never import from conftest). The recipes are the
one set in tests/freshdb.py; this file only names them ``dbwork_vcli_*`` (the drift
tests find the shadows dbwork makes by that prefix)."""
from __future__ import annotations

import uuid

import freshdb
import pytest

ENGINES = ["sqlite", "postgresql", "mysql"]
FRESHDB_KIND = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mariadb"}


class Databases:
    """Makes databases of one engine; ``run(url, sql)`` runs SQL behind dbwork's back."""

    def __init__(self, kind: str, tmp_path):
        self.kind, self.tmp_path, self.drops = kind, tmp_path, []

    def new(self) -> str:
        name = f"dbwork_vcli_{uuid.uuid4().hex[:10]}"
        url, drop = freshdb.create_database(FRESHDB_KIND[self.kind], self.tmp_path, name)
        self.drops.append(drop)
        return url.replace("mariadb://", "mysql://", 1)

    def run(self, url: str, sql: str) -> None:
        if self.kind == "sqlite":
            import sqlite3
            c = sqlite3.connect(url.split(":///", 1)[1])
            c.executescript(sql)
            c.close()
            return
        freshdb.run_sql(FRESHDB_KIND[self.kind], url.rsplit("/", 1)[1].split("?")[0], sql)

    def names(self) -> set[str]:
        return set() if self.kind == "sqlite" else \
            freshdb.server_databases(FRESHDB_KIND[self.kind])

    def drop_all(self) -> None:
        for drop in self.drops:
            drop()


@pytest.fixture(params=ENGINES)
def dbs(request, tmp_path):
    made = Databases(request.param, tmp_path)
    yield made
    made.drop_all()
