"""One behaviour suite, every backend: ``backend`` runs each test on sqlite, postgresql
and mariadb, ``backend_url`` / ``make_wb`` give fresh databases (tests/conftest.py and
tests/freshdb.py: created per test, dropped afterwards)."""
from __future__ import annotations

import pytest

import freshdb


@pytest.fixture
def server(request, tmp_path):
    """A fresh database of the kind given by indirect parametrisation; dropped after."""
    url, drop = freshdb.create_database(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def wb(backend_url, tmp_path):
    import dbwork
    w = dbwork.connect(backend_url, migrations=tmp_path / "migrations")
    yield w
    w.close()
