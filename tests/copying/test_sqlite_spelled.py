"""SQLite into PostgreSQL or MariaDB: batches are spelled as load text by SQLite itself
(dbwork.data.copy.sqltext). The values that land must be exactly those the row path
sends (escapes, NULLs, doubles to the last bit, binary), and a batch holding a value
the text cannot spell must go the row path, where a refused row is named."""
from __future__ import annotations

import math

import pytest

import dbwork
from dbwork.data.copy import dbapi, transfer

TRICKY = [
    (1, "tab\there", 0.1 + 0.2, b"\x00\x01\xff", None),
    (2, "back\\slash \\N", 1e300, None, 7),
    (3, "new\nline\r\nand CR", -0.0, b"", 0),
    (4, "plain é ünïcödé 😀", 12.34, b"\\x41", -5),
    (5, "", 123456789.123456789, b"a\tb\nc", 2 ** 53 + 1),
    (6, None, 5e-324, b"\\", None),
]


def _fill(url: str) -> None:
    conn = dbapi.connect(url)
    conn.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, s TEXT, d DOUBLE PRECISION, "
                 "b BLOB, i BIGINT)")
    conn.executemany("INSERT INTO v VALUES (?, ?, ?, ?, ?)", TRICKY)
    conn.commit()
    conn.close()


def _target_rows(url: str):
    conn = dbapi.connect(url)
    try:
        return [tuple(bytes(x) if isinstance(x, (bytes, memoryview)) else x for x in r)
                for r in dbapi.run(conn, "SELECT id, s, d, b, i FROM v ORDER BY id")]
    finally:
        conn.close()


def _count_paths(monkeypatch):
    seen = {"spelled": 0, "rows": 0}
    bulk, read = transfer._Chunk._bulk, transfer._Chunk._read_range

    def counted_bulk(self, last):
        out = bulk(self, last)
        seen["spelled"] += out is not None
        return out

    def counted_read(self, last):
        seen["rows"] += 1
        return read(self, last)
    monkeypatch.setattr(transfer._Chunk, "_bulk", counted_bulk)
    monkeypatch.setattr(transfer._Chunk, "_read_range", counted_read)
    return seen


def test_postgresql_gets_every_value_exactly(make_db, monkeypatch):
    src, dst = make_db("sqlite"), make_db("postgresql")
    _fill(src)
    seen = _count_paths(monkeypatch)
    report = dbwork.copy(src, dst, progress=False)
    assert report.ok, report
    assert seen["spelled"] >= 1 and seen["rows"] == 0       # no batch fell back
    # what the row path sends: the rows as sqlite3 reads them (SQLite drops -0.0's sign)
    want = _target_rows(src)
    got = _target_rows(dst)
    assert got == want and len(got) == len(TRICKY)
    assert [math.copysign(1, r[2]) for r in got] == [math.copysign(1, r[2]) for r in want]


def test_mariadb_gets_every_value_exactly(make_db, monkeypatch):
    src, dst = make_db("sqlite"), make_db("mariadb")
    conn = dbapi.connect(src)
    conn.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, s TEXT, d DOUBLE PRECISION, "
                 "i BIGINT)")
    rows = [(i, s, d, n) for i, s, d, _, n in TRICKY]
    conn.executemany("INSERT INTO v VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    seen = _count_paths(monkeypatch)
    report = dbwork.copy(src, dst, progress=False)
    assert report.ok, report
    assert seen["spelled"] >= 1 and seen["rows"] == 0
    c = dbapi.connect(dst)
    got = dbapi.run(c, "SELECT id, s, d, i FROM v ORDER BY id")
    c.close()
    assert [tuple(r) for r in got] == [tuple(r) for r in rows]


@pytest.mark.parametrize("target", ["postgresql", "mariadb"])
def test_a_value_the_text_cannot_spell_sends_its_batch_the_row_way(target, make_db,
                                                                   monkeypatch):
    """A NUL in a text (SQLite keeps it): that batch, and only that one, is read as
    Python rows; MariaDB takes the value, PostgreSQL refuses it and the row is named."""
    src, dst = make_db("sqlite"), make_db(target)
    conn = dbapi.connect(src)
    conn.execute("CREATE TABLE w (id INTEGER PRIMARY KEY, s TEXT NOT NULL)")
    conn.executemany("INSERT INTO w VALUES (?, ?)", [(i, f"row {i}") for i in range(1, 301)])
    conn.execute("UPDATE w SET s = ? WHERE id = 150", ("nul\x00inside",))
    conn.commit()
    conn.close()
    seen = _count_paths(monkeypatch)
    report = dbwork.copy(src, dst, progress=False, batch_rows=100)
    assert seen["rows"] == 1 and seen["spelled"] >= 2
    c = dbapi.connect(dst)
    got = dict(dbapi.run(c, "SELECT id, s FROM w"))
    c.close()
    assert got[149] == "row 149" and got[151] == "row 151"
    if target == "mariadb":
        assert report.ok, report
        assert len(got) == 300 and got[150] == "nul\x00inside"
    else:
        assert not report.ok and report.table("w").rejected_keys == [150]
        assert len(got) == 299 and 150 not in got
