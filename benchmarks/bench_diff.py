"""Desired-state diff on a 500-table PostgreSQL schema: dbwork's introspect + diff versus
Alembic's MetaData.reflect + autogenerate.compare_metadata, same database, same run.

    /tmp/dv/bin/python benchmarks/bench_diff.py [--tables 500] [--repeat 3]

Creates a scratch database (dropped at the end) with about 13 columns, 3 constraints
and 2.8 indexes per table; the desired schema adds a column to every 10th table and an
index to every 25th. Prints the best of --repeat runs for each side and the ratio.
"""
from __future__ import annotations

import argparse
import os
import time
import uuid
from dataclasses import replace

import psycopg
import sqlalchemy as sa

ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")


def ddl(n_tables: int) -> str:
    out = []
    for i in range(n_tables):
        ref = f"t{i - 1}" if i else None
        cols = [f"id SERIAL PRIMARY KEY", f"code VARCHAR(40) NOT NULL",
                f"name TEXT", f"amount NUMERIC(12, 2) DEFAULT 0", "qty INTEGER NOT NULL DEFAULT 1",
                "active BOOLEAN NOT NULL DEFAULT true", "created TIMESTAMP DEFAULT now()",
                "note VARCHAR(200)", "flags SMALLINT", "big BIGINT", "ratio DOUBLE PRECISION",
                "payload JSONB"]
        cols.append(f"parent_id INTEGER REFERENCES {ref} (id)" if ref else "parent_id INTEGER")
        cols.append(f"CONSTRAINT t{i}_code_key UNIQUE (code)" if i % 2 == 0
                    else f"CONSTRAINT t{i}_qty_check CHECK (qty >= 0)")
        out.append(f"CREATE TABLE t{i} (\n  " + ",\n  ".join(cols) + "\n);")
        out.append(f"CREATE INDEX t{i}_name_idx ON t{i} (name);")
        out.append(f"CREATE INDEX t{i}_parent_idx ON t{i} (parent_id);")
        if i % 5 != 0:
            out.append(f"CREATE INDEX t{i}_created_idx ON t{i} (created, qty);")
    return "\n".join(out)


def counts(conn) -> dict:
    q = {"tables": "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
         "columns": "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'",
         "constraints": "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype <> 'n'",
         "indexes": "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'",
         "indexes_not_backing_a_constraint": "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"}
    return {k: conn.execute(v).fetchone()[0] for k, v in q.items()}


def modified_schema(schema):
    from dbwork.model import Column, Index
    tables = dict(schema.tables)
    for i, name in enumerate(sorted(tables, key=lambda n: int(n[1:]))):
        t = tables[name]
        if i % 10 == 0:
            t = t.with_column(Column("extra", "TEXT"))
        if i % 25 == 0:
            t = t.with_index(Index(f"{name}_code_name_idx", name, ("code", "name")))
        tables[name] = t
    return type(schema)(tables)


def modified_metadata(md: sa.MetaData) -> sa.MetaData:
    for i, t in enumerate(sorted(md.tables.values(), key=lambda t: int(t.name[1:]))):
        if i % 10 == 0:
            t.append_column(sa.Column("extra", sa.Text))
        if i % 25 == 0:
            sa.Index(f"{t.name}_code_name_idx", t.c.code, t.c.name)
    return md


def _inspector_only(conn, dialect):
    """dbwork's introspection through SQLAlchemy's inspector (the fast pg_catalog
    reader switched off), for comparison."""
    import dbwork.introspect.sql as sql
    sql.FAST_POSTGRESQL = False
    try:
        return sql.introspect(conn, dialect)
    finally:
        sql.FAST_POSTGRESQL = True


def time_dbwork(url, dialect, reader, desired) -> tuple[float, int]:
    from dbwork.diff import diff
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        start = time.perf_counter()
        live = reader(conn, dialect)
        mid = time.perf_counter()
        ops = diff(live, desired, dialect)
        took = time.perf_counter() - start
    engine.dispose()
    return took, len(ops), mid - start


def time_alembic(url, target) -> tuple[float, int]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        start = time.perf_counter()
        md = sa.MetaData()
        md.reflect(conn)
        diffs = compare_metadata(MigrationContext.configure(conn), target)
        took = time.perf_counter() - start
    engine.dispose()
    return took, len(diffs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from dbwork.dialects import get_dialect
    from dbwork.introspect.sql import introspect
    from dbwork.url import DatabaseURL
    dialect = get_dialect("postgresql")
    name = f"dbw_bench_diff_{uuid.uuid4().hex[:6]}"
    admin = psycopg.connect(ADMIN, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    url = DatabaseURL.parse(ADMIN).with_database(name).sqlalchemy_url()
    try:
        with psycopg.connect(DatabaseURL.parse(ADMIN).with_database(name).sqlalchemy_url()
                             .replace("+psycopg", ""), autocommit=True) as c:
            c.execute(ddl(args.tables))
            c.execute("ANALYZE")
            print("schema:", counts(c))
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            desired = modified_schema(introspect(conn, dialect))
            target = sa.MetaData()
            target.reflect(conn)
            target = modified_metadata(target)
        engine.dispose()
        readers = {"dbwork (SQLAlchemy inspector)": _inspector_only,
                   "dbwork (pg_catalog reader, the default)": introspect}
        ref = min(time_alembic(url, target)[0] for _ in range(args.repeat))
        n_alembic = time_alembic(url, target)[1]
        print(f"alembic reflect + compare_metadata: {ref:.3f} s ({n_alembic} differences)")
        for label, reader in readers.items():
            runs = [time_dbwork(url, dialect, reader, desired) for _ in range(args.repeat)]
            best = min(r[0] for r in runs)
            intro = min(r[2] for r in runs)
            print(f"{label} introspect + diff: {best:.3f} s (introspect {intro:.3f} s, "
                  f"{runs[0][1]} operations); "
                  f"ratio to alembic {best / ref:.3f} (aim: 0.1)")
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    main()
