"""Fresh databases for the desired-state tests: SQLite always, PostgreSQL and MariaDB
on the local servers (DBWORK_PG_URL / DBWORK_MYSQL_URL to point elsewhere). Each test
makes its own database and drops it afterwards; under CI an unreachable server fails."""
from __future__ import annotations

import itertools
import os
import uuid

import pytest

from dbwork.url import DatabaseURL

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("DBWORK_MYSQL_URL", "mariadb://root@127.0.0.1:3306/test")
_RUN = uuid.uuid4().hex[:6]
_COUNT = itertools.count(1)


def _admin(kind: str):
    if kind == "postgresql":
        import psycopg
        u = DatabaseURL.parse(PG_ADMIN)
        return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                               password=u.password, dbname=u.database, autocommit=True,
                               connect_timeout=3)
    import pymysql
    u = DatabaseURL.parse(MYSQL_ADMIN)
    return pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                           password=u.password or "", autocommit=True, connect_timeout=3)


def _run(conn, sql: str) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql)
    finally:
        cur.close()


def make_database(kind: str, tmp_path):
    """(url, drop) for a new empty database of ``kind``."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'diff.sqlite'}", lambda: None
    name = f"dbw_diff_{_RUN}_{os.getpid()}_{next(_COUNT)}"
    try:
        admin = _admin(kind)
    except Exception as e:  # the driver's OperationalError
        msg = f"{kind} unreachable: {str(e).splitlines()[0]}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    with admin:
        _run(admin, f"CREATE DATABASE {name}")

    def drop():
        with _admin(kind) as a:
            _run(a, f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if kind == "postgresql" else ""))

    base = DatabaseURL.parse(PG_ADMIN if kind == "postgresql" else MYSQL_ADMIN)
    url = base.with_database(name).sqlalchemy_url()
    return url.replace("+psycopg", "").replace("mysql+pymysql", "mariadb"), drop


@pytest.fixture(params=("sqlite", "postgresql", "mariadb"))
def backend(request):
    return request.param


@pytest.fixture
def database(backend, tmp_path):
    url, drop = make_database(backend, tmp_path)
    yield url
    drop()


@pytest.fixture
def bench(database, tmp_path):
    import dbwork
    wb = dbwork.connect(database, migrations=tmp_path / "migrations")
    yield wb
    wb.close()
