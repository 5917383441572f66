"""Document-copy fixtures over tests/conftest.py's fresh databases: ``make_wb`` (SQL,
each test its own database) and ``mongo_url`` (the nx-27017 stand-in, or a real server
from DBWORK_TEST_MONGODB_URL)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent / "mongodb"):  # shop.py (the small shop), standin.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


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
