"""Fresh databases for the tests, written once (tests/conftest.py serves them as fixtures).

``create_database(kind, folder)`` makes an empty database of ``kind`` (sqlite,
postgresql, mariadb) and returns ``(url, drop)``; server databases are named
``dbw_<run>_<pid>_<n>`` and dropped by ``drop()``. ``backend_fixture(kinds)`` is a
pytest fixture named ``backend`` parametrised over ``kinds`` (a suite that runs on fewer
backends says so in its conftest). ``mongo_standin()`` starts the nx-27017 MongoDB
stand-in on a free loopback port (or yields ``DBWORK_TEST_MONGODB_URL``'s server).

Servers default to the local ones; DBWORK_PG_URL / DBWORK_MYSQL_URL point elsewhere (an
admin URL to a database that exists). Under CI (CI=true) an unreachable server fails
the test; locally it is a skip with the reason.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("DBWORK_MYSQL_URL", "mariadb://root@127.0.0.1:3306/test")
REAL_MONGO = os.environ.get("DBWORK_TEST_MONGODB_URL")
SQL_BACKENDS = ("sqlite", "postgresql", "mariadb")
_RUN = uuid.uuid4().hex[:6]
_COUNTER = itertools.count(1)
_UNREACHABLE: dict[str, str] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str):
    """A missing server: a failure under CI, a skip with the reason locally."""
    if in_ci():
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


def admin(kind: str):
    """An autocommit driver connection to the admin database of ``kind``'s server."""
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(PG_ADMIN if kind == "postgresql" else MYSQL_ADMIN)
    if kind == "postgresql":
        import psycopg
        return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                               password=u.password, dbname=u.database, autocommit=True,
                               connect_timeout=3)
    import pymysql
    return pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                           password=u.password or "", autocommit=True, connect_timeout=3)


def execute(conn, sql: str) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql)
    finally:
        cur.close()


def create_database(kind: str, folder: Path,
                    name: str | None = None) -> tuple[str, Callable[[], None]]:
    """(url, drop) for a fresh, empty database of ``kind``; SQLite: folder/test.sqlite
    (or folder/NAME.sqlite). ``name``: a name the test chooses (one already there is
    dropped first), else ``dbw_<run>_<pid>_<n>``."""
    if kind == "sqlite":
        return f"sqlite:///{folder / ((name or 'test') + '.sqlite')}", lambda: None
    if kind not in ("postgresql", "mariadb"):
        raise ValueError(f"no fresh-database recipe for {kind!r}")
    if kind in _UNREACHABLE:
        skip_or_fail(f"{kind} server unreachable ({_UNREACHABLE[kind]}); run scripts/services.sh")
    force = " WITH (FORCE)" if kind == "postgresql" else ""
    chosen, name = name is not None, name or f"dbw_{_RUN}_{os.getpid()}_{next(_COUNTER)}"
    try:
        conn = admin(kind)
    except Exception as e:  # the driver's OperationalError
        _UNREACHABLE[kind] = str(e).strip().splitlines()[0]
        skip_or_fail(f"{kind} server unreachable ({_UNREACHABLE[kind]}); run scripts/services.sh")
    with conn:
        if chosen:
            execute(conn, f"DROP DATABASE IF EXISTS {name}{force}")
        execute(conn, f"CREATE DATABASE {name}")

    def drop() -> None:
        with admin(kind) as a:
            execute(a, f"DROP DATABASE IF EXISTS {name}{force}")

    return server_url(kind, name), drop


def run_sql(kind: str, name: str, sql: str) -> None:
    """Run ``sql`` in database ``name`` of ``kind``'s test server, behind dbwork's back."""
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(server_url(kind, name))
    if kind == "postgresql":
        import psycopg
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                             password=u.password, dbname=name, autocommit=True) as c:
            c.execute(sql)
        return
    import pymysql
    c = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                        password=u.password or "", database=name, autocommit=True)
    try:
        execute(c, sql)
    finally:
        c.close()


def server_databases(kind: str) -> set[str]:
    """The names of the databases on ``kind``'s test server."""
    sql = "SELECT datname FROM pg_database" if kind == "postgresql" else "SHOW DATABASES"
    with admin(kind) as a:
        cur = a.cursor()
        cur.execute(sql)
        return {r[0] for r in cur.fetchall()}


def server_url(kind: str, name: str) -> str:
    """The URL of database ``name`` on ``kind``'s test server, as dbwork spells it."""
    from dbwork.url import DatabaseURL
    base = DatabaseURL.parse(PG_ADMIN if kind == "postgresql" else MYSQL_ADMIN)
    return base.with_database(name).sqlalchemy_url().replace(
        "postgresql+psycopg", "postgresql").replace("mysql+pymysql", "mariadb")


def backend_fixture(kinds=SQL_BACKENDS):
    """A ``backend`` fixture parametrised over ``kinds``: in a conftest,
    ``backend = backend_fixture(("sqlite", "postgresql"))``."""
    @pytest.fixture(params=list(kinds))
    def backend(request) -> str:
        """The backend's name, one of the suite's kinds."""
        return request.param
    return backend


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int, timeout: float = 15.0) -> bool:
    import pymongo
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/",
                                serverSelectionTimeoutMS=300).admin.command("ping")
            return True
        except Exception:  # not up yet
            time.sleep(0.2)
    return False


@contextlib.contextmanager
def mongo_standin() -> Iterator[str]:
    """The base URL (no database) of a MongoDB for the session: DBWORK_TEST_MONGODB_URL's
    server, or nx-27017 started on a free port and stopped afterwards."""
    if REAL_MONGO:
        yield REAL_MONGO
        return
    here = Path(sys.executable).parent / "nx-27017"
    binary = str(here) if here.exists() else shutil.which("nx-27017")
    if binary is None:
        skip_or_fail("MongoDB stand-in unavailable: nx-27017 is not installed")
    tmp = tempfile.mkdtemp(prefix="dbwork-nx-")
    port, pid_file = _free_port(), os.path.join(tmp, "nx.pid")
    started = subprocess.run(
        [binary, "-d", "--data-dir", tmp, "--host", "127.0.0.1", "-p", str(port),
         "--db", "memory", "--log-file", os.path.join(tmp, "nx.log"), "--pid-file", pid_file],
        capture_output=True, text=True, timeout=30)
    if started.returncode != 0 or not _answers(port):
        skip_or_fail(f"MongoDB stand-in unavailable: nx-27017 did not answer on port {port}: "
                     f"{started.stderr.strip()[:200]}")
    try:
        yield f"mongodb://127.0.0.1:{port}"
    finally:
        subprocess.run([binary, "--stop", "--pid-file", pid_file], capture_output=True,
                       timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def mongo_database_url(server: str, name: str) -> str:
    """``server``'s URL with database ``name`` (any path or query the server URL had kept)."""
    from urllib.parse import urlsplit, urlunsplit
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def drop_mongo_database(server: str, name: str) -> None:
    import pymongo
    client = pymongo.MongoClient(mongo_database_url(server, ""), serverSelectionTimeoutMS=3000)
    try:
        client.drop_database(name)
    finally:
        client.close()
