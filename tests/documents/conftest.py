"""Document-copy fixtures: the backend suite's fresh SQL databases
(tests/backends/conftest.py: sqlite, postgresql; each test its own database) and the
MongoDB stand-in (tests/mongodb/conftest.py: nx-27017 on a free port, a fresh database
per test, or a real server from DBWORK_TEST_MONGODB_URL)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for sub in ("backends", "mongodb", "documents"):
    if str(HERE.parent / sub) not in sys.path:
        sys.path.insert(0, str(HERE.parent / sub))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_backends = _load("dbwork_tests_backends_conftest_documents", HERE.parent / "backends" / "conftest.py")
_mongo = _load("dbwork_tests_mongodb_conftest_documents", HERE.parent / "mongodb" / "conftest.py")

mongo_server = _mongo.mongo_server
mongo_url = _mongo.mongo_url
make_wb = _backends.make_wb          # make_wb("postgresql"): a fresh database, dropped after


@pytest.fixture
def mwb(mongo_url, tmp_path):
    """A Workbench on a fresh MongoDB database (the stand-in unless a real URL is set)."""
    import dbwork
    w = dbwork.connect(mongo_url, migrations=tmp_path / "mongo_migrations", lock_timeout=2.0)
    yield w
    w.close()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def shop(request, make_wb):
    """A SQL Workbench (SQLite, PostgreSQL, MariaDB) holding the small shop of shop.py."""
    from shop import load_shop
    wb = make_wb(request.param)
    load_shop(wb)
    return wb
