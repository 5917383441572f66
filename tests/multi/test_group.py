"""One change over several targets: history rows linked by a group id, a later
failure undone on the earlier targets (checked by reading their schema and history),
group rollback, cell sections, mirrors. Real PostgreSQL, SQLite and the MongoDB stand-in."""
from __future__ import annotations

import sqlite3

import pymongo
import pytest
import sqlalchemy as sa

import dbwork
from dbwork.errors import ConfigError, GroupFailed, MigrationConflict, ParseError

EVENTS_SQL = """CREATE TABLE events (
    id INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL, payload TEXT,
    at TIMESTAMP NOT NULL);
CREATE INDEX ix_events_at ON events (at);"""


def pg_tables(url: str) -> set[str]:
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        return set(sa.inspect(eng).get_table_names())
    finally:
        eng.dispose()


def pg_history(url: str) -> list[tuple]:
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with eng.connect() as c:
            return [tuple(r) for r in c.execute(sa.text(
                "SELECT name, status, group_id FROM dbwork_migrations ORDER BY version"))]
    finally:
        eng.dispose()


def mongo_db(url: str):
    base, name = url.rsplit("/", 1)
    return pymongo.MongoClient(base + "/", serverSelectionTimeoutMS=3000)[name]


def sqlite_state(path) -> tuple[set, list]:
    with sqlite3.connect(path) as c:
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = c.execute("SELECT name, status, group_id FROM dbwork_migrations "
                         "ORDER BY version").fetchall() if "dbwork_migrations" in tables else []
    return tables, rows


@pytest.fixture
def group(pg_url, mongo_url, tmp_path):
    g = dbwork.connect_many({"main": pg_url, "backup": mongo_url},
                            migrations=tmp_path / "migrations", lock_timeout=5)
    yield g
    g.close()


def test_one_change_two_engines_linked_by_group_id_then_rolled_back(group, pg_url, mongo_url):
    change = group.migrate("add_events", {
        "main": EVENTS_SQL,
        "backup": "db.createCollection('events')\ndb.events.createIndex({id: 1}, {unique: true})"})
    assert change.statuses() == {"main": "applied", "backup": "applied"}
    assert "events" in pg_tables(pg_url)
    assert "events" in mongo_db(mongo_url).list_collection_names()
    [(name, status, gid)] = pg_history(pg_url)
    mongo_row = mongo_db(mongo_url).dbwork_migrations.find_one({"name": "add_events"})
    assert (name, status) == ("add_events", "applied") and gid == change.group_id
    assert mongo_row["group_id"] == gid and mongo_row["status"] == "applied"
    frame = group.history()
    assert set(frame["group_id"]) == {gid} and len(frame) == 2
    # each target's own integrity checks accept the new column
    assert group["main"].verify().ok and group["backup"].verify().ok

    back = group.rollback()
    assert back.statuses() == {"main": "rolled_back", "backup": "rolled_back"}
    assert "events" not in pg_tables(pg_url)
    assert "events" not in mongo_db(mongo_url).list_collection_names()
    assert pg_history(pg_url) == [("add_events", "rolled_back", gid)]
    with pytest.raises(ConfigError, match="no group change"):
        group.rollback()


def test_a_later_target_that_fails_undoes_the_earlier_one(group, pg_url, mongo_url):
    db = mongo_db(mongo_url)
    db.legacy.insert_one({"_id": 1, "note": "kept"})   # the insert below collides with it
    with pytest.raises(GroupFailed) as failure:
        group.migrate("add_events", {
            "main": EVENTS_SQL,
            "backup": "db.createCollection('events')\n"
                      "db.legacy.insertOne({_id: 1, note: 'new'})"})
    e = failure.value
    assert e.target == "backup" and list(e.undone) == ["main"] and not e.not_undone
    assert "Undone: main (" in str(e) and "and the 1 step(s) that ran on backup" in str(e)
    assert e.partial_steps == 1
    # main: the table is gone and its history row says rolled_back, with the group id
    assert "events" not in pg_tables(pg_url)
    [(name, status, gid)] = pg_history(pg_url)
    assert (name, status) == ("add_events", "rolled_back") and gid
    # backup: the step that ran (the collection) was undone too; the data is untouched
    assert "events" not in db.list_collection_names()
    assert list(db.legacy.find({})) == [{"_id": 1, "note": "kept"}]
    assert db.dbwork_migrations.find_one({"name": "add_events"})["status"] == "rolled_back"


def test_sqlite_targets_later_failure_and_bad_input(tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with sqlite3.connect(b) as c:
        c.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        c.execute("INSERT INTO users (id, email) VALUES (1, 'x@y')")
    g = dbwork.connect_many({"a": f"sqlite:///{a}", "b": f"sqlite:///{b}"},
                            migrations=tmp_path / "m")
    try:
        # bad input on the second target: refused before the first is touched
        with pytest.raises(ParseError):
            g.migrate("two", {"a": "CREATE TABLE t (id INTEGER PRIMARY KEY);",
                              "b": "CREATE TABLEE oops ("})
        assert "t" not in sqlite_state(a)[0]
        with pytest.raises(ConfigError, match="unknown target 'c'"):
            g.migrate("two", {"c": "CREATE TABLE t (id INTEGER);"})
        # a failure only the database sees (a primary key taken already)
        with pytest.raises(GroupFailed, match=r"failed on b: .*Undone: a \(") as failure:
            g.migrate("uniq", {"a": "CREATE TABLE t (id INTEGER PRIMARY KEY);",
                               "b": "INSERT INTO users (id, email) VALUES (1, 'new');"})
        version = failure.value.undone["a"]
        tables, rows = sqlite_state(a)
        assert "t" not in tables and rows == [("uniq", "rolled_back", rows[0][2])]
        assert rows[0][2] and g["a"].history()["version"].tolist() == [version]
        tables, rows = sqlite_state(b)
        assert rows == []          # transactional: nothing of it stayed on b
        with sqlite3.connect(b) as c:
            assert c.execute("SELECT * FROM users").fetchall() == [(1, "x@y")]
            c.execute("DELETE FROM users")
        # the cause removed, the same change runs again on both
        again = g.migrate("uniq", {"a": "CREATE TABLE t (id INTEGER PRIMARY KEY);",
                                   "b": "INSERT INTO users (id, email) VALUES (1, 'new');"})
        assert again.statuses() == {"a": "applied", "b": "applied"}
        assert sqlite_state(a)[1] == [("uniq", "applied", again.group_id)]
    finally:
        g.close()


def test_cell_sections_rerun_and_rollback_refused_behind_a_later_change(tmp_path):
    g = dbwork.connect_many({"a": f"sqlite:///{tmp_path}/a.sqlite",
                             "b": f"sqlite:///{tmp_path}/b.sqlite"}, migrations=tmp_path / "m")
    try:
        cell = ("-- target: a\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n"
                "-- target: b\nCREATE TABLE u (id INTEGER PRIMARY KEY);\n")
        first = g.migrate("two", cell)
        assert sqlite_state(tmp_path / "a.sqlite")[0] >= {"t"}
        assert "u" in sqlite_state(tmp_path / "b.sqlite")[0]
        again = g.migrate("two", cell)
        assert again.group_id == first.group_id
        assert all("already applied" in " ".join(m.notes) for m in again.migrations.values())
        g["b"].migrate("later", "CREATE TABLE v (id INTEGER PRIMARY KEY);")
        with pytest.raises(MigrationConflict, match="b: the group's migration"):
            g.rollback()
        assert "t" in sqlite_state(tmp_path / "a.sqlite")[0]   # refused before anything ran
        g["b"].rollback()
        assert g.rollback().statuses() == {"a": "rolled_back", "b": "rolled_back"}
    finally:
        g.close()


def test_mirror_derives_the_collection_from_the_sql_table(group, mongo_url):
    sql = EVENTS_SQL.replace("payload TEXT,", "payload TEXT, code VARCHAR(12) UNIQUE,")
    change = group.migrate("add_events", {"main": sql}, mirror="main:events backup")
    assert change.statuses() == {"main": "applied", "backup": "applied"}
    db = mongo_db(mongo_url)
    indexes = {tuple(ix["key"]): ix.get("unique", False) for ix in db.events.list_indexes()}
    assert indexes[("code",)] is True and not indexes[("at",)]
    up = change.migrations["backup"].up
    # the primary key is _id (as dbwork.copy writes it): no index of its own
    assert "events_pkey" not in up
    assert '"required": ["_id", "kind", "at"]' in up and '"maxLength": 20' in up
    with pytest.raises(ConfigError, match="mirror must read"):
        group.migrate("again", {"main": "SELECT 1"}, mirror="events backup")


def test_an_old_history_table_gets_the_group_column(tmp_path):
    url = f"sqlite:///{tmp_path}/old.sqlite"
    wb = dbwork.connect(url, migrations=tmp_path / "m")
    wb.migrate("one", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    wb.close()
    with sqlite3.connect(tmp_path / "old.sqlite") as c:   # as an older dbwork left it
        c.execute("ALTER TABLE dbwork_migrations DROP COLUMN group_id")
    wb = dbwork.connect(url, migrations=tmp_path / "m")
    assert [r.group_id for r in wb.backend.history()] == [None]
    wb.migrate("two", "CREATE TABLE u (id INTEGER PRIMARY KEY);")
    assert wb.verify().ok
    with sqlite3.connect(tmp_path / "old.sqlite") as c:
        cols = [r[1] for r in c.execute("PRAGMA table_info(dbwork_migrations)")]
    assert "group_id" in cols
    wb.close()


def test_dry_run_and_three_targets(tmp_path):
    urls = {n: f"sqlite:///{tmp_path}/{n}.sqlite" for n in ("a", "b", "c")}
    g = dbwork.connect_many(urls, migrations=tmp_path / "m")
    try:
        planned = g.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);", dry_run=True)
        assert all(m.dry_run for m in planned.migrations.values())
        assert all("t" not in sqlite_state(tmp_path / f"{n}.sqlite")[0] for n in urls)
        g.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);")
        for n, rows in (("a", [(1, "x")]), ("c", [(1, "y"), (2, "z")])):
            with sqlite3.connect(tmp_path / f"{n}.sqlite") as c:
                c.executemany("INSERT INTO t VALUES (?, ?)", rows)
        report = g.check("t", targets=("a", "c"))
        assert report.only_in == {"a": [], "c": [2]}
        assert report.differences == [{"key": 1, "field": "v", "a": "x", "c": "y"}]
        with pytest.raises(ConfigError, match="two targets"):
            g.check("t", targets=("a",))
        # the third target fails: both earlier ones are undone, newest first
        make_u = "CREATE TABLE u (id INTEGER PRIMARY KEY);"
        with pytest.raises(GroupFailed, match=r"failed on c: .*Undone: a \(.*\), b \(") as e:
            g.migrate("u", {"a": make_u, "b": make_u, "c": "INSERT INTO t (id, v) VALUES (1, 'dup');"})
        assert list(e.value.undone) == ["a", "b"]
        assert all("u" not in sqlite_state(tmp_path / f"{n}.sqlite")[0] for n in ("a", "b"))
    finally:
        g.close()


def test_mirror_of_a_table_that_exists_already(group, mongo_url):
    group["main"].migrate("add_events", EVENTS_SQL)
    change = group.migrate("mirror_events", {}, mirror="main:events backup")
    assert change.statuses() == {"backup": "applied"}
    assert "events" in mongo_db(mongo_url).list_collection_names()
    with pytest.raises(dbwork.UnknownObjectError):
        group.migrate("mirror_nope", {}, mirror="main:nope backup")
    with pytest.raises(ConfigError, match="from a SQL target to a MongoDB one"):
        group.migrate("mirror_back", {}, mirror="backup:events main")
