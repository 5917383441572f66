"""The checkpoint stores and the progress helper of dbwork.data.copy (no server needed)."""
from __future__ import annotations

import datetime as dt
import io
import sqlite3
from decimal import Decimal

from dbwork.data.copy.checkpoint import (FileCheckpoints, SqlCheckpoints, decode_key,
                                         encode_key, job_id)
from dbwork.data.copy.progress import NullBar, Progress


def test_sql_checkpoint_commits_only_with_the_batch(tmp_path):
    path = tmp_path / "t.sqlite"
    conn = sqlite3.connect(path)
    store = SqlCheckpoints(conn, "sqlite")
    store.ensure()
    store.save("j", "users", "0", (10,), rows=10)
    conn.commit()
    store.save("j", "users", "0", (20,), rows=20)
    conn.rollback()                       # the batch failed: its checkpoint goes with it
    again = SqlCheckpoints(sqlite3.connect(path), "sqlite")
    assert again.load("j", "users", "0").last_key == (10,)
    assert again.load("j", "users", "1") is None
    assert not again.finished("j", "users")


def test_sql_checkpoint_finished_needs_every_chunk_done(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.sqlite")
    store = SqlCheckpoints(conn, "sqlite")
    store.ensure()
    store.save("j", "t", "0", (5,), rows=5, done=True)
    store.save("j", "t", "1", (7,), rows=2)
    conn.commit()
    assert not store.finished("j", "t")
    store.save("j", "t", "1", (9,), rows=4, done=True)
    conn.commit()
    assert store.finished("j", "t")
    assert sorted(c.chunk for c in store.all("j")) == ["0", "1"]
    store.clear("j", "t")
    assert store.all("j") == []


def test_file_checkpoints_survive_a_new_process_view(tmp_path):
    path = tmp_path / "ck" / "copy.json"
    s = FileCheckpoints(path)
    s.save("j", "orders", "0", ("b", 2), rows=2)
    s.save("j", "orders", "0", ("c", 3), rows=3, done=True)
    s.save("k", "other", "0", (1,), rows=1)
    fresh = FileCheckpoints(path)
    assert fresh.load("j", "orders", "0").last_key == ("c", 3)
    assert fresh.finished("j", "orders")
    fresh.clear("j")
    assert fresh.all("j") == [] and len(fresh.all("k")) == 1
    assert not list(path.parent.glob("copy.json.*"))   # no temporary file left


def test_keys_round_trip_with_their_types():
    key = (1, "x", dt.datetime(2024, 5, 1, 12, 30), dt.date(2024, 5, 1), Decimal("2.50"),
           b"\x00\xff", 1.5, None)
    assert decode_key(encode_key(key)) == key
    assert encode_key(None) is None
    assert job_id("a", "b") != job_id("b", "a")


def test_progress_draws_on_a_file_and_counts():
    out = io.StringIO()
    with Progress(out) as p:
        bar = p.bar("users", total=10, initial=4)
        bar.update(6)
    assert bar.n == 10
    assert "users" in out.getvalue() and "100%" in out.getvalue()


def test_progress_off_draws_nothing():
    p = Progress(False)
    bar = p.bar("users", total=5)
    assert isinstance(bar, NullBar)
    bar.update(2)
    assert bar.n == 2
