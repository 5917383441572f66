"""Seed-data fixtures: ``wb`` on a fresh SQL database of each backend (sqlite,
postgresql, mariadb) and ``mwb`` on a fresh MongoDB database; the databases come from
tests/conftest.py (``backend_url``, ``mongo_url``, ``make_wb``)."""
from __future__ import annotations

import pytest


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
