"""PostgreSQL to MongoDB along a document design, against insert_many of the same
documents ready-made, in the same run, into the same server (the nx-27017 stand-in
unless --mongo names a real one).

    .venv/bin/python benchmarks/bench_documents.py [--users 20000] [--mongo mongodb://host:port]

A shop in PostgreSQL: users, orders (3 per user), order items (1-4 per order, embedded
in their order by the proposed design). Reported, as documents/s and as a multiple of
the reference's time (1.0: as fast as inserting ready-made documents):
- ``insert_many``: the documents the copy wrote, read back and inserted into an empty
  collection in pages of 500: the reference;
- ``copy``: copy_to_documents, reading and nesting the rows, writing and checkpointing
  every page;
- ``copy + validate``: the same with its validation (counts, checksums over every value
  on both sides, a sample field by field), which reads both sides once more.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dbwork  # noqa: E402
from dbwork.data.documents import design_documents  # noqa: E402
from dbwork.data.documents import to_documents  # noqa: E402

PG_ADMIN = "host=127.0.0.1 user=root dbname=test"
SHOP = """
CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE, name TEXT NOT NULL,
    joined TIMESTAMPTZ NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
    placed TIMESTAMPTZ NOT NULL, total NUMERIC(10, 2) NOT NULL);
CREATE TABLE order_items (id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id), sku TEXT NOT NULL, qty INTEGER NOT NULL);
INSERT INTO users SELECT i, 'u' || i || '@example.org', 'User ' || i,
    TIMESTAMPTZ '2024-01-01' + i * INTERVAL '1 minute' FROM generate_series(1, {n}) i;
INSERT INTO orders SELECT i, 1 + i % {n}, TIMESTAMPTZ '2024-02-01' + i * INTERVAL '1 minute',
    (i % 1000) / 10.0 FROM generate_series(1, {n} * 3) i;
INSERT INTO order_items SELECT row_number() OVER (), o, 'SKU-' || k, 1 + k
    FROM generate_series(1, {n} * 3) o, generate_series(1, 4) k WHERE k <= 1 + o % 4;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_standin(tmp: Path) -> tuple[str, callable]:
    nx = str(Path(sys.executable).parent / "nx-27017")
    port = free_port()
    subprocess.run([nx, "-d", "--data-dir", str(tmp), "--host", "127.0.0.1", "-p", str(port),
                    "--db", "memory", "--log-file", str(tmp / "nx.log"),
                    "--pid-file", str(tmp / "nx.pid")], check=True, capture_output=True)
    time.sleep(1.5)
    return f"mongodb://127.0.0.1:{port}", lambda: subprocess.run(
        [nx, "--stop", "--pid-file", str(tmp / "nx.pid")], capture_output=True)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--mongo", default=os.environ.get("DBWORK_TEST_MONGODB_URL"))
    args = ap.parse_args()
    import psycopg
    tmp = Path(tempfile.mkdtemp(prefix="dbw_bench_docs_"))
    pg_name = f"dbw_bench_docs_{uuid.uuid4().hex[:8]}"
    server, stop = (args.mongo.rstrip("/"), lambda: None) if args.mongo else start_standin(tmp)
    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {pg_name}")
    try:
        with psycopg.connect(f"host=127.0.0.1 user=root dbname={pg_name}") as c:
            c.execute(SHOP.format(n=args.users))
        pg = dbwork.connect(f"postgresql://root@127.0.0.1:5432/{pg_name}", migrations=tmp / "m")
        names = [f"dbw_bench_docs_{k}_{uuid.uuid4().hex[:6]}" for k in ("copy", "valid", "ref")]
        dbs = [dbwork.connect(f"{server}/{n}", migrations=tmp / n) for n in names]
        design = design_documents(pg, decimals="string")
        print(design.text().splitlines()[0], "|", ", ".join(
            design.target_name(t) for t in design.tables))
        t_copy, _ = timed(lambda: to_documents.copy_to_documents(
            pg, dbs[0], design=design, progress=False, validate=False))
        t_full, checked = timed(lambda: to_documents.copy_to_documents(
            pg, dbs[1], design=design, progress=False))
        assert checked.ok, checked
        docs = {c: list(dbs[0].backend.db[c].find({})) for c in design.collections}
        n_docs = sum(len(v) for v in docs.values())

        def reference():
            for c, items in docs.items():
                for i in range(0, len(items), 500):
                    dbs[2].backend.db[c].insert_many(items[i:i + 500], ordered=False)
        t_ref, _ = timed(reference)
        rows = sum(t.read or t.written for t in checked.tables)
        print(f"{args.users} users: {rows} rows into {n_docs} documents")
        for label, t in (("insert_many (reference)", t_ref), ("copy", t_copy),
                         ("copy + validate", t_full)):
            print(f"  {label:24} {t:7.2f} s  {n_docs / t:9.0f} documents/s  {t / t_ref:5.2f}x")
        for wb, n in zip(dbs, names):
            wb.backend.client.drop_database(n)
            wb.close()
        pg.close()
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
