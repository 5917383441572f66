"""A copy survives a stop: kill -9 of a copying process part way, then a re-run, leaves
every row exactly once (counts, checksums, and a key-by-key comparison). Faults are
named: an unreachable target, a type the target cannot hold, a row the target refuses;
and validation catches a lost or altered row."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dbwork
from dbwork.data.copy import dbapi, verify_copy
from dbwork.errors import ConnectionFailed, CopyRefused, UnknownObjectError

CHILD = Path(__file__).with_name("copy_child.py")


def _fill_big(url: str, n: int) -> None:
    conn = dbapi.connect(url)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER)")
    conn.execute("CREATE TABLE k (code TEXT PRIMARY KEY, v REAL)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)",
                     ((i, f"row {i} " + "x" * (i % 50), i * 7) for i in range(1, n + 1)))
    conn.executemany("INSERT INTO k VALUES (?, ?)",
                     ((f"c{i:06d}", i / 3) for i in range(n // 4)))
    conn.commit()
    conn.close()


def _keys(url: str, table: str, key: str) -> list:
    conn = dbapi.connect(url)
    try:
        return [r[0] for r in dbapi.run(conn, f"SELECT {key} FROM {table} ORDER BY {key}")]
    finally:
        conn.close()


def _target_count(url: str) -> int:
    try:
        conn = dbapi.connect(url)
        try:
            return dbapi.run(conn, "SELECT COUNT(*) FROM t")[0][0]
        finally:
            conn.close()
    except Exception:
        return 0


@pytest.mark.parametrize("target", ["postgresql", "mariadb"])
def test_kill_9_mid_copy_then_resume(target, make_db):
    n = 40_000
    src, dst = make_db("sqlite"), make_db(target)
    _fill_big(src, n)
    child = subprocess.Popen([sys.executable, str(CHILD), src, dst],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _target_count(dst) < n // 8 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, "the copy ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    part = _target_count(dst)
    assert 0 < part < n                                # stopped part way

    report = dbwork.copy(src, dst, progress=False, batch_rows=500, chunk_rows=4000)
    assert report.ok, report
    t = report.table("t")
    assert t.resumed_from > 0 and t.resumed_from + t.written == n
    assert t.checksum_match is True and report.table("k").checksum_match is True
    assert _keys(dst, "t", "id") == list(range(1, n + 1))      # no duplicate, none missing
    assert _keys(dst, "k", "code") == _keys(src, "k", "code")


def test_ctrl_c_then_resume(make_db, monkeypatch):
    src, dst = make_db("sqlite"), make_db("postgresql")
    _fill_big(src, 5_000)
    from dbwork.data.copy import transfer
    real = transfer._Chunk._commit
    calls = {"n": 0}

    def interrupted(self, key):
        # every batch, SQLite-spelled or row by row, ends in this commit: stop before
        # the fourth, its rows and checkpoint written but not committed
        calls["n"] += self.t.name == "t"
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(self, key)

    monkeypatch.setattr(transfer._Chunk, "_commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dbwork.copy(src, dst, progress=False, batch_rows=300, workers=1)
    monkeypatch.setattr(transfer._Chunk, "_commit", real)
    report = dbwork.copy(src, dst, progress=False, batch_rows=300)
    assert report.ok and report.table("t").resumed_from > 0
    assert _keys(dst, "t", "id") == list(range(1, 5_001))


def test_unreachable_target_is_named_and_nothing_is_read(make_db):
    src = make_db("sqlite")
    _fill_big(src, 10)
    with pytest.raises(ConnectionFailed) as e:
        dbwork.copy(src, "postgresql://root:s3cret@127.0.0.1:1/nowhere", progress=False)
    assert "127.0.0.1:1" in str(e.value) and "s3cret" not in str(e.value)


def test_unknown_table_refused_before_anything(make_db):
    src, dst = make_db("sqlite"), make_db("sqlite")
    _fill_big(src, 10)
    with pytest.raises(UnknownObjectError):
        dbwork.copy(src, dst, tables=["t", "nope"], progress=False)
    assert not Path(dst.removeprefix("sqlite:///")).exists() or \
        "t" not in {r[0] for r in dbapi.run(dbapi.connect(dst),
                                             "SELECT name FROM sqlite_master")}


def test_type_the_target_cannot_hold(make_db):
    src, dst = make_db("postgresql"), make_db("mariadb")
    conn = dbapi.connect(src)
    dbapi.run(conn, "CREATE TABLE shapes (id INTEGER PRIMARY KEY, p POINT)")
    dbapi.run(conn, "CREATE TABLE tagged (id INTEGER PRIMARY KEY, tags TEXT[], "
                    "at TIMESTAMPTZ)")
    dbapi.run(conn, "INSERT INTO tagged VALUES (1, ARRAY['a','b'], '2024-01-01 10:00+02')")
    conn.commit()
    with pytest.raises(CopyRefused) as e:
        dbwork.copy(src, dst, progress=False)
    assert "shapes.p" in str(e.value) and "POINT" in str(e.value)
    assert "shapes" not in _tables(dst)                # refused before anything was made
    report = dbwork.copy(src, dst, tables=["tagged"], progress=False)
    assert report.ok, report
    assert any("tags" in w and "JSON" in w for w in report.warnings)
    assert any("at" in w and "UTC" in w for w in report.warnings)
    row = dbapi.run(dbapi.connect(dst), "SELECT tags, at FROM tagged")[0]
    assert row[0] == '["a", "b"]' and str(row[1]) == "2024-01-01 08:00:00"


def _tables(url: str) -> set:
    from dbwork.data.copy.ddl import existing_tables
    conn = dbapi.connect(url)
    try:
        return existing_tables(conn, dbwork.connect(url).dialect.name)
    finally:
        conn.close()


@pytest.mark.parametrize("target", ["postgresql", "mariadb", "sqlite"])
def test_rejected_row_is_named_and_the_copy_is_not_done(target, make_db):
    src, dst = make_db("sqlite"), make_db(target)
    conn = dbapi.connect(src)
    conn.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL)")
    # SQLite keeps a text in an INTEGER column; the target's integer refuses it
    conn.executemany("INSERT INTO m VALUES (?, ?)",
                     [(1, 5), (2, 6), (3, "many"), (4, 8)])
    conn.commit()
    conn.close()
    if target == "sqlite":   # SQLite would take the text: make the target refuse
        c = dbapi.connect(dst)
        c.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL "
                  "CHECK (typeof(qty) = 'integer'))")
        c.commit()
        c.close()
    report = dbwork.copy(src, dst, progress=False)
    m = report.table("m")
    assert not report.ok and m.rejected == 1 and m.rejected_keys == [3]
    assert any("key 3" in e for e in m.errors)
    assert m.checksum_match is False                       # validation sees the gap
    assert _keys(dst, "m", "id") == [1, 2, 4]              # the good rows went in
    assert "not" not in str(report).split(";")[-1] or "DIFFER" in str(report)


def test_validation_catches_an_altered_or_lost_row(make_db):
    src, dst = make_db("sqlite"), make_db("postgresql")
    _fill_big(src, 300)
    assert dbwork.copy(src, dst, progress=False).ok
    assert verify_copy(src, dst).ok
    conn = dbapi.connect(dst)
    dbapi.run(conn, "UPDATE t SET a = 'changed' WHERE id = 150")
    dbapi.run(conn, "DELETE FROM k WHERE code = 'c000010'")
    conn.commit()
    report = verify_copy(src, dst)
    assert not report.ok
    assert report.table("t").checksum_match is False
    assert report.table("k").checksum_match is False
    assert any("74 rows in the source, 73" in e or "rows in the source" in e
               for e in report.table("k").errors)


def test_binary_pipe_falls_back_to_rows_and_names_the_refused_one(make_db, monkeypatch):
    """PostgreSQL to PostgreSQL moves batches as binary COPY; a batch the target refuses
    (here a stricter CHECK on the target's table) goes row by row instead."""
    src, dst = make_db("postgresql"), make_db("postgresql")
    conn = dbapi.connect(src)
    dbapi.run(conn, "CREATE TABLE m (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL)")
    dbapi.run(conn, "INSERT INTO m SELECT g, g FROM generate_series(1, 300) g")
    conn.commit()
    c = dbapi.connect(dst)
    dbapi.run(c, "CREATE TABLE m (id INTEGER NOT NULL, qty INTEGER NOT NULL CHECK (qty <> 150))")
    c.commit()
    from dbwork.data.copy import transfer
    parsed = []
    real = transfer._Chunk._read_range
    monkeypatch.setattr(transfer._Chunk, "_read_range",
                        lambda self, last: parsed.append(last) or real(self, last))
    report = dbwork.copy(src, dst, progress=False, batch_rows=100)
    assert len(parsed) == 1            # only the refused batch was read as Python rows
    m = report.table("m")
    assert m.rejected_keys == [150] and m.written == 299 and not report.ok
    assert _keys(dst, "m", "id") == [i for i in range(1, 301) if i != 150]


def test_a_finished_copy_run_again_changes_nothing_and_a_different_table_is_refused(make_db):
    src, dst = make_db("sqlite"), make_db("mariadb")
    _fill_big(src, 500)
    first = dbwork.copy(src, dst, progress=False)
    assert first.ok and first.table("t").written == 500
    again = dbwork.copy(src, dst, progress=False)          # a re-run notebook cell
    assert again.ok and again.table("t").written == 0 and again.table("t").checksum_match
    assert any("nothing copied" in n for n in again.table("t").notes)
    assert _keys(dst, "t", "id") == list(range(1, 501))
    conn = dbapi.connect(dst)
    dbapi.run(conn, "UPDATE t SET b = -1 WHERE id = 7")
    conn.commit()
    with pytest.raises(CopyRefused) as e:
        dbwork.copy(src, dst, progress=False)
    assert "t" == e.value.table and "500 rows" in str(e.value)
    assert _keys(dst, "t", "id") == list(range(1, 501))      # nothing written


def test_checksums_in_forked_processes_match_the_threads(make_db, monkeypatch):
    """Big copies hash on forked worker processes, key range by key range."""
    from dbwork.data.copy import executors, validate
    src, dst = make_db("sqlite"), make_db("postgresql")
    _fill_big(src, 3_000)
    monkeypatch.setattr(validate, "PROCESSES_FROM", 1)
    used = []
    real = executors.forking
    monkeypatch.setattr(validate, "forking", lambda: used.append(real()) or used[-1])
    import threading
    alone = threading.active_count() == 1     # fork only where no other thread runs
    report = dbwork.copy(src, dst, progress=False, chunk_rows=1_000)
    assert report.ok and report.table("t").checksum_match
    assert used and (used[0] is not None) == alone   # processes, or threads when unsafe
    conn = dbapi.connect(dst)
    dbapi.run(conn, "UPDATE t SET b = b + 1 WHERE id = 2999")
    conn.commit()
    assert not verify_copy(src, dst).table("t").checksum_match
