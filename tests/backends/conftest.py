"""One behaviour suite, every backend.

``backend_url`` is parametrised over sqlite, postgresql and mariadb; each test gets a
fresh database of its own (created here, dropped afterwards). Servers default to the
local ones and can be pointed elsewhere with DBWORK_PG_URL / DBWORK_MYSQL_URL (an
admin URL to a database that exists). Under CI (env CI=true) an unreachable server is
a failure; locally it is a skip with the reason.
"""
from __future__ import annotations

import itertools
import os
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dbwork.url import DatabaseURL  # noqa: E402

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("DBWORK_MYSQL_URL", "mariadb://root@127.0.0.1:3306/test")
BACKENDS = ("sqlite", "postgresql", "mariadb")
_RUN = uuid.uuid4().hex[:6]
_COUNTER = itertools.count(1)
_UNREACHABLE: dict[str, str] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_admin():
    import psycopg
    u = DatabaseURL.parse(PG_ADMIN)
    return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                           password=u.password, dbname=u.database, autocommit=True,
                           connect_timeout=3)


def _my_admin():
    import pymysql
    u = DatabaseURL.parse(MYSQL_ADMIN)
    return pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                           password=u.password or "", autocommit=True, connect_timeout=3)


def _unavailable(kind: str, reason: str):
    msg = f"{kind} server unreachable ({reason}); run scripts/services.sh"
    if in_ci():
        pytest.fail(f"CI: {msg}", pytrace=False)
    pytest.skip(msg)


def create_database(kind: str, tmp_path: Path) -> tuple[str, callable]:
    """(url, drop) for a fresh database of ``kind``."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}", lambda: None
    if kind in _UNREACHABLE:
        _unavailable(kind, _UNREACHABLE[kind])
    name = f"dbw_{_RUN}_{os.getpid()}_{next(_COUNTER)}"
    try:
        admin = _pg_admin() if kind == "postgresql" else _my_admin()
    except Exception as e:  # the driver's OperationalError
        _UNREACHABLE[kind] = str(e).strip().splitlines()[0]
        _unavailable(kind, _UNREACHABLE[kind])
    with admin:
        _exec(admin, f"CREATE DATABASE {name}")
    base = DatabaseURL.parse(PG_ADMIN if kind == "postgresql" else MYSQL_ADMIN)

    def drop():
        with (_pg_admin() if kind == "postgresql" else _my_admin()) as a:
            if kind == "postgresql":
                _exec(a, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                _exec(a, f"DROP DATABASE IF EXISTS {name}")

    url = base.with_database(name)
    return url.sqlalchemy_url().replace("+psycopg", "").replace("mysql+pymysql", "mariadb"), drop


def _exec(conn, sql: str) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql)
    finally:
        cur.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The backend's name: sqlite, postgresql or mariadb."""
    return request.param


@pytest.fixture
def server(request, tmp_path):
    """A fresh database of the kind given by indirect parametrisation; dropped after."""
    url, drop = create_database(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def backend_url(backend, tmp_path):
    """A fresh, empty database on ``backend``; dropped after the test."""
    url, drop = create_database(backend, tmp_path)
    yield url
    drop()


@pytest.fixture
def wb(backend_url, tmp_path):
    import dbwork
    w = dbwork.connect(backend_url, migrations=tmp_path / "migrations")
    yield w
    w.close()


def dialect_of(backend: str) -> str:
    return "mysql" if backend == "mariadb" else backend


@pytest.fixture
def make_wb(tmp_path):
    """``make_wb("postgresql")``: a Workbench on a fresh database of that kind (tests
    for one engine's features); every database made is dropped afterwards."""
    import dbwork
    made = []

    def make(kind: str):
        url, drop = create_database(kind, tmp_path / f"db{len(made)}")
        (tmp_path / f"db{len(made)}").mkdir(exist_ok=True)
        w = dbwork.connect(url, migrations=tmp_path / f"migrations{len(made)}")
        made.append((w, drop))
        return w

    yield make
    for w, drop in made:
        w.close()
        drop()
