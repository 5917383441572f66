"""Shared fixtures: a Workbench on a fresh SQLite file in a temporary folder."""
from __future__ import annotations

import sqlite3

import pytest

import dbwork


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
