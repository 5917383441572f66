"""MongoDB suite fixtures.

The suite runs against ``DBWORK_TEST_MONGODB_URL`` when it is set (a real server:
``mongodb://host:port/``; each test makes and drops its own database), otherwise
against the wire-protocol stand-in ``nx-27017`` started on a free loopback port for
the session and stopped after it. Under CI (CI=true) a stand-in that cannot start
fails the suite instead of skipping it.

``STANDIN`` is True when the stand-in serves the suite: tests of behaviour the
stand-in gets wrong are marked xfail(strict=True) only then.
"""
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

from standin import REAL_URL, STANDIN, standin_gap  # noqa: F401  (re-exported)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nx_binary() -> str | None:
    here = Path(sys.executable).parent / "nx-27017"
    return str(here) if here.exists() else shutil.which("nx-27017")


def _wait(port: int, timeout: float = 15.0) -> bool:
    import pymongo
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/",
                                serverSelectionTimeoutMS=300).admin.command("ping")
            return True
        except Exception:
            time.sleep(0.2)
    return False


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"MongoDB stand-in unavailable under CI: {reason}")
    pytest.skip(f"MongoDB stand-in unavailable: {reason}")


@pytest.fixture(scope="session")
def mongo_server():
    """The server's base URL (no database)."""
    if REAL_URL:
        yield REAL_URL
        return
    binary = _nx_binary()
    if binary is None:
        _unavailable("nx-27017 is not installed")
    tmp = tempfile.mkdtemp(prefix="dbwork-nx-")
    port = _free_port()
    pid_file = os.path.join(tmp, "nx.pid")
    cmd = [binary, "-d", "--data-dir", tmp, "--host", "127.0.0.1", "-p", str(port),
           "--db", "memory", "--log-file", os.path.join(tmp, "nx.log"), "--pid-file", pid_file]
    started = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if started.returncode != 0 or not _wait(port):
        _unavailable(f"nx-27017 did not answer on port {port}: {started.stderr.strip()[:200]}")
    try:
        yield f"mongodb://127.0.0.1:{port}"
    finally:
        subprocess.run([binary, "--stop", "--pid-file", pid_file], capture_output=True,
                       timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def mongo_url(mongo_server):
    """A fresh database for one test, dropped after it."""
    import pymongo
    from urllib.parse import urlsplit, urlunsplit
    name = f"dbwork_t_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(mongo_server)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    client = pymongo.MongoClient(urlunsplit(parts._replace(path="/")),
                                 serverSelectionTimeoutMS=3000)
    client.drop_database(name)
    client.close()


@pytest.fixture
def wb(mongo_url, tmp_path):
    import dbwork
    w = dbwork.connect(mongo_url, migrations=tmp_path / "migrations", lock_timeout=2.0)
    yield w
    w.close()


@pytest.fixture
def mock_wb(tmp_path):
    """A Workbench over mongomock-ng (in process): right about rename, index
    metadata and BSON types, where the wire stand-in is not."""
    import mongomock_ng
    import dbwork
    from dbwork.execute.mongodb import MongoBackend
    w = dbwork.connect("mongodb://127.0.0.1:1/mock", migrations=tmp_path / "migrations",
                       lock_timeout=2.0)
    w.backend = MongoBackend(w.url, client=mongomock_ng.MongoClient())
    yield w
