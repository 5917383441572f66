"""Seed sets, end to end: find them (``seeds/`` beside the migrations folder, one
folder per environment), load them idempotently, and report the drift between the
database and its seed files. The Workbench's seed methods call these.

Layout: files directly in ``seeds/`` are for every environment; ``seeds/<env>/``
adds its own and overrides a common file of the same table. The file's stem names the
table (``seeds/dev/countries.csv`` -> ``countries``).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..errors import ConfigError, SeedError
from ..safety.dml import backup_name
from . import plan
from .report import Difference, SeedDrift, SeedReport, TableResult
from .rows import SUFFIXES, SeedSet, as_key, parse_text, read_file, read_rows

SEEDS = "seeds"


def seeds_dir(wb) -> Path:
    """``seeds/`` beside the migrations folder."""
    return Path(wb.files.directory).parent / SEEDS


def _check_env(env: str | None) -> None:
    if env is not None and (not env or not all(ch.isalnum() or ch in "_-" for ch in env)):
        raise ConfigError(f"environment name {env!r}: letters, digits, _ and - only")


def find_sets(root: Path, env: str | None) -> list[SeedSet]:
    """Every seed set for ``env``: common files, then the environment's own."""
    _check_env(env)
    files: dict[str, Path] = {}
    for folder in [root] + ([root / env] if env else []):
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file() and f.suffix.lower() in SUFFIXES:
                    if f.stem in files and files[f.stem].parent == folder:
                        raise SeedError(f"two seed files for table {f.stem}: "
                                        f"{files[f.stem].name} and {f.name}", source=str(folder))
                    files[f.stem] = f
    if env and not (root / env).is_dir():
        raise ConfigError(f"no seed folder for environment {env!r}: {root / env}")
    return [read_file(p) for p in files.values()]


def save_set(root: Path, env: str | None, table: str, text: str, fmt: str,
             key: tuple[str, ...] | None) -> Path:
    """Keep a cell's rows as the seed file of ``table`` (versioned with the project)."""
    _check_env(env)
    folder = root / env if env else root
    folder.mkdir(parents=True, exist_ok=True)
    for other in folder.glob(f"{table}.*"):
        if other.suffix.lower() in SUFFIXES:
            other.unlink()
    suffix = {"csv": ".csv", "json": ".json", "yaml": ".yaml"}[fmt]
    body = text if text.endswith("\n") else text + "\n"
    if key:
        body = _with_key_text(body, fmt, key)
    path = folder / f"{table}{suffix}"
    path.write_text(body, encoding="utf-8")
    return path


def _with_key_text(body: str, fmt: str, key: tuple[str, ...]) -> str:
    """The file text with its key recorded, so a later load upserts by it too."""
    import json
    if fmt == "csv":
        return body if body.lstrip().startswith("#") else f"# key: {','.join(key)}\n{body}"
    if fmt == "json":
        doc = json.loads(body)
        rows = doc["rows"] if isinstance(doc, dict) else doc
        return json.dumps({"key": list(key), "rows": rows}, indent=1, default=str) + "\n"
    if body.lstrip().startswith(("key:", "rows:")):
        return body
    return f"key: [{', '.join(key)}]\nrows:\n" + "".join(f"  {ln}" for ln in
                                                         body.splitlines(keepends=True))


def gather(wb, table, rows, env, key, text_format=None) -> list[SeedSet]:
    """The seed sets a call names: rows for a table, a {table: rows} mapping, cell
    text (``text_format``), or every file of the environment."""
    _check_env(env)
    if isinstance(table, dict):
        return [read_rows(t, r, key) for t, r in table.items()]
    if table is None:
        if rows is not None:
            raise ConfigError("rows need a table: wb.seed(table, rows)")
        return find_sets(seeds_dir(wb), env)
    if rows is None:
        named = [s for s in find_sets(seeds_dir(wb), env) if s.table == table]
        if not named:
            raise ConfigError(f"no rows given and no seed file for {table} under "
                              f"{seeds_dir(wb)}")
        return [_with_key(named[0], key)]
    if text_format is not None:
        return [_with_key(parse_text(rows, table, text_format), key)]
    return [read_rows(table, rows, key)]


def _with_key(s: SeedSet, key) -> SeedSet:
    k = as_key(key)
    return SeedSet(s.table, s.rows, s.source, k or s.key, s.typed, s.columns) if k else s


# -- loading -----------------------------------------------------------------------------
def load(wb, sets: list[SeedSet], reset: bool = False, env: str | None = None) -> SeedReport:
    """Upsert every set (in foreign-key order); with ``reset`` delete the rest of each
    table's rows after backing them up. All or nothing."""
    _no_twice(sets)
    if not wb.dialect.relational:
        from . import mongo_io
        return mongo_io.load(wb, sets, reset, env)
    return _load_sql(wb, sets, reset, env)


def _no_twice(sets: list[SeedSet]) -> None:
    seen = {}
    for s in sets:
        if s.table in seen:
            raise SeedError(f"table {s.table} is seeded twice in one set ({seen[s.table]} "
                            f"and {s.source})", table=s.table)
        seen[s.table] = s.source


def _load_sql(wb, sets, reset, env) -> SeedReport:
    from .sql_io import SqlWriter, drop_table, seed_session
    with seed_session(wb.backend, wb.lock_timeout) as s:
        schema = s.introspect()
        prepared, order, deferred, changes = _plan_sql(s, schema, sets, reset)
        writer = SqlWriter(s, wb.dialect.name)
        made: list[str] = []
        try:
            backups = _backups(s, writer, schema, prepared, order, changes, made) if reset else {}
            for t in reversed(order):
                writer.delete(prepared[t], changes[t].deletes)
            later = {t: writer.upsert(prepared[t], changes[t], deferred.get(t, []))
                     for t in order}
            for t in order:
                if deferred.get(t):
                    writer.set_deferred(prepared[t], deferred[t], later[t])
        except BaseException:
            if made and not s.transactional:  # MariaDB: CREATE TABLE committed by itself
                s.rollback()
                for name in made:
                    drop_table(s, name)
            raise
    return SeedReport([_result(prepared[t], changes[t], backups.get(t)) for t in order], env)


def _plan_sql(s, schema, sets, reset):
    from .sql_io import read_live
    prepared = {p.table: p for p in (plan.prepare(x, schema, schema.enums) for x in sets)}
    order, deferred = plan.load_order(list(prepared), schema)
    changes = {}
    for t in order:
        p = prepared[t]
        canon, raw = read_live(s.conn, p, tuple(c.name for c in schema.table(t).columns))
        ch = plan.diff_rows(p.rows, canon, p.key, reset)
        ch.table = t
        ch.deletes = [raw[p.key_of(r)] for r in ch.deletes]
        plan.check_required(p, schema.table(t), ch.inserts)
        changes[t] = ch
    return prepared, order, deferred, changes


def _backups(s, writer, schema, prepared, order, changes, made) -> dict[str, str]:
    from ..safety.backups import backup_tables
    taken = set(backup_tables(s.conn))
    version = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    out, n = {}, 0
    for t in order:
        if not changes[t].deletes:
            continue
        n += 1
        while backup_name(version, n) in taken:
            n += 1
        name = backup_name(version, n)
        cols = tuple(c.name for c in schema.table(t).columns)
        writer.backup(t, name, cols, changes[t].deletes)
        made.append(name)
        out[t] = name
    return out


def _result(p, ch, backup) -> TableResult:
    i, u, same, d = ch.counts()
    return TableResult(p.table, p.key, i, u, same, d, backup, p.source)


# -- drift -------------------------------------------------------------------------------
def drift(wb, env: str | None = None) -> SeedDrift:
    """How the database differs from the seed files of ``env``, field by field, and
    the statements that fix it."""
    sets = find_sets(seeds_dir(wb), env)
    _no_twice(sets)
    if not wb.dialect.relational:
        from . import mongo_io
        diffs, text = mongo_io.drift(wb, sets)
    else:
        diffs, text = _drift_sql(wb, sets)
    return SeedDrift(diffs, text, env, _fix=lambda reset: load(wb, sets, reset, env))


def _drift_sql(wb, sets):
    from .sql_io import delete_text, update_text, upsert_text
    with wb.backend.connect() as conn:
        s = _Reader(conn, wb.dialect)
        schema = s.introspect()
        prepared, order, _, changes = _plan_sql(s, schema, sets, reset=True)
        conn.rollback()
    diffs, text = [], []
    for t in order:
        p, ch = prepared[t], changes[t]
        diffs += differences(p, ch)
        text += upsert_text(p, ch.inserts, wb.dialect)
        text += update_text(p, [i for i, _ in ch.updates], wb.dialect)
        text += [f"-- extra row (delete only with reset): {stmt}"
                 for stmt in delete_text(p, ch.deletes, wb.dialect)]
    return diffs, "\n".join(text)


class _Reader:
    """Just enough of a session to plan on a plain connection (no lock: reads only)."""

    def __init__(self, conn, dialect):
        self.conn, self.dialect = conn, dialect

    def introspect(self):
        from ..introspect.sql import introspect
        return introspect(self.conn, self.dialect)


def differences(p, ch) -> list[Difference]:
    out = [Difference(p.table, p.key_of(p.rows[i]), "missing") for i in ch.inserts]
    for i, fields in ch.updates:
        out += [Difference(p.table, p.key_of(p.rows[i]), "changed", c, live, seed)
                for c, (live, seed) in fields.items()]
    out += [Difference(p.table, tuple(r[k] for k in p.key), "extra") for r in ch.deletes]
    return out


def cli_seed(wb, env, check: bool, reset: bool, as_json: bool) -> tuple[str, int]:
    """``dbwork seed``: (text, exit status); with ``check``, 1 when there is drift."""
    import json
    result = drift(wb, env) if check else load(wb, find_sets(seeds_dir(wb), env), reset, env)
    status = 1 if check and result else 0
    if as_json:
        return json.dumps(result.to_dict(), default=str, sort_keys=True), status
    return repr(result), status


def seed_cell(wb, table: str, text: str, env=None, key=None, reset=False) -> SeedReport:
    """``%%seed``: rows as CSV, JSON or YAML text. With ``env`` the rows are also kept
    as seeds/<env>/<table>.<format> (checked first, so a bad cell writes no file)."""
    from .rows import sniff
    fmt = sniff(text)
    sets = [_with_key(parse_text(text, table, fmt), key)]
    report = load(wb, sets, reset, env)
    if env is not None:
        save_set(seeds_dir(wb), env, table, text, fmt, as_key(key))
    return report
