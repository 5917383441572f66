"""Per-migration apply overhead: dbwork vs ``alembic upgrade head``, same database kind,
same run. 200 small migrations (each adds one table, or one column to it).

    /tmp/dv/bin/python benchmarks/bench_apply_overhead.py [--n 200] [--kinds sqlite,postgresql]

Prints seconds for each and the ratio dbwork/alembic. Two dbwork figures:
``upgrade`` (apply 200 migration files, the deploy path, like alembic) and ``migrate``
(plan from SQL text against the live schema, then apply: introspection included).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dbwork  # noqa: E402

PG_ADMIN = "host=127.0.0.1 user=root dbname=test"


def change(i: int) -> tuple[str, str, str]:
    """(dbwork SQL, alembic upgrade body, alembic downgrade body) for migration i."""
    t = f"t{i // 2}"
    if i % 2 == 0:
        return (f"CREATE TABLE {t} (id INTEGER PRIMARY KEY, name VARCHAR(50));",
                f"op.create_table('{t}', sa.Column('id', sa.Integer, primary_key=True), "
                f"sa.Column('name', sa.String(50)))", f"op.drop_table('{t}')")
    return (f"ALTER TABLE {t} ADD COLUMN extra INTEGER;",
            f"op.add_column('{t}', sa.Column('extra', sa.Integer))",
            f"op.drop_column('{t}', 'extra')")


def write_alembic(root: Path, url: str, n: int) -> None:
    (root / "versions").mkdir(parents=True)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = {root}\nsqlalchemy.url = {url}\n")
    (root / "script.py.mako").write_text(
        '"""${message}"""\nrevision = ${repr(up_revision)}\n'
        'down_revision = ${repr(down_revision)}\n')
    (root / "env.py").write_text(
        "from alembic import context\nfrom sqlalchemy import engine_from_config, pool\n"
        "config = context.config\n"
        "engine = engine_from_config(config.get_section(config.config_ini_section), "
        "prefix='sqlalchemy.', poolclass=pool.NullPool)\n"
        "with engine.connect() as connection:\n"
        "    context.configure(connection=connection, target_metadata=None, "
        "transaction_per_migration=True)\n"
        "    with context.begin_transaction():\n        context.run_migrations()\n")
    for i in range(n):
        _, up, down = change(i)
        prev = repr(f"r{i - 1:04d}") if i else "None"
        (root / "versions" / f"r{i:04d}.py").write_text(
            f"import sqlalchemy as sa\nfrom alembic import op\n"
            f"revision = 'r{i:04d}'\ndown_revision = {prev}\n"
            f"def upgrade():\n    {up}\ndef downgrade():\n    {down}\n")


def fresh(kind: str, tmp: Path, tag: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / (tag + '.sqlite')}"
    import psycopg
    name = f"dbw_bench_{tag}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return f"postgresql://root@127.0.0.1:5432/{name}"


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(kind: str, n: int) -> dict:
    tmp = Path(tempfile.mkdtemp())
    urls = [fresh(kind, tmp, t) for t in ("alembic", "migrate", "upgrade")]
    try:
        a_url = urls[0].replace("postgresql://", "postgresql+psycopg://")
        write_alembic(tmp / "alembic", a_url, n)
        alembic = timed(lambda: subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(tmp / "alembic" / "alembic.ini"),
             "upgrade", "head"], check=True, capture_output=True))
        wb = dbwork.connect(urls[1], migrations=tmp / "migrations")
        migrate = timed(lambda: [wb.migrate(f"m{i:04d}", change(i)[0]) for i in range(n)])
        wb2 = dbwork.connect(urls[2], migrations=tmp / "migrations")
        upgrade = timed(lambda: subprocess.run(
            [sys.executable, "-c", "import sys, dbwork; sys.path.insert(0, sys.argv[3]); "
             "dbwork.connect(sys.argv[1], migrations=sys.argv[2]).upgrade()",
             urls[2], str(tmp / "migrations"), str(Path(__file__).resolve().parents[1])],
            check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1]))
        assert len(wb2.history()) == n
        return dict(alembic=alembic, migrate=migrate, upgrade=upgrade)
    finally:
        for u in urls:
            drop(u)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--kinds", default="sqlite,postgresql")
    args = ap.parse_args()
    print(f"{args.n} migrations; both sides run as a fresh process (imports included)"
          " except dbwork migrate (in-process)")
    for kind in args.kinds.split(","):
        r = bench(kind, args.n)
        print(f"{kind:10s} alembic upgrade head {r['alembic']:7.2f} s | dbwork upgrade "
              f"{r['upgrade']:7.2f} s  ratio {r['upgrade'] / r['alembic']:.2f} | "
              f"dbwork migrate (plan+apply) {r['migrate']:7.2f} s  ratio "
              f"{r['migrate'] / r['alembic']:.2f}")


if __name__ == "__main__":
    main()
