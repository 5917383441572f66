"""One fixture, three real backends: SQLite (a temp file), PostgreSQL and MariaDB
(a database made for each test and dropped after, by tests/freshdb.py). Under CI=true an unreachable
server fails the test instead of skipping it."""
from __future__ import annotations

import pytest

import dbwork
import freshdb

BACKENDS = ["sqlite", "postgresql", "mariadb"]


@pytest.fixture(params=BACKENDS)
def wb(request, tmp_path):
    url, drop = freshdb.create_database(request.param, tmp_path)
    w = dbwork.connect(url, migrations=tmp_path / "migrations")
    yield w
    w.close()
    drop()


from safety_helpers import USERS, USERS_ROWS, dump, run_sql  # noqa: E402,F401


@pytest.fixture
def users(wb):
    """``wb`` with a users table of four rows (NULLs, quotes) created by a migration."""
    wb.migrate("create_users", USERS)
    run_sql(wb, USERS_ROWS)
    return wb
