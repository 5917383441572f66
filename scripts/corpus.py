"""Apply real migration histories with dbwork, roll them back, and print the pass rate.

A corpus folder holds one sub-folder per history (``<owner>__<repo>[__<where>]``), laid
out as its tool keeps it: Prisma Migrate (``<folder>/migration.sql`` per migration),
Flyway (``V1__init.sql``, ``V1.1__fix.sql``: version order), or flat numbered files
(goose ``-- +goose Up/Down``, dbmate ``-- migrate:up/down``: name order); a
``migration_lock.toml`` or a ``PROVIDER`` file names the provider (postgresql, mysql,
sqlite; ``flyway postgresql`` also works). The corpus is not part of this repository
(public projects' files); build one with the look-up tools, e.g. into
/work/corpus/histories.

For each history, on a fresh database (PostgreSQL, MariaDB for mysql, a SQLite file):
every migration is applied in Prisma's order (folder names) through ``wb.migrate``; a
migration dbwork refuses because a statement has no inverse is applied again with
``irreversible=True`` (forward-only) and counted apart. The first failure stops the
history (later files build on it). Then every migration is rolled back, last first:
down to the empty schema, or down to the last forward-only one (whose refusal is
checked), comparing the schema with the one before it as dbwork compares schemas
(``schema_differences``: a column a rollback re-adds comes back last on PostgreSQL,
so column order is not compared; the other differences are printed).

    .venv/bin/python scripts/corpus.py /work/corpus/histories
    .venv/bin/python scripts/corpus.py /work/corpus/histories --only rallly --limit 40
    .venv/bin/python scripts/corpus.py /work/corpus/histories --schemas /work/corpus/schemas

``--schemas`` also runs ``scripts/corpus_schemas.py``'s ``main(folder)`` where that file
exists (desired-state Prisma schemas).

Servers: DBWORK_PG_URL (default postgresql://root@127.0.0.1:5432/test) and
DBWORK_MYSQL_URL (default mariadb://root@127.0.0.1:3306/test), admin URLs.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dbwork  # noqa: E402
from dbwork.adopt.history import existing_history, prisma_folders, prisma_name  # noqa: E402
from dbwork.errors import DataLossRefused, DbworkError, IrreversibleError  # noqa: E402
from dbwork.introspect.compare import schema_differences  # noqa: E402
from dbwork.url import DatabaseURL  # noqa: E402

PG_ADMIN = os.environ.get("DBWORK_PG_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("DBWORK_MYSQL_URL", "mariadb://root@127.0.0.1:3306/test")
_FLYWAY_FILE = re.compile(r"^V\d+(?:[._]\d+)*__.+\.sql$")
ENGINES = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mariadb",
           "sqlite": "sqlite"}


@dataclass
class Result:
    name: str
    provider: str
    total: int = 0
    applied: int = 0
    forward_only: int = 0
    consented: int = 0                # applied with allow_data_loss (rows changed)
    failure: str | None = None        # folder of the first failure
    family: str | None = None
    error: str | None = None
    rolled_back: int = 0
    rollback_ok: bool | None = None
    rollback_error: str | None = None
    skipped: list = field(default_factory=list)
    seconds: float = 0.0


def family_of(e: BaseException) -> str:
    """A short key grouping failures of one kind: the error class and the message with
    names, numbers and quoted text taken out."""
    text = str(e).splitlines()[0] if str(e) else ""
    text = re.sub(r"^migration \S+ (step \d+ )?failed( at step \d+)?:?\s*", "", text)
    text = re.sub(r"statement not understood: (\w+(?: \w+)?(?: \w+)?).*", r"not understood: \1", text)
    text = re.sub(r"cannot generate a rollback for: (\w+(?: \w+)?).*?\((.*?)\)\..*", r"no rollback: \1 (\2)", text)
    text = re.sub(r"\"[^\"]*\"|'[^']*'|`[^`]*`", "?", text)
    text = re.sub(r"\b\d+\b", "N", text)
    return f"{type(e).__name__}: {' '.join(text.split()[:12])}"


def provider_of(folder: Path) -> str:
    for name in ("migration_lock.toml", "PROVIDER"):
        p = folder / name
        if p.exists():
            text = p.read_text()
            m = re.search(r'provider\s*=\s*"(\w+)"', text) or \
                re.search(rf"\b({'|'.join(ENGINES)})\b", text, re.I)
            if m:
                return m.group(1).lower()
    return "unknown"


@dataclass(frozen=True)
class FileMigration:
    """One migration file of a flat layout (Flyway, goose, dbmate)."""

    folder: str   # the file name, as the report shows it
    name: str     # its dbwork migration name
    path: str


def migrations_of(folder: Path) -> tuple[list, list[str]]:
    """The history's migrations in its tool's order, and what was skipped (and why)."""
    if any(p.is_dir() for p in folder.iterdir()):
        return prisma_folders(folder)
    flat = sorted(p for p in folder.glob("*.sql"))
    if any(_FLYWAY_FILE.match(p.name) for p in flat):
        order = [e.file for e in existing_history(folder) if e.tool == "flyway"]
    else:
        order = [p.name for p in flat if re.match(r"^\d+_", p.name)]
    skipped = [f"{p.name}: not a migration file name" for p in flat if p.name not in order]
    out = [FileMigration(f, prisma_name(Path(f).stem), str(folder / f)) for f in order]
    return out, skipped


def fresh_database(engine: str, tmp: Path):
    """(url, drop) for a new empty database on the local server."""
    if engine == "sqlite":
        return f"sqlite:///{tmp / 'corpus.sqlite'}", lambda: None
    name = f"dbw_corpus_{uuid.uuid4().hex[:10]}"
    admin = DatabaseURL.parse(PG_ADMIN if engine == "postgresql" else MYSQL_ADMIN)
    _admin_exec(engine, admin, f"CREATE DATABASE {name}")
    url = admin.with_database(name).sqlalchemy_url()
    url = url.replace("+psycopg", "").replace("mysql+pymysql", "mariadb")

    def drop():
        extra = " WITH (FORCE)" if engine == "postgresql" else ""
        _admin_exec(engine, admin, f"DROP DATABASE IF EXISTS {name}{extra}")
    return url, drop


def _admin_exec(engine: str, u: DatabaseURL, sql: str) -> None:
    if engine == "postgresql":
        import psycopg
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                             password=u.password, dbname=u.database, autocommit=True) as c:
            c.execute(sql)
    else:
        import pymysql
        c = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                            password=u.password or "", autocommit=True)
        try:
            c.cursor().execute(sql)
        finally:
            c.close()


def run_history(folder: Path, limit: int | None) -> Result:
    provider = provider_of(folder)
    res = Result(folder.name, provider)
    engine = ENGINES.get(provider)
    migrations, res.skipped = migrations_of(folder)
    migrations = migrations[:limit] if limit else migrations
    res.total = len(migrations)
    if engine is None:
        res.family = f"provider {provider} not run here"
        return res
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(engine, Path(tmp))
        try:
            wb = dbwork.connect(url, migrations=Path(tmp) / "migrations")
            try:
                snapshots = _apply_all(wb, migrations, res)
                _rollback_all(wb, res, snapshots)
            finally:
                wb.close()
        finally:
            drop()
    res.seconds = time.perf_counter() - start
    return res


def _apply_all(wb, migrations, res: Result) -> dict:
    """Apply in order; stop at the first failure. Returns {index: schema after} for the
    forward-only migrations (where the rollback must stop), and -1: the empty start."""
    snapshots = {-1: wb.schema()}
    for i, entry in enumerate(migrations):
        text = Path(entry.path).read_text(encoding="utf-8", errors="replace")
        try:
            try:
                _migrate(wb, entry.name, text, res)
            except IrreversibleError:
                _migrate(wb, entry.name, text, res, irreversible=True)
                snapshots[i] = wb.schema()  # the rollback stops here: it stays applied
                res.forward_only += 1
            res.applied += 1
        except Exception as e:  # noqa: BLE001 - every failure is counted, by family
            res.failure, res.family, res.error = entry.folder, family_of(e), _short(e)
            break
    return snapshots


def _migrate(wb, name: str, text: str, res: Result, **kw) -> None:
    """``wb.migrate``; a change of rows an earlier migration inserted asks consent
    (every row of a table): the history's author gave it, so it is given and counted."""
    try:
        wb.migrate(name, text, **kw)
    except DataLossRefused:
        wb.migrate(name, text, allow_data_loss=True, **kw)
        res.consented += 1


def _rollback_all(wb, res: Result, snapshots: dict) -> None:
    """Roll back the applied migrations, last first, until a forward-only one; then the
    schema must equal the one before the oldest migration rolled back."""
    stop = max(snapshots)  # -1: none forward-only
    n = res.applied - (stop + 1)
    try:
        if n > 0:
            wb.rollback(steps=n)
        res.rolled_back = n
        if stop >= 0:
            try:
                wb.rollback(steps=1)
                res.rollback_error = "a forward-only migration was rolled back"
            except DbworkError as e:
                if "forward-only" not in str(e):
                    raise
        expected = snapshots[stop] if stop >= 0 else snapshots[-1]
        after = wb.schema()
        differences = schema_differences(expected, after, wb.dialect)
        res.rollback_ok = not differences and res.rollback_error is None
        if differences:
            res.rollback_error = f"schema differs after rollback: {'; '.join(differences[:3])}"
    except Exception as e:  # noqa: BLE001
        res.rollback_ok, res.rollback_error = False, f"{family_of(e)} | {_short(e)}"


def _short(e: BaseException) -> str:
    return " ".join(str(e).split())[:600]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--only", help="run histories whose folder name contains this")
    ap.add_argument("--limit", type=int, help="at most this many migrations per history")
    ap.add_argument("--errors", action="store_true", help="print each first error in full")
    ap.add_argument("--schemas", type=Path,
                    help="also run scripts/corpus_schemas.py on this folder of schemas")
    args = ap.parse_args(argv)
    folders = sorted(p for p in args.corpus.iterdir() if p.is_dir())
    if args.only:
        folders = [p for p in folders if args.only in p.name]
    results = []
    for f in folders:
        r = run_history(f, args.limit)
        results.append(r)
        _print(r, args.errors)
    _summary(results)
    if args.schemas:
        _run_schemas(args.schemas)
    return 0


def _run_schemas(folder: Path) -> None:
    """scripts/corpus_schemas.py's ``main(folder)``, where another helper wrote it."""
    path = Path(__file__).with_name("corpus_schemas.py")
    if not path.exists():
        print(f"\nno {path.name}: schemas not run")
        return
    import importlib.util
    spec = importlib.util.spec_from_file_location("corpus_schemas", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(folder)


def _print(r: Result, errors: bool) -> None:
    rb = {True: "rollback ok", False: "ROLLBACK FAILED", None: "-"}[r.rollback_ok]
    print(f"{r.name[:60]:60s} {r.provider:10s} {r.applied:4d}/{r.total:<4d} "
          f"fwd-only {r.forward_only:3d} consented {r.consented:2d}  {rb}  {r.seconds:6.1f}s", flush=True)
    if r.skipped:
        print(f"    skipped: {r.skipped}")
    if r.failure or r.family:
        print(f"    first failure: {r.failure} | {r.family}")
        if errors and r.error:
            print(f"      {r.error}")
    if r.rollback_error:
        print(f"    rollback: {r.rollback_error}")


def _families(run: list[Result]) -> None:
    """Per failure family: the histories it stopped, and the files it kept from running
    (the failing one and every later one), as a share of all files."""
    total = max(sum(r.total for r in run), 1)
    stopped, lost = Counter(), Counter()
    for r in run:
        if r.family:
            stopped[r.family] += 1
            lost[r.family] += r.total - r.applied
        if r.rollback_error:
            stopped[f"rollback: {r.rollback_error.split(' | ')[0][:90]}"] += 1
    print("failure families (histories stopped, files not applied, share of all files):")
    for k, v in stopped.most_common():
        print(f"  {v:3d}  {lost[k]:5d}  {100 * lost[k] / total:5.1f}%  {k}")


def _summary(results: list[Result]) -> None:
    run = [r for r in results if ENGINES.get(r.provider)]
    total = sum(r.total for r in run)
    applied = sum(r.applied for r in run)
    clean = [r for r in run if r.applied == r.total and r.rollback_ok]
    print(f"\nmigration files applied: {applied}/{total} "
          f"({100 * applied / max(total, 1):.1f}%), forward-only "
          f"{sum(r.forward_only for r in run)}")
    print(f"histories applied whole and rolled back: {len(clean)}/{len(run)}")
    _families(run)
    not_run = [r.name for r in results if not ENGINES.get(r.provider)]
    if not_run:
        print(f"not run (provider): {not_run}")


if __name__ == "__main__":
    sys.exit(main())
