"""Seeding and demo generation against a plain bulk load of the same rows, same run,
same database kind (SQLite file, PostgreSQL server).

    .venv/bin/python benchmarks/bench_seed.py [--rows 100000] [--kinds sqlite,postgresql]

Per kind, rows/s of:
- ``bulk``: the same rows straight through the backend's bulk path (COPY on PostgreSQL,
  executemany on SQLite) into an empty table: the reference;
- ``seed (insert)``: wb.seed of those rows into an empty table (read live rows, compare,
  upsert);
- ``seed (rerun)``: the same seed again (nothing changes: read and compare only);
- ``demo``: wb.demo_data generating and loading the same number of rows;
and each as a ratio to ``bulk`` (time / bulk time: 1.0 is as fast as a plain load).
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
from dbwork.data.demo_io import bulk_insert  # noqa: E402
from dbwork.data.sql_io import seed_session  # noqa: E402

PG_ADMIN = "host=127.0.0.1 user=root dbname=test"
TABLE = ("CREATE TABLE {t} (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE, "
         "name VARCHAR(60) NOT NULL, amount NUMERIC(10, 2) NOT NULL, joined DATE NOT NULL)")


def database(kind: str, tmp: Path):
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite'}", lambda: None
    import psycopg
    name = f"dbw_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return f"postgresql://root@127.0.0.1:5432/{name}", drop


def rows_for(n: int) -> list[dict]:
    import datetime as dt
    from decimal import Decimal
    return [{"id": i, "email": f"user{i}@example.com", "name": f"User {i}",
             "amount": Decimal(i % 9999) / 100, "joined": dt.date(2020, 1, 1) +
             dt.timedelta(days=i % 1500)} for i in range(1, n + 1)]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench(kind: str, n: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp())
    url, drop = database(kind, tmp)
    wb = dbwork.connect(url, migrations=tmp / "migrations")
    try:
        wb.migrate("tables", ";\n".join(TABLE.format(t=t) for t in ("plain", "seeded", "demo"))
                   + ";")
        data = rows_for(n)
        cols = tuple(data[0])
        driver_rows = [tuple(str(v) if kind == "sqlite" and not isinstance(v, (int, str))
                             else v for v in r.values()) for r in data]

        def plain():
            with seed_session(wb.backend, 30) as s:
                bulk_insert(s, wb.dialect, "plain", cols, driver_rows)
        out = {"bulk": timed(plain)}
        out["seed (insert)"] = timed(lambda: wb.seed("seeded", data))
        out["seed (rerun)"] = timed(lambda: wb.seed("seeded", data))
        out["demo"] = timed(lambda: wb.demo_data(tables=["demo"], rows=n, seed=1))
        return out
    finally:
        wb.close()
        drop()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--kinds", default="sqlite,postgresql")
    args = p.parse_args()
    print(f"{args.rows} rows per measurement")
    print(f"{'kind':<11} {'what':<14} {'seconds':>8} {'rows/s':>10} {'x bulk':>7}")
    for kind in args.kinds.split(","):
        got = bench(kind, args.rows)
        for what, secs in got.items():
            print(f"{kind:<11} {what:<14} {secs:8.2f} {args.rows / secs:10.0f} "
                  f"{secs / got['bulk']:7.2f}")


if __name__ == "__main__":
    main()
