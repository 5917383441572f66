"""Shared fixtures, one of each (sub-suites' conftests add only what is their own).

Fresh databases (the recipes are in tests/freshdb.py, importable as ``freshdb``):

- ``make_db("postgresql")`` -> the URL of a fresh, empty database of that kind
  (sqlite, postgresql, mariadb); every one is dropped after the test.
- ``make_wb("mariadb")`` -> a Workbench on such a database, closed and dropped after.
- ``backend`` / ``backend_url``: a suite that runs each test on several backends says
  which in its conftest, ``backend = freshdb.backend_fixture(("sqlite", "postgresql"))``;
  ``backend_url`` is then a fresh database of that backend (the default ``backend``
  here runs on all of sqlite, postgresql and mariadb).
- ``mongo_server`` (session): the MongoDB stand-in nx-27017 on a free port, or the server
  of DBWORK_TEST_MONGODB_URL; ``mongo_url``: a fresh database on it, dropped after.
- ``ip``: an IPython InteractiveShell with ``%load_ext dbwork``, in tmp_path, history off.
- ``wb`` / ``db``: a Workbench on tmp_path/app.sqlite, and a plain sqlite3 connection
  to the same file (to look behind dbwork's back).

Unreachable servers fail the test under CI (CI=true) and skip it locally.
"""
from __future__ import annotations

import sqlite3
import uuid

import pytest

import dbwork
import freshdb

backend = freshdb.backend_fixture(freshdb.SQL_BACKENDS)


@pytest.fixture
def wb(tmp_path):
    """A Workbench on tmp_path/app.sqlite with tmp_path/migrations."""
    bench = dbwork.connect(f"sqlite:///{tmp_path / 'app.sqlite'}",
                           migrations=tmp_path / "migrations")
    yield bench
    bench.close()


@pytest.fixture
def db(tmp_path):
    """A plain sqlite3 connection to the same file, to look behind dbwork's back."""
    conn = sqlite3.connect(tmp_path / "app.sqlite")
    yield conn
    conn.close()


@pytest.fixture
def make_db(tmp_path):
    """``url = make_db("postgresql")``: a fresh empty database of that kind; all are
    dropped after the test."""
    drops = []

    def make(kind: str) -> str:
        folder = tmp_path / f"db{len(drops)}"
        folder.mkdir(exist_ok=True)
        url, drop = freshdb.create_database(kind, folder)
        drops.append(drop)
        return url

    yield make
    for drop in drops:
        drop()


@pytest.fixture
def make_wb(make_db, tmp_path):
    """``make_wb("postgresql")``: a Workbench on a fresh database of that kind (tests
    for one engine's features); closed, and its database dropped, afterwards."""
    made = []

    def make(kind: str) -> dbwork.Workbench:
        w = dbwork.connect(make_db(kind), migrations=tmp_path / f"migrations{len(made)}")
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


@pytest.fixture
def backend_url(backend, tmp_path):
    """A fresh, empty database on ``backend``; dropped after the test."""
    url, drop = freshdb.create_database(backend, tmp_path)
    yield url
    drop()


@pytest.fixture(scope="session")
def mongo_server():
    """The MongoDB server's base URL (no database), for the whole session."""
    with freshdb.mongo_standin() as url:
        yield url


@pytest.fixture
def mongo_url(mongo_server):
    """A fresh MongoDB database for one test, dropped after it."""
    name = f"dbwork_t_{uuid.uuid4().hex[:10]}"
    yield freshdb.mongo_database_url(mongo_server, name)
    freshdb.drop_mongo_database(mongo_server, name)


@pytest.fixture
def ip(tmp_path, monkeypatch):
    """An IPython shell with ``%load_ext dbwork`` run, working in tmp_path."""
    import builtins

    from IPython.core.history import HistoryAccessor
    from IPython.core.interactiveshell import InteractiveShell
    monkeypatch.chdir(tmp_path)
    if hasattr(builtins, "_"):  # left by doctests' displayhook; IPython then keeps off `_`
        monkeypatch.delattr(builtins, "_")
    HistoryAccessor.enabled = False
    shell = InteractiveShell.instance()
    shell.run_cell("%load_ext dbwork")
    yield shell
    magics = shell.magics_manager.registry.get("DbworkMagics")
    if magics and magics.workbench:
        magics.workbench.close()
    InteractiveShell.clear_instance()
