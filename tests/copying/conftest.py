"""Fresh databases for the copy tests, named dbw_copysql_<run>_<n> on the local
PostgreSQL and MariaDB (dropped afterwards), and a small shop to copy."""
from __future__ import annotations

import itertools
import os
import uuid

import pytest

from dbwork.url import DatabaseURL

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("DBWORK_MYSQL_URL", "mariadb://root@127.0.0.1:3306/test")
_RUN = uuid.uuid4().hex[:6]
_COUNTER = itertools.count(1)


def _admin(kind: str):
    u = DatabaseURL.parse(PG_ADMIN if kind == "postgresql" else MYSQL_ADMIN)
    if kind == "postgresql":
        import psycopg
        return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                               dbname=u.database, autocommit=True, connect_timeout=3)
    import pymysql
    return pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                           password=u.password or "", autocommit=True, connect_timeout=3)


def _exec(conn, sql: str) -> None:
    cur = conn.cursor()
    cur.execute(sql)
    cur.close()


@pytest.fixture
def make_db(tmp_path):
    """``url = make_db("postgresql")``: a fresh empty database of that kind (sqlite,
    postgresql, mariadb); all are dropped after the test."""
    made = []

    def make(kind: str) -> str:
        n = next(_COUNTER)
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'db{n}.sqlite'}"
        name = f"dbw_copysql_{_RUN}_{os.getpid()}_{n}"
        try:
            admin = _admin(kind)
        except Exception as e:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"{kind} unreachable: {e}")
            pytest.skip(f"{kind} unreachable: {e}")
        with admin:
            _exec(admin, f"CREATE DATABASE {name}")
        made.append((kind, name))
        base = DatabaseURL.parse(PG_ADMIN if kind == "postgresql" else MYSQL_ADMIN)
        return base.with_database(name).sqlalchemy_url().replace(
            "postgresql+psycopg", "postgresql").replace("mysql+pymysql", "mariadb")

    yield make
    for kind, name in made:
        with _admin(kind) as a:
            _exec(a, f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if kind == "postgresql" else ""))
