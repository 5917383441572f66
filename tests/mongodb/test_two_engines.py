"""Issue 11 point 10: one migrations folder, two databases (PostgreSQL and MongoDB).

Before: the same migration name applied to PostgreSQL and then to MongoDB from one
folder got the same version and deleted the PostgreSQL file.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import dbwork
from dbwork.errors import ConfigError, TamperDetected

@pytest.fixture
def pg_url(make_db):
    return make_db("postgresql")


def test_one_folder_two_engines_never_loses_a_file(pg_url, mongo_url, tmp_path):
    folder = tmp_path / "migrations"
    pg = dbwork.connect(pg_url, migrations=folder)
    mongo = dbwork.connect(mongo_url, migrations=folder, lock_timeout=2.0)
    try:
        m = pg.migrate("create_items", "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        pg_file = Path(m.path)
        before = pg_file.read_bytes()
        with pytest.raises(ConfigError, match=rf"{pg_file.name}.*postgresql.*migrations/mongodb"):
            mongo.migrate("create_items", "db.createCollection('items')")
        assert pg_file.read_bytes() == before and sorted(folder.iterdir()) == [pg_file]
        # the deploy path refuses the foreign file by name, with the way out
        with pytest.raises(TamperDetected, match=rf"{pg_file.name}.*one migrations folder per target"):
            mongo.upgrade()
        assert mongo.verify().kinds() == ["foreign_engine"]
        assert pg.verify().ok and pg.pending() == []
        # a folder per target: both work, the PostgreSQL file is untouched
        mongo_own = dbwork.connect(mongo_url, migrations=folder / "mongodb", lock_timeout=2.0)
        mm = mongo_own.migrate("create_items", "db.createCollection('items')")
        assert mm.status == "applied" and Path(mm.path).parent == folder / "mongodb"
        assert pg_file.read_bytes() == before
        assert mongo_own.verify().ok
        mongo_own.close()
    finally:
        pg.close()
        mongo.close()


def test_a_file_of_another_engine_is_never_replaced(pg_url, tmp_path):
    from dataclasses import replace
    folder = tmp_path / "migrations"
    pg = dbwork.connect(pg_url, migrations=folder)
    try:
        m = pg.migrate("create_items", "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        other = replace(m, dialect="mongodb", steps=[])
        with pytest.raises(ConfigError, match="create_items.*postgresql migration"):
            pg.files.write(other)
        assert Path(m.path).exists()
        # and a file that belongs to an applied migration is not rewritten with other content
        edited = replace(m, steps=m.steps[:0])
        with pytest.raises(ConfigError, match="applied migration"):
            pg.files.write(edited, applied={m.version})
    finally:
        pg.close()


def test_mongodb_history_is_sealed_and_verified(wb):
    wb.migrate("create_items", "db.createCollection('items')")
    wb.migrate("index_items", "db.items.createIndex({sku: 1}, {unique: true})")
    assert wb.verify().ok
    [back] = wb.rollback(reason="wrong key")
    assert back.status == "rolled_back" and wb.upgrade() == []
    assert list(wb.history(events=True)["reason"])[-1] == "wrong key"
    wb.backend.db["dbwork_migrations"].update_one({"name": "create_items"},
                                                  {"$set": {"status": "rolled_back"}})
    assert "row_edited" in wb.verify().kinds()
    with pytest.raises(TamperDetected, match="create_items"):
        wb.rollback()
