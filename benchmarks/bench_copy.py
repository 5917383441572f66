"""dbwork.copy against the reference loaders, same rows, same run, same servers.

    nice -n 10 .venv/bin/python benchmarks/bench_copy.py [--users 100000] [--targets postgresql,mariadb,from-mariadb]

A SQLite shop of 1,300,000 rows (users 100k, orders 400k, order_items 800k; primary
keys, foreign keys, a unique email, three indexes, a CHECK) is copied:

- into PostgreSQL: ``raw COPY`` (the reference: the same rows loaded from ready CSV files
  with COPY, then the same keys and indexes), ``psycopg stream`` (a plain
  ``cursor.copy()`` of sqlite3 rows, then keys), ``dbwork.copy`` (schema translated,
  checkpointed, keys after the data; without its validation, and validated: counts,
  checksums over every row on each side, a sample), ``pgloader``
  (Debian's package; installed here with apt when absent and running as root);
- into MariaDB: ``raw LOAD DATA`` (LOAD DATA LOCAL INFILE of the CSV files, then keys),
  ``dbwork.copy``;
- PostgreSQL to PostgreSQL (the copy made above as the source): ``dbwork.copy`` and
  ``pgcopydb clone`` where pgcopydb is installed (also a Debian package);
- MariaDB to PostgreSQL (``from-mariadb``: the MariaDB copy made above as the source),
  against the same raw COPY.

Each line: seconds and the ratio to the raw load into that engine (time / raw time:
1.0 is as fast as the raw load). Figures are ratios of the same run, never absolutes.
"""
from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dbwork  # noqa: E402
from dbwork.data.copy import dbapi, ddl  # noqa: E402
from dbwork.data.copy.runner import plan  # noqa: E402

PG = "postgresql://root@127.0.0.1:5432/{}"
MY = "mariadb://root@127.0.0.1:3306/{}"
SHOP = """
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    created TIMESTAMP NOT NULL, active BOOLEAN NOT NULL DEFAULT 1);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
    placed TIMESTAMP NOT NULL, status VARCHAR(16) NOT NULL DEFAULT 'new',
    total NUMERIC(12, 2) NOT NULL);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    sku VARCHAR(40) NOT NULL, qty INTEGER NOT NULL CHECK (qty > 0), price NUMERIC(10, 2) NOT NULL);
"""
FILL = """
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {u})
INSERT INTO users SELECT x, 'user' || x || '@example.org', 'Name ' || x,
    datetime('2020-01-01', '+' || (x % 100000) || ' minutes'), x % 7 != 0 FROM s;
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {o})
INSERT INTO orders SELECT x, 1 + (x * 7919) % {u}, datetime('2021-01-01', '+' || x || ' seconds'),
    CASE x % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'sent' END,
    round((x % 100000) / 100.0 + 1, 2) FROM s;
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {i})
INSERT INTO order_items SELECT x, 1 + (x - 1) / 2, 'SKU-' || (x % 5000), 1 + x % 5,
    round((x % 2000) / 100.0 + 0.5, 2) FROM s;
CREATE INDEX ix_orders_user ON orders (user_id);
CREATE INDEX ix_orders_placed ON orders (placed);
CREATE INDEX ix_items_order ON order_items (order_id);
"""
TABLES = ("users", "orders", "order_items")


def build_shop(path: Path, users: int) -> int:
    conn = sqlite3.connect(path)
    conn.executescript(SHOP + FILL.format(u=users, o=4 * users, i=8 * users))
    conn.commit()
    n = sum(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES)
    conn.close()
    return n


def export_csv(path: Path, folder: Path) -> dict:
    conn = sqlite3.connect(path)
    files = {}
    for t in TABLES:
        files[t] = folder / f"{t}.csv"
        with open(files[t], "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(conn.execute(f"SELECT * FROM {t}"))
    conn.close()
    return files


class Servers:
    """Databases named dbw_copysql_bench_*, all dropped at the end."""

    def __init__(self):
        self.made: list[tuple[str, str]] = []

    def new(self, kind: str) -> str:
        name = f"dbw_copysql_bench_{uuid.uuid4().hex[:6]}"
        self._admin(kind, f"CREATE DATABASE {name}")
        self.made.append((kind, name))
        return (PG if kind == "postgresql" else MY).format(name)

    def _admin(self, kind: str, sql: str) -> None:
        conn = dbapi.connect((PG if kind == "postgresql" else MY).format("test"))
        if kind == "postgresql":
            conn.autocommit = True
        dbapi.run(conn, sql)
        conn.close()

    def drop_all(self) -> None:
        for kind, name in self.made:
            self._admin(kind, f"DROP DATABASE IF EXISTS {name}" +
                        (" WITH (FORCE)" if kind == "postgresql" else ""))


def target_ddl(src_url: str, dst_url: str):
    """dbwork's translated DDL for the target (so every loader builds the same tables)."""
    src, dst = dbwork.connect(src_url, migrations=tempfile.mkdtemp()), \
        dbwork.connect(dst_url, migrations=tempfile.mkdtemp())
    job = plan(src, dst)
    kind = dst.dialect.name
    before = ddl.before_data(job.tables, job.enums, kind, set())
    after = ddl.after_data(job.tables, kind, set())
    after += [s for t, c in job.identities.items() for s in ddl.sequence_reset(t, c, kind)]
    src.close()
    dst.close()
    return before, after


def run_all(conn, statements) -> None:
    for st in statements:
        dbapi.run(conn, st)
    conn.commit()


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def raw_pg(url: str, files: dict, before, after) -> float:
    conn = dbapi.connect(url)
    run_all(conn, before)

    def load():
        with conn.cursor() as cur:
            for t in TABLES:
                with cur.copy(f"COPY {t} FROM STDIN (FORMAT csv)") as cp, open(files[t], "rb") as f:
                    while block := f.read(1 << 20):
                        cp.write(block)
        conn.commit()
        run_all(conn, after)
    s = timed(load)
    conn.close()
    return s


def raw_mysql(url: str, files: dict, before, after) -> float:
    conn = dbapi.connect(url)
    run_all(conn, before)

    def load():
        for t in TABLES:
            dbapi.run(conn, f"LOAD DATA LOCAL INFILE '{files[t]}' INTO TABLE {t} "
                            f"CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' "
                            f"OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\n'")
        conn.commit()
        run_all(conn, after)
    s = timed(load)
    conn.close()
    return s


def psycopg_stream(sqlite_path: Path, url: str, before, after) -> float:
    conn = dbapi.connect(url)
    run_all(conn, before)
    src = sqlite3.connect(sqlite_path)

    def load():
        with conn.cursor() as cur:
            for t in TABLES:
                with cur.copy(f"COPY {t} FROM STDIN") as cp:
                    for row in src.execute(f"SELECT * FROM {t}"):
                        cp.write_row(row)
        conn.commit()
        run_all(conn, after)
    s = timed(load)
    conn.close()
    src.close()
    return s


def dbwork_copy(src: str, dst: str, dst_validated: str) -> tuple[float, float]:
    """(seconds without validation, seconds with it: counts, checksums, sample)."""
    fast = timed(lambda: dbwork.copy(src, dst, progress=False, validate=False))
    report = None

    def go():
        nonlocal report
        report = dbwork.copy(src, dst_validated, progress=False)
    checked = timed(go)
    if not report.ok:
        raise SystemExit(f"dbwork copy did not validate: {report}")
    return fast, checked


def ensure_package(binary: str, package: str) -> bool:
    if shutil.which(binary):
        return True
    import os
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    subprocess.run(["apt-get", "install", "-y", "-q", package], capture_output=True,
                   env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    return shutil.which(binary) is not None


def pgloader(sqlite_path: Path, url: str) -> float | None:
    if not ensure_package("pgloader", "pgloader"):
        return None
    target = url.replace("postgresql://", "pgsql://")
    out = None

    def go():
        nonlocal out
        out = subprocess.run(["pgloader", "--no-ssl-cert-verification", f"sqlite://{sqlite_path}",
                              target], capture_output=True, text=True)
    s = timed(go)
    if out.returncode != 0:
        print("pgloader failed:", (out.stderr or out.stdout)[-400:], file=sys.stderr)
        return None
    return s


def pgcopydb(src: str, dst: str, work: Path) -> float | None:
    if not ensure_package("pgcopydb", "pgcopydb"):
        return None
    out = None

    def go():
        nonlocal out
        out = subprocess.run(["pgcopydb", "clone", "--source", src, "--target", dst,
                              "--dir", str(work / "pgcopydb"), "--no-owner", "--no-acl",
                              "--skip-extensions", "--not-consistent"],
                             capture_output=True, text=True)
    s = timed(go)
    if out.returncode != 0:
        print("pgcopydb failed:", (out.stderr or out.stdout)[-400:], file=sys.stderr)
        return None
    return s


def line(name: str, seconds: float | None, ref: float, rows: int) -> str:
    if seconds is None:
        return f"  {name:<34} not available"
    return f"  {name:<34} {seconds:7.2f} s  {rows / seconds:>10,.0f} rows/s  {seconds / ref:5.2f}x"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--targets", default="postgresql,mariadb,from-mariadb",
                    help="any of postgresql, mariadb, from-mariadb (MariaDB to PostgreSQL)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dbw_copysql_bench_"))
    servers = Servers()
    try:
        shop = work / "shop.sqlite"
        rows = build_shop(shop, args.users)
        files = export_csv(shop, work)
        src = f"sqlite:///{shop}"
        import os
        print(f"SQLite shop: {rows:,} rows (users, orders, order_items); ratios: time / raw load; "
              f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        pg_copy = my_copy = ref = None
        targets = set(args.targets.split(","))
        if targets & {"postgresql", "from-mariadb"}:
            before, after = target_ddl(src, servers.new("postgresql"))
            ref = raw_pg(servers.new("postgresql"), files, before, after)
            print("SQLite -> PostgreSQL")
            print(line("raw COPY from CSV (+ keys)", ref, ref, rows))
        if "postgresql" in targets:
            print(line("psycopg cursor.copy() stream", psycopg_stream(
                shop, servers.new("postgresql"), before, after), ref, rows))
            pg_copy = servers.new("postgresql")
            c, v = dbwork_copy(src, pg_copy, servers.new("postgresql"))
            print(line("dbwork.copy", c, ref, rows))
            print(line("dbwork.copy, validated", v, ref, rows))
            print(line("pgloader", pgloader(shop, servers.new("postgresql")), ref, rows))
        if targets & {"mariadb", "from-mariadb"}:
            before, after = target_ddl(src, servers.new("mariadb"))
            ref_my = raw_mysql(servers.new("mariadb"), files, before, after)
            print("SQLite -> MariaDB")
            print(line("raw LOAD DATA from CSV (+ keys)", ref_my, ref_my, rows))
            my_copy = servers.new("mariadb")
            c, v = dbwork_copy(src, servers.new("mariadb"), my_copy)
            print(line("dbwork.copy", c, ref_my, rows))
            print(line("dbwork.copy, validated", v, ref_my, rows))
        if "from-mariadb" in targets and my_copy is not None and ref is not None:
            # the validated MariaDB copy above as the source, against the raw COPY
            print("MariaDB -> PostgreSQL (ratio to the raw COPY above)")
            c, v = dbwork_copy(my_copy, servers.new("postgresql"), servers.new("postgresql"))
            print(line("dbwork.copy", c, ref, rows))
            print(line("dbwork.copy, validated", v, ref, rows))
        if pg_copy is not None:
            print("PostgreSQL -> PostgreSQL (ratio to the raw COPY above)")
            c, v = dbwork_copy(pg_copy, servers.new("postgresql"), servers.new("postgresql"))
            print(line("dbwork.copy", c, ref, rows))
            print(line("dbwork.copy, validated", v, ref, rows))
            print(line("pgcopydb clone", pgcopydb(pg_copy.replace("postgresql://", "postgres://"),
                                                  servers.new("postgresql").replace(
                                                      "postgresql://", "postgres://"), work),
                       ref, rows))
        print(f"load average at the end {__import__('os').getloadavg()[0]:.1f}")
    finally:
        servers.drop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
