"""Fixtures for several targets at once: PostgreSQL databases named dbw_multi_*
(created per test, dropped after; a group needs names it chooses), and from
tests/conftest.py the MongoDB stand-in (``mongo_server`` / ``mongo_url``)."""
from __future__ import annotations

import os
import uuid

import pytest

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")


def _skip_or_fail(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _pg_admin():
    import psycopg
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(PG_ADMIN)
    return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                           password=u.password, dbname=u.database, autocommit=True,
                           connect_timeout=3)


class PgDatabases:
    """Makes PostgreSQL databases dbw_multi_<run>_<n> and drops every one at the end."""

    def __init__(self):
        self.names: list[str] = []
        self.run = uuid.uuid4().hex[:6]

    def url_of(self, name: str) -> str:
        base = PG_ADMIN.rsplit("/", 1)[0]
        return f"{base}/{name}"

    def create(self, name: str | None = None) -> str:
        name = name or f"dbw_multi_{self.run}_{len(self.names)}"
        try:
            with _pg_admin() as a:
                a.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                a.execute(f"CREATE DATABASE {name}")
        except Exception as e:  # the driver's OperationalError
            _skip_or_fail(f"PostgreSQL unreachable: {str(e).splitlines()[0]}")
        self.names.append(name)
        return self.url_of(name)

    def drop_all(self) -> None:
        if not self.names:
            return
        with _pg_admin() as a:
            for name in self.names:
                a.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg():
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


@pytest.fixture
def pg_url(pg):
    return pg.create()
