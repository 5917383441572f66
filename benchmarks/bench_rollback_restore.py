"""Roll back a destructive change (a dropped column) on a 1,000,000-row table, with
its values restored from dbwork's backup, on SQLite and PostgreSQL.

Reference, measured in the same run on the same table: a plain copy of that column,
``CREATE TABLE ref AS SELECT id, note FROM t``. The figure is the ratio rollback /
copy (the restore is a keyed UPDATE from the backup, so it does more work than a copy).

    /tmp/dv/bin/python benchmarks/bench_rollback_restore.py [--rows N] [--only sqlite|postgresql]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dbwork  # noqa: E402

PG_ADMIN = "postgresql://root@127.0.0.1:5432/test"


def fill(wb, rows: int) -> None:
    wb.migrate("create_t", "CREATE TABLE t (id INTEGER PRIMARY KEY, note VARCHAR(40), n INTEGER);")
    if wb.dialect.name == "sqlite":
        sql = ("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
               "INSERT INTO t (id, note, n) SELECT i, 'note ' || i, i % 97 FROM s")
    else:
        sql = ("INSERT INTO t (id, note, n) SELECT i, 'note ' || i, i %% 97 "
               "FROM generate_series(1, {n}) AS i")
    timed_sql(wb, sql.format(n=rows))
    if wb.dialect.name == "postgresql":
        timed_sql(wb, "ANALYZE t")


def timed_sql(wb, *statements) -> float:
    t0 = time.perf_counter()
    with wb.backend.connect() as conn:
        for st in statements:
            conn.exec_driver_sql(st)
        conn.commit()
    return time.perf_counter() - t0


def checksum(wb) -> tuple:
    with wb.backend.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT COUNT(*), COUNT(note), SUM(LENGTH(note)), MIN(note), MAX(note) FROM t").one()
        conn.rollback()
    return tuple(got)


def run(wb, label: str, rows: int) -> dict:
    fill(wb, rows)
    before = checksum(wb)
    t0 = time.perf_counter()
    wb.migrate("drop_note", "ALTER TABLE t DROP COLUMN note;", allow_data_loss=True)
    up = time.perf_counter() - t0
    t0 = time.perf_counter()
    wb.rollback()
    down = time.perf_counter() - t0
    restored = checksum(wb) == before
    copy = timed_sql(wb, "CREATE TABLE ref_copy AS SELECT id, note FROM t")
    timed_sql(wb, "DROP TABLE ref_copy")
    return {"backend": label, "rows": rows, "up_s": up, "rollback_s": down, "copy_s": copy,
            "ratio": down / copy, "restored": restored}


def sqlite_case(rows: int) -> dict:
    d = tempfile.mkdtemp()
    wb = dbwork.connect(f"sqlite:///{d}/bench.sqlite", migrations=f"{d}/m")
    try:
        return run(wb, "sqlite", rows)
    finally:
        wb.close()


def pg_case(rows: int) -> dict:
    import psycopg
    name = f"dbwork_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    d = tempfile.mkdtemp()
    wb = dbwork.connect(f"postgresql://root@127.0.0.1:5432/{name}", migrations=f"{d}/m")
    try:
        return run(wb, "postgresql", rows)
    finally:
        wb.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    cases = [("sqlite", sqlite_case), ("postgresql", pg_case)]
    print(f"{'backend':<11} {'rows':>9} {'apply s':>8} {'rollback s':>11} {'copy s':>7} "
          f"{'ratio':>6}  restored")
    for label, fn in cases:
        if args.only and args.only != label:
            continue
        r = fn(args.rows)
        print(f"{r['backend']:<11} {r['rows']:>9} {r['up_s']:>8.2f} {r['rollback_s']:>11.2f} "
              f"{r['copy_s']:>7.2f} {r['ratio']:>6.1f}  {r['restored']}")


if __name__ == "__main__":
    main()
