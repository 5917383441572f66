"""PostgreSQL's overrides (registered on import; loaded with the backend)."""
from __future__ import annotations

from dataclasses import replace

from ...execute.live import prepare_extensions
from ...safety import statement_locks
from ...safety.checks import not_integer_text, not_number_text
from ...plan.facts import Facts, live_facts
from ...safety.locks import lock_report


@prepare_extensions.override("postgresql")
def _installed_extensions(dialect, session, ops: list, warnings: list) -> list:
    """CREATE EXTENSION of one installed already is skipped (its rollback must not drop
    what the migration did not create); DROP EXTENSION carries the schema and version it
    had, so the rollback re-creates it where it was."""
    from ...ops.raw_ops import CreateExtension, DropExtension
    if not any(isinstance(op, (CreateExtension, DropExtension)) for op in ops):
        return ops
    rows = session.query("SELECT e.extname, n.nspname, e.extversion FROM pg_extension e "
                         "JOIN pg_namespace n ON n.oid = e.extnamespace")
    live = {r[0]: (r[1], r[2]) for r in rows}
    out, seen = [], set(live)
    for op in ops:
        if isinstance(op, CreateExtension) and op.name in seen:
            warnings.append(f"extension {op.name} is installed already: statement skipped")
            continue
        if isinstance(op, DropExtension):
            if op.name not in seen:
                warnings.append(f"extension {op.name} is not installed: statement skipped")
                continue
            where = live.get(op.name, (op.schema, op.version))
            op = replace(op, schema=where[0], version=where[1])
            seen.discard(op.name)
        elif isinstance(op, CreateExtension):
            seen.add(op.name)
        out.append(op)
    return out


@live_facts.override("postgresql")
def _catalog_facts(dialect, session, tables) -> Facts:
    """Row counts (exact below a million rows on the planner's estimate, else the
    estimate), total sizes, the server version and the timeout settings."""
    rows, sizes, settings = {}, {}, {}
    version = int(session.query("SHOW server_version_num")[0][0])
    for name in ("lock_timeout", "statement_timeout"):
        settings[name] = str(session.query(f"SHOW {name}")[0][0])
    for t in tables:
        got = session.query(
            "SELECT c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c "
            "WHERE c.oid = to_regclass(:t)", {"t": dialect.quote(t)})
        if got:
            est, size = got[0]
            sizes[t] = int(size)
            rows[t] = int(est) if est and est > 1_000_000 else session.count_rows(t)
    return Facts(rows, sizes, version, settings)


@statement_locks.override("postgresql")
def _lock_levels(dialect, ops, facts: Facts) -> list[dict]:
    """PostgreSQL's lock level per statement, with a duration estimate."""
    return lock_report(ops, facts)


@not_integer_text.override("postgresql")
def _not_integer(d, c: str) -> str:
    return rf"{c} !~ '^\s*[-+]?[0-9]+\s*$'"


@not_number_text.override("postgresql")
def _not_number(d, c: str) -> str:
    return rf"{c} !~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'"
