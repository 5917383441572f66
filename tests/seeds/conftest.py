"""Seed-data fixtures, reusing the backend suite's databases (tests/backends/conftest.py:
sqlite, postgresql, mariadb, each test on a fresh database) and the MongoDB stand-in
(tests/mongodb/conftest.py: nx-27017 on a free port, a fresh database per test)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for sub in ("backends", "mongodb"):
    if str(HERE.parent / sub) not in sys.path:
        sys.path.insert(0, str(HERE.parent / sub))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_backends = _load("dbwork_tests_backends_conftest", HERE.parent / "backends" / "conftest.py")
_mongo = _load("dbwork_tests_mongodb_conftest", HERE.parent / "mongodb" / "conftest.py")

backend = _backends.backend          # sqlite | postgresql | mariadb
backend_url = _backends.backend_url
mongo_server = _mongo.mongo_server
mongo_url = _mongo.mongo_url
make_wb = _backends.make_wb          # make_wb(kind): another fresh database


@pytest.fixture
def wb(backend_url, tmp_path):
    """A Workbench on a fresh SQL database, migrations/ and seeds/ in tmp_path."""
    import dbwork
    w = dbwork.connect(backend_url, migrations=tmp_path / "migrations")
    yield w
    w.close()


@pytest.fixture
def mwb(mongo_url, tmp_path):
    """A Workbench on a fresh MongoDB database (the stand-in unless a real URL is set)."""
    import dbwork
    w = dbwork.connect(mongo_url, migrations=tmp_path / "migrations", lock_timeout=2.0)
    yield w
    w.close()
