"""One fixture, three real backends: SQLite (a temp file), PostgreSQL and MariaDB
(a database made for each test and dropped after). Under CI=true an unreachable
server fails the test instead of skipping it."""
from __future__ import annotations

import os
import uuid

import pytest

import dbwork

PG_ADMIN = "postgresql://root@127.0.0.1:5432/test"
MY_HOST = dict(host="127.0.0.1", port=3306, user="root")
BACKENDS = ["sqlite", "postgresql", "mysql"]


def _unreachable(what: str, e: Exception):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not reachable under CI: {e}")
    pytest.skip(f"{what} not reachable: {e}")


def make_database(kind: str, tmp_path) -> tuple[str, callable]:
    """(URL, drop function) for a fresh, empty database of ``kind``."""
    name = f"dbwork_safety_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/app.sqlite", lambda: None
    if kind == "postgresql":
        import psycopg
        try:
            with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as c:
                c.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as e:
            _unreachable("PostgreSQL", e)

        def drop():
            with psycopg.connect(PG_ADMIN, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return f"postgresql://root@127.0.0.1:5432/{name}", drop
    import pymysql
    try:
        c = pymysql.connect(connect_timeout=5, **MY_HOST)
    except pymysql.err.OperationalError as e:
        _unreachable("MariaDB", e)
    with c.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}`")
    c.close()

    def drop():
        c = pymysql.connect(**MY_HOST)
        with c.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        c.close()
    return f"mysql://root@127.0.0.1:3306/{name}", drop


@pytest.fixture(params=BACKENDS)
def wb(request, tmp_path):
    url, drop = make_database(request.param, tmp_path)
    w = dbwork.connect(url, migrations=tmp_path / "migrations")
    yield w
    w.close()
    drop()


from safety_helpers import USERS, USERS_ROWS, dump, run_sql  # noqa: E402,F401


@pytest.fixture
def users(wb):
    """``wb`` with a users table of four rows (NULLs, quotes) created by a migration."""
    wb.migrate("create_users", USERS)
    run_sql(wb, USERS_ROWS)
    return wb
