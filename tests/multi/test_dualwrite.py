"""Dual writes: the generated outbox snippet runs for real against SQLite and the MongoDB
stand-in (including MongoDB being unreachable and an entry delivered twice), and the
backfill goes through dbwork.copy."""
from __future__ import annotations

import sqlite3

import pymongo
import pytest

import dbwork
from dbwork.multi.dualwrite import FAILURE_MODES, dual_write_snippet

SQL = "CREATE TABLE events (id INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL, at TIMESTAMP);"


@pytest.fixture
def setup(tmp_path, mongo_url):
    main = f"sqlite:///{tmp_path}/main.sqlite"
    g = dbwork.connect_many({"main": main, "backup": mongo_url}, migrations=tmp_path / "m")
    g.migrate("add_events", {"main": SQL}, mirror="main:events backup")
    snippet = dual_write_snippet(g["main"].schema().table("events"))
    g.migrate("add_outbox", {"main": snippet.outbox_ddl("sqlite")})
    yield g, snippet, main
    g.close()


def run_snippet(code: str, monkeypatch, main: str, backup: str) -> dict:
    monkeypatch.setenv("MAIN_URL", main)
    monkeypatch.setenv("BACKUP_URL", backup)
    namespace: dict = {}
    exec(compile(code, "dual_write_events.py", "exec"), namespace)
    return namespace


def test_the_generated_outbox_snippet_writes_both_and_survives_failures(setup, mongo_url,
                                                                         monkeypatch, tmp_path):
    from datetime import datetime
    g, snippet, main = setup
    ns = run_snippet(snippet.code, monkeypatch, main, mongo_url)
    for i in range(1, 4):
        ns["write_row"]({"id": i, "kind": f"k{i}", "at": datetime(2026, 12, 1, 9, i)})
    before = g.check("events")
    assert before.only_in == {"main": [1, 2, 3], "backup": []}   # not relayed yet
    assert ns["relay"]() == 3
    assert g.check("events").ok                    # timestamps arrive as dates, equal
    # MongoDB unreachable: the SQL write still commits, the entry waits in the outbox
    down = run_snippet(snippet.code, monkeypatch, main,
                       mongo_url.rsplit("/", 1)[0].rsplit(":", 1)[0] + ":1/x?serverSelectionTimeoutMS=300")
    down["write_row"]({"id": 4, "kind": "k4", "at": None})
    with pytest.raises(pymongo.errors.ServerSelectionTimeoutError):
        down["relay"]()
    with sqlite3.connect(tmp_path / "main.sqlite") as c:
        assert c.execute("SELECT COUNT(*) FROM events_outbox WHERE sent_at IS NULL").fetchone() == (1,)
    assert g.check("events").only_in["main"] == [4]
    assert ns["relay"]() == 1 and g.check("events").ok
    # an entry delivered twice and a delete: still one document per row
    with sqlite3.connect(tmp_path / "main.sqlite") as c:
        c.execute("UPDATE events_outbox SET sent_at = NULL WHERE seq = 1")
    ns["delete_row"](2)
    assert ns["relay"]() == 2
    report = g.check("events")
    assert report.ok and report.counts == {"main": 3, "backup": 3}
    base, name = mongo_url.rsplit("/", 1)
    docs = pymongo.MongoClient(base + "/", serverSelectionTimeoutMS=3000)[name].events.find({})
    assert sorted(d["_id"] for d in docs) == [1, 3, 4]   # the key is _id, as dbwork.copy has it
    # the explanation names every failure mode, and no URL is written into the code
    assert all(what in snippet.explanation for what, _ in FAILURE_MODES)
    assert mongo_url not in snippet.code and "MAIN_URL" in snippet.code


def test_backfill_goes_through_dbwork_copy(setup, mongo_url, monkeypatch):
    pytest.importorskip("dbwork.data.copy")
    pytest.importorskip("dbwork.data.documents")
    from dbwork.multi.dualwrite import backfill
    g, snippet, main = setup
    with sqlite3.connect(main.replace("sqlite:///", "")) as c:
        c.executemany("INSERT INTO events (id, kind) VALUES (?, ?)", [(i, f"k{i}") for i in range(1, 51)])
    assert g.check("events").only_in["main"] == list(range(1, 51))
    report = backfill(g, "events", progress=False)
    assert report.ok
    assert g.check("events", fields=["kind"]).ok
    # dual writes after the backfill land on the same documents (the key is _id on both)
    ns = run_snippet(snippet.code, monkeypatch, main, mongo_url)
    ns["write_row"]({"id": 7, "kind": "changed", "at": None})
    assert ns["relay"]() == 1
    after = g.check("events", fields=["kind"])
    assert after.ok and after.counts == {"main": 50, "backup": 50}
