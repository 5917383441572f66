"""Safety: the live side of review. Check the data a plan would touch, validate after
apply, back up and rehearse. The pure lint rules are their own package,
:mod:`dbwork.lint` (re-exported here: :data:`RULES`, :class:`Finding`, :func:`lint`).

The workbench calls :func:`review` before applying (it may raise DataCheckFailed) and
:func:`validate` after applying; both return plain data for the migration's document.

- :mod:`dbwork.lint` — the lint rules (declarative, pure, by topic), :func:`lint`
- :mod:`.classify` — additive / widening / data-changing / destructive / locking
- :mod:`.checks` — duplicates, orphans, NULLs, values that do not fit (live data)
- :mod:`.locks` — PostgreSQL lock levels and a rough duration estimate
- :mod:`.dml` — backups of the rows an UPDATE/DELETE changes
- :mod:`.validate` — after apply: FK integrity, row counts, rollback still valid
- :mod:`.backups` — list and purge backup tables; :mod:`.rehearse` — dress rehearsal

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column, Schema, Table
>>> from dbwork.ops import DropTable
>>> t = Table("t", (Column("id", "INTEGER"),))
>>> [f.rule for f in lint([DropTable(t)], Schema.of(t), get_dialect("sqlite"))]
['DW101']
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..hooks import overridable

from .checks import plan_checks, run_checks
from .classify import classify
from ..plan.facts import NO_FACTS, Facts, gather_facts
from .locks import lock_report, lock_warnings
from .dml import add_dml_backups
from ..plan.online import make_online
from ..lint import RULES, Finding, lint_ops
from .validate import baseline, validate as _validate

lint = lint_ops


@dataclass
class Review:
    warnings: list[str] = field(default_factory=list)   # lint findings, one line each
    checks: list[dict] = field(default_factory=list)    # data checks that ran, with results
    findings: list[Finding] = field(default_factory=list)
    locks: list[dict] = field(default_factory=list)     # PostgreSQL: lock and estimate per op


def live_tables(ops, schema) -> list[str]:
    """Tables the operations touch that exist before they run."""
    seen: dict[str, None] = {}
    for op in ops:
        for t in op.tables():
            if schema.has_table(t) and not t.startswith("_dbwork"):
                seen[t] = None
    return list(seen)


# what an explicit '-- migrate:down' section answers: its data changes have a rollback
COVERED_BY_EXPLICIT_DOWN = ("DW208",)


def review(ops, schema, dialect, session, explicit_down: bool = False,
           facts: Facts | None = None) -> Review:
    """Lint ``ops`` and check the live data they touch (before anything runs).
    Raises DataCheckFailed when live rows would break the change. ``explicit_down``:
    the change brings its own rollback section; ``facts``: the plan's snapshot (else
    one is taken). The body is the backend's :func:`live_review` (a hook: the generic
    one is for SQL engines)."""
    return live_review(dialect, ops, schema, session, explicit_down, facts)


@overridable
def live_review(dialect, ops, schema, session, explicit_down: bool = False,
                facts: Facts | None = None) -> Review:
    """Lint with the live facts, estimate locks, run the data checks (SQL engines)."""
    tables = live_tables(ops, schema)
    if facts is None:
        facts = gather_facts(session, tables, dialect)
    findings = lint_ops(ops, schema, dialect, facts, skip=_skipped(explicit_down))
    locks = statement_locks(dialect, ops, facts)
    warnings = [str(f) for f in findings] + lock_warnings(locks)
    checks = run_checks(plan_checks(ops, schema, dialect), session)
    checks += baseline(session, schema, tables, dialect)
    return Review(warnings, checks, findings, locks)


@overridable
def statement_locks(dialect, ops, facts: Facts) -> list[dict]:
    """The lock each operation takes and how long it may be held. Generic: unknown, so
    nothing is reported (PostgreSQL overrides it with :func:`.locks.lock_report`)."""
    return []


def validate(session, migration, schema_before, schema_after) -> list[dict]:
    """Checks after apply: foreign-key integrity, row counts, rollback still valid."""
    if getattr(session, "dialect", None) is None or not session.dialect.relational:
        return []
    return _validate(session, migration, schema_before, schema_after)


def lint_text(wb, text: str, dialect: str | None = None) -> list[Finding]:
    """Parse ``text`` against ``wb``'s live schema (statements dbwork cannot model
    are kept as raw statements, so they are linted too) and lint it. Reads only."""
    from ..parse.cell import split_cell
    return lint_cell(wb.dialect, wb, split_cell(text), dialect)


@overridable
def lint_cell(engine, wb, cell, dialect: str | None = None) -> list[Finding]:
    """:func:`lint_text` for SQL engines: unknown tables and columns are stood in for,
    so every statement is linted, with row counts read in a rolled-back connection."""
    schema = wb.backend.introspect()
    from ..execute.sql import SqlSession
    source = wb._source_dialect(dialect)
    ops, schema, stubs = _parse_offline(cell, wb.dialect, schema, source)
    skip = _skipped(cell.down is not None)
    with wb.backend.connect() as conn:
        tables = [t for t in live_tables(ops, schema) if t not in stubs]
        facts = gather_facts(SqlSession(conn, wb.dialect), tables, wb.dialect)
        conn.rollback()
    return lint_ops(ops, schema, wb.dialect, facts, skip=skip)


def _skipped(explicit_down: bool) -> tuple[str, ...]:
    return COVERED_BY_EXPLICIT_DOWN if explicit_down else ()


_STUB_TYPE = "TEXT"
_MAX_STUBS = 500


def _parse_offline(cell, dialect, schema, source):
    """Parse against the live schema; a table or column the database does not have is
    stood in for (a table without rows counted, a nullable column) and the parse runs
    again, so every statement is still linted. Returns (ops, schema, stub tables)."""
    from ..errors import UnknownObjectError
    from ..parse.sql import parse_sql
    stubs: set[str] = set()
    for _ in range(_MAX_STUBS):
        try:
            ops = parse_sql(cell.up, dialect, schema, first_line=cell.up_line,
                            source=source, allow_raw=True).ops
            return ops, schema, stubs
        except UnknownObjectError as e:
            grown = _with_stub(schema, e)
            if grown is None:
                raise
            schema = grown
            stubs.add(e.table if e.kind == "column" else e.name)
    raise UnknownObjectError("table", "(too many unknown objects to lint offline)")


def _with_stub(schema, e):
    """``schema`` with a stand-in for the unknown table or column ``e`` names (None
    for other kinds: those are reported as they are)."""
    from ..model.schema import Column, Table
    if e.kind == "table" and not schema.has_table(e.name):
        return schema.with_table(Table(e.name, ()))
    if e.kind == "column" and e.table and schema.has_table(e.table):
        t = schema.table(e.table)
        if not t.has_column(e.name):
            return schema.replacing(t.with_column(Column(e.name, _STUB_TYPE)))
    return None


__all__ = ["lint_cell", "live_review", "statement_locks", "lint_text", "Facts", "Finding", "NO_FACTS", "RULES", "Review", "classify", "gather_facts",
           "add_dml_backups", "lint", "lock_report", "make_online", "plan_checks", "review", "run_checks",
           "validate"]
