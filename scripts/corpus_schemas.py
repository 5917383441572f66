#!/usr/bin/env python3
"""Apply a folder of real ``schema.prisma`` files as dbwork desired states and report
the pass rate per failure family.

A case is a ``*.prisma`` file, or a sub-folder of ``*.prisma`` files (a multi-file
``prismaSchemaFolder`` schema, read as one). For each case: a fresh database matching its datasource provider (postgresql ->
PostgreSQL, mysql -> MariaDB, sqlite -> a SQLite file), ``wb.migrate_to`` the schema,
check convergence (introspect, diff again = nothing) and rollback (back to no tables).
A ``mongodb`` (or other non-SQL-engine) provider passes only if dbwork refuses it with
a clear DbworkError naming the provider before touching the database.

    .venv/bin/python scripts/corpus_prisma.py /work/corpus/prisma [-v] [-k NAME]

Servers: DBWORK_PG_URL / DBWORK_MYSQL_URL admin URLs (defaults: the local ones).
The corpus files stay outside the repository.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path

# this checkout's dbwork, not whichever one the interpreter has installed
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("DBWORK_MYSQL_URL", "mariadb://root@127.0.0.1:3306/test")
TARGETS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mariadb",
           "sqlite": "sqlite", "cockroachdb": "postgresql", "sqlserver": "postgresql"}
TOOL_TABLES = {"dbwork_history", "dbwork_lock", "dbwork_backups"}


def cases(folder: Path, only: str | None = None) -> list[Path]:
    """The ``*.prisma`` files and schema folders directly under ``folder``."""
    found = [p for p in sorted(folder.iterdir())
             if (p.suffix == ".prisma" and p.is_file())
             or (p.is_dir() and any(p.rglob("*.prisma")))]
    return [p for p in found if not only or only in p.name]


def case_text(path: Path) -> str:
    """A case's whole schema text (a folder's files joined, as Prisma reads them)."""
    if path.is_file():
        return path.read_text()
    return "\n".join(f.read_text() for f in sorted(path.rglob("*.prisma")))


def provider(text: str) -> str:
    """The datasource provider of a schema text ('?' when it has none)."""
    m = re.search(r"datasource\s+\w+\s*\{(.*?)\}", text, re.S)
    p = re.search(r'provider\s*=\s*"(\w+)"', m.group(1)) if m else None
    return p.group(1) if p else "?"


class Database:
    """A fresh database of one kind, dropped on exit."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp = kind, tmp
        self.name = f"dbw_corpus_{uuid.uuid4().hex[:10]}"

    def _admin(self):
        from dbwork.url import DatabaseURL
        if self.kind == "postgresql":
            import psycopg
            u = DatabaseURL.parse(PG_ADMIN)
            return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                                   password=u.password, dbname=u.database,
                                   autocommit=True, connect_timeout=3)
        import pymysql
        u = DatabaseURL.parse(MYSQL_ADMIN)
        return pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                               password=u.password or "", autocommit=True,
                               connect_timeout=3)

    def _run(self, sql: str) -> None:
        conn = self._admin()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            cur.close()
        finally:
            conn.close()

    def __enter__(self) -> str:
        from dbwork.url import DatabaseURL
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp / (self.name + '.sqlite')}"
        self._run(f"CREATE DATABASE {self.name}")
        base = DatabaseURL.parse(PG_ADMIN if self.kind == "postgresql" else MYSQL_ADMIN)
        url = base.with_database(self.name).sqlalchemy_url()
        return url.replace("+psycopg", "").replace("mysql+pymysql", "mariadb")

    def __exit__(self, *exc) -> None:
        if self.kind == "postgresql":
            self._run(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        elif self.kind == "mariadb":
            self._run(f"DROP DATABASE IF EXISTS {self.name}")


def family(stage: str, error: BaseException | str) -> str:
    """A short family name for a failure: the stage plus the error's kind."""
    text = str(error)
    kind = type(error).__name__ if isinstance(error, BaseException) else "mismatch"
    first = text.strip().splitlines()[0] if text.strip() else kind
    first = re.sub(r'"[^"]*"|\'[^\']*\'|`[^`]*`', "…", first)
    first = re.sub(r"\d+", "N", first)
    return f"{stage}: {kind}: {first[:90]}"


def run_sql_case(path: Path, kind: str, tmp: Path) -> tuple[str, str]:
    """('pass', detail) or (family, detail) for one SQL-provider schema."""
    import dbwork
    from dbwork.diff.desired import plan_schema
    from dbwork.diff.prisma import schema_from_prisma
    with Database(kind, tmp) as url:
        wb = dbwork.connect(url, migrations=tmp / f"mig_{uuid.uuid4().hex[:8]}")
        try:
            try:
                want = schema_from_prisma(case_text(path), wb.dialect)
            except Exception as e:
                return family("parse", e), _tb(e)
            try:
                m = wb.migrate_to("prisma", str(path), allow_data_loss=True)
            except Exception as e:
                return family("apply", e.__cause__ or e), _tb(e)
            if m.status != "applied":
                return family("apply", f"status {m.status}"), ""
            try:
                left = plan_schema(want, wb.schema(), wb.dialect, allow_data_loss=True).ops
            except Exception as e:
                return family("converge", e), _tb(e)
            if left:
                first = left[0].describe()
                return family("converge", re.sub(r"\S+\.\S+|\b\w+_\w+\b", "X", first)), \
                    "; ".join(op.describe() for op in left[:8])
            try:
                wb.rollback()
            except Exception as e:
                return family("rollback", e), _tb(e)
            rest = sorted(set(wb.schema().tables) - TOOL_TABLES)
            if rest:
                return family("rollback", "tables left after rollback"), ", ".join(rest[:8])
            return "pass", f"{len(want.tables)} tables, {len(m.steps)} steps"
        finally:
            wb.close()


def run_refusal_case(path: Path, prov: str, tmp: Path) -> tuple[str, str]:
    """A provider dbwork cannot run as SQL here must be refused clearly, untouched."""
    import dbwork
    from dbwork.errors import DbworkError
    with Database("postgresql", tmp) as url:
        wb = dbwork.connect(url, migrations=tmp / f"mig_{uuid.uuid4().hex[:8]}")
        try:
            try:
                wb.migrate_to("prisma", str(path))
            except DbworkError as e:
                if prov in str(e):
                    left = sorted(set(wb.schema().tables) - TOOL_TABLES)
                    return ("pass", f"refused: {e}") if not left else \
                        (family("refuse", "tables created before refusing"), str(left))
                return family("refuse", f"refusal does not name {prov}: {e}"), ""
            except Exception as e:
                return family("refuse", e), _tb(e)
            return family("refuse", f"provider {prov} applied to postgresql"), ""
        finally:
            wb.close()


def _tb(e: BaseException) -> str:
    if e.__cause__ is not None:
        e = e.__cause__
    return "".join(traceback.format_exception_only(type(e), e)).strip()[:400]


def run_fidelity_case(path: Path, history: Path, kind: str, tmp: Path) -> tuple[str, str]:
    """Prisma's own DDL against dbwork's reading: the project's migration.sql files
    (written by ``prisma migrate``) run as they are, in folder-name order, on a fresh
    database; then the schema dbwork reads from the .prisma file is diffed against
    what they built. Nothing left to do = the same objects, names and types."""
    import dbwork
    from dbwork.diff.desired import plan_schema
    from dbwork.diff.prisma import schema_from_prisma
    with Database(kind, tmp) as url:
        files = sorted(history.glob("*/migration.sql"), key=lambda f: f.parent.name)
        try:
            _run_raw(url, kind, files)
        except Exception as e:
            return family("history", e), _tb(e)
        wb = dbwork.connect(url, migrations=tmp / f"mig_{uuid.uuid4().hex[:8]}")
        try:
            want = schema_from_prisma(case_text(path), wb.dialect)
            live = wb.schema()
            live = type(live)({n: t for n, t in live.tables.items()
                               if n != "_prisma_migrations"}, live.enums,
                              extensions=live.extensions)
            left = plan_schema(want, live, wb.dialect, allow_data_loss=True).ops
        finally:
            wb.close()
    if left:
        kinds = Counter(type(op).__name__ for op in left)
        return family("fidelity", ", ".join(sorted(kinds))), \
            "; ".join(op.describe() for op in left[:12])
    return "pass", f"{len(files)} migration files, {len(want.tables)} tables match"


def _run_raw(url: str, kind: str, files: list[Path]) -> None:
    """Each file as one script through the engine's own driver (as prisma migrate does)."""
    if kind == "sqlite":
        import sqlite3
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            for f in files:
                conn.executescript(f.read_text())
        finally:
            conn.close()
        return
    if kind == "postgresql":  # psql sends statement by statement (CONCURRENTLY works)
        import subprocess
        for f in files:
            done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url,
                                   "-f", str(f)], capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"{f.parent.name}: {done.stderr.strip()[:300]}")
        return
    import sqlalchemy as sa
    engine = sa.create_engine(url.replace("mariadb://", "mysql+pymysql://"),
                              connect_args={"client_flag": 65536})  # multi statements
    try:
        with engine.connect() as c:
            raw = c.connection.dbapi_connection
            for f in files:
                with raw.cursor() as cur:
                    cur.execute(f.read_text())
                    while cur.nextset():
                        pass
                raw.commit()
    finally:
        engine.dispose()


def run_case(path: Path, tmp: Path) -> tuple[str, str, str]:
    """(provider, outcome, detail) for one case; outcome 'pass' or a family."""
    prov = provider(case_text(path))
    kind = TARGETS.get(prov)
    try:
        outcome, detail = run_sql_case(path, kind, tmp) if kind else \
            run_refusal_case(path, prov, tmp)
    except Exception as e:  # the harness itself (server down, ...)
        outcome, detail = family("harness", e), _tb(e)
    return prov, outcome, detail


def main(folder, only: str | None = None, verbose: bool = False, out=None,
         histories=None) -> dict:
    """Run every case under ``folder``; print one line per case and return the tally:
    ``{"total", "passed", "per_provider": {p: (passed, n)}, "families": {f: [names]},
    "results": [(name, provider, outcome)]}``. With ``histories`` (a folder of
    ``<case name>/<migration folder>/migration.sql``), only the cases that have one run,
    as fidelity checks (:func:`run_fidelity_case`)."""
    out = out or sys.stdout
    results, families = [], {}
    with tempfile.TemporaryDirectory() as tmpdir:
        for path in cases(Path(folder), only):
            t0 = time.monotonic()
            if histories is not None:
                history = Path(histories) / path.name.removesuffix(".prisma")
                if not history.is_dir():
                    continue
                prov = provider(case_text(path))
                try:
                    outcome, detail = run_fidelity_case(path, history, TARGETS[prov],
                                                        Path(tmpdir))
                except Exception as e:
                    outcome, detail = family("harness", e), _tb(e)
            else:
                prov, outcome, detail = run_case(path, Path(tmpdir))
            results.append((path.name, prov, outcome))
            if outcome != "pass":
                families.setdefault(outcome, []).append(path.name)
            mark = "PASS" if outcome == "pass" else "FAIL"
            print(f"{mark} {path.name} [{prov}] {time.monotonic() - t0:.1f}s"
                  + ("" if outcome == "pass" else f"  {outcome}"), file=out)
            if verbose and (outcome != "pass" or detail):
                print(f"     {detail}", file=out)
    by_prov = Counter(p for _, p, _ in results)
    ok_prov = Counter(p for _, p, o in results if o == "pass")
    return {"total": len(results), "passed": sum(ok_prov.values()),
            "per_provider": {p: (ok_prov[p], n) for p, n in sorted(by_prov.items())},
            "families": families, "results": results}


def report(tally: dict, out=None) -> None:
    """The pass rate, per provider and per failure family."""
    out = out or sys.stdout
    total, passed = tally["total"], tally["passed"]
    print(f"\n{passed}/{total} passed ({100 * passed / max(total, 1):.0f}%)", file=out)
    print("per provider: " + ", ".join(f"{p} {ok}/{n}" for p, (ok, n)
                                       in tally["per_provider"].items()), file=out)
    if tally["families"]:
        print("failure families:", file=out)
        for fam, names in sorted(tally["families"].items(), key=lambda x: -len(x[1])):
            print(f"  {len(names):3d}  {fam}  ({', '.join(names[:4])})", file=out)


def cli(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print failure details")
    ap.add_argument("-k", default=None, help="only cases whose name contains this")
    ap.add_argument("--histories", type=Path, default=None,
                    help="folder of <case>/<migration>/migration.sql: compare Prisma's own "
                         "DDL with dbwork's reading of the schema instead")
    args = ap.parse_args(argv)
    if not cases(args.folder, args.k):
        print(f"no .prisma files in {args.folder}", file=sys.stderr)
        return 2
    tally = main(args.folder, args.k, args.verbose, histories=args.histories)
    report(tally)
    return 0 if not tally["families"] else 1


if __name__ == "__main__":
    sys.exit(cli())
