"""Infinity, NaN, -0 and extreme numbers between the engines, as each one stores them
(checked here: PostgreSQL 15 keeps inf and NaN in double precision and numeric, and -0 in
a double only; MariaDB has no inf or NaN at all and stores -0 as 0; SQLite keeps inf in
a REAL, binds NaN as NULL, and stores -0.0 in a REAL column as 0). A value the target
holds round-trips and validates; one it cannot hold is a refused row named by its key,
never a silent NULL or zero, and the copy is then not done."""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

import dbwork
from dbwork.data.copy import dbapi, verify_copy

# id, a double, a numeric (PostgreSQL's spellings)
PG_ROWS = [(1, "'Infinity'", "'Infinity'"), (2, "'-Infinity'", "'-Infinity'"),
           (3, "'NaN'", "'NaN'"), (4, "'-0'", "'-0'"),
           (5, "1.7976931348623157e308", "1e400"), (6, "5e-324", "1e-400"),
           (7, "-2.2250738585072014e-308", "-12345678901234567890.123456789012345678"),
           (8, "0.1", "0.1")]
UNHELD = {"mariadb": {1, 2, 3}, "sqlite": {3}}     # rows the target has no value for


def _pg_source(url: str) -> None:
    conn = dbapi.connect(url)
    dbapi.run(conn, "CREATE TABLE n (id INTEGER PRIMARY KEY, d DOUBLE PRECISION, "
                    "x NUMERIC)")
    for row in PG_ROWS:
        dbapi.run(conn, f"INSERT INTO n VALUES ({row[0]}, {row[1]}, {row[2]})")
    conn.commit()
    conn.close()


def _ids(url: str) -> list[int]:
    conn = dbapi.connect(url)
    try:
        return [r[0] for r in dbapi.run(conn, "SELECT id FROM n ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize("target", ["postgresql", "sqlite", "mariadb"])
def test_special_numbers_from_postgresql(target, make_db):
    src, dst = make_db("postgresql"), make_db(target)
    _pg_source(src)
    report = dbwork.copy(src, dst, progress=False)
    n = report.table("n")
    refused = UNHELD.get(target, set())
    if target == "mariadb":
        # DECIMAL cannot hold 1e400 either: MariaDB refuses it, by key
        refused = refused | {5}
    assert set(n.rejected_keys) == refused, n.errors
    assert _ids(dst) == [r[0] for r in PG_ROWS if r[0] not in refused]
    assert report.ok is (not refused)
    assert n.checksum_match is (not refused)
    for key in refused:
        assert any(f"key {key}" in e for e in n.errors), n.errors
    if target == "sqlite":
        assert any("NaN" in e for e in n.errors)
    if target == "mariadb":
        assert any("no NaN or infinity" in e for e in n.errors), n.errors
    if not refused:     # the same values, read back through the target's driver
        conn = dbapi.connect(dst)
        d = dict(dbapi.run(conn, "SELECT id, d FROM n"))
        conn.close()
        assert d[1] == math.inf and d[2] == -math.inf and math.isnan(d[3])
        assert math.copysign(1, d[4]) == -1              # PostgreSQL keeps -0 in a double


def test_infinity_from_sqlite_round_trips_into_postgresql_and_is_refused_by_mariadb(make_db):
    src = make_db("sqlite")
    conn = dbapi.connect(src)
    conn.execute("CREATE TABLE n (id INTEGER PRIMARY KEY, d REAL, x NUMERIC)")
    conn.executemany("INSERT INTO n VALUES (?, ?, ?)",
                     [(1, math.inf, math.inf), (2, -math.inf, "-Infinity"), (3, -0.0, -0.0),
                      (4, 1e308, "1E+400"), (5, 2.5, "2.50")])
    conn.commit()
    conn.close()
    pg = make_db("postgresql")
    report = dbwork.copy(src, pg, progress=False)
    assert report.ok and report.table("n").checksum_match, report
    conn = dbapi.connect(pg)
    got = dict((r[0], (r[1], r[2])) for r in dbapi.run(conn, "SELECT id, d, x FROM n"))
    conn.close()
    assert got[1] == (math.inf, Decimal("Infinity")) and got[2][1] == Decimal("-Infinity")
    assert got[4][1] == Decimal("Infinity")   # SQLite's NUMERIC made '1E+400' a REAL inf
    back = make_db("sqlite")                              # and back again
    assert dbwork.copy(pg, back, progress=False).ok
    assert verify_copy(src, back).ok
    my = make_db("mariadb")
    report = dbwork.copy(src, my, progress=False)
    n = report.table("n")
    assert not report.ok and set(n.rejected_keys) == {1, 2, 4}, n.errors
    assert _ids(my) == [3, 5]


def test_a_changed_infinity_is_caught(make_db):
    src, dst = make_db("postgresql"), make_db("postgresql")
    _pg_source(src)
    assert dbwork.copy(src, dst, progress=False).ok
    conn = dbapi.connect(dst)
    dbapi.run(conn, "UPDATE n SET d = '-Infinity' WHERE id = 1")
    dbapi.run(conn, "UPDATE n SET x = 'Infinity' WHERE id = 3")
    conn.commit()
    conn.close()
    report = verify_copy(src, dst)
    assert not report.ok and report.table("n").checksum_match is False
