"""Fresh databases for the desired-state tests: ``backend`` (sqlite, postgresql,
mariadb) and ``backend_url`` come from tests/conftest.py; each test makes its own
database and drops it afterwards; under CI an unreachable server fails."""
from __future__ import annotations

import pytest


@pytest.fixture
def database(backend_url):
    """A fresh, empty database on ``backend`` (the name these tests read best)."""
    return backend_url


@pytest.fixture
def bench(database, tmp_path):
    import dbwork
    wb = dbwork.connect(database, migrations=tmp_path / "migrations")
    yield wb
    wb.close()
