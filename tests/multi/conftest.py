"""Fixtures for several targets at once: PostgreSQL databases named dbw_multi_*
(created per test, dropped after), a MongoDB (the nx-27017 stand-in started for the
session, or DBWORK_TEST_MONGODB_URL), SQLite files in tmp_path."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
REAL_MONGO = os.environ.get("DBWORK_TEST_MONGODB_URL")


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


@pytest.fixture(scope="session")
def mongo_server():
    if REAL_MONGO:
        yield REAL_MONGO.rsplit("/", 1)[0]
        return
    here = Path(sys.executable).parent / "nx-27017"
    binary = str(here) if here.exists() else shutil.which("nx-27017")
    if binary is None:
        _skip_or_fail("the nx-27017 MongoDB stand-in is not installed")
    tmp = tempfile.mkdtemp(prefix="dbw_multi_nx_")
    port, pid_file = _free_port(), os.path.join(tmp, "nx.pid")
    subprocess.run([binary, "-d", "--data-dir", tmp, "--host", "127.0.0.1", "-p", str(port),
                    "--db", "memory", "--log-file", os.path.join(tmp, "nx.log"),
                    "--pid-file", pid_file], capture_output=True, timeout=30)
    if not _answers(port):
        _skip_or_fail(f"nx-27017 did not answer on port {port}")
    try:
        yield f"mongodb://127.0.0.1:{port}"
    finally:
        subprocess.run([binary, "--stop", "--pid-file", pid_file], capture_output=True,
                       timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def mongo_url(mongo_server):
    import pymongo
    name = f"dbw_multi_{uuid.uuid4().hex[:10]}"
    yield f"{mongo_server}/{name}"
    client = pymongo.MongoClient(f"{mongo_server}/", serverSelectionTimeoutMS=3000)
    client.drop_database(name)
    client.close()
