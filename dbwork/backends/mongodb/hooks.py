"""MongoDB's overrides (registered on import; loaded with the backend)."""
from __future__ import annotations

from ...execute.live import drop_orphan_backups
from ...render import render_statements
from ...safety import Review, lint_cell, live_review
from ...plan.facts import NO_FACTS, live_facts
from ...lint import lint_ops


@drop_orphan_backups.override("mongodb")
def _no_backup_tables(dialect, session, versions=None) -> list[str]:
    """MongoDB keeps a step's backup inside its history row, not in tables."""
    return []


@live_facts.override("mongodb")
def _no_table_facts(dialect, session, tables):
    """Collections have no row counts or lock levels the rules read."""
    return NO_FACTS


@live_review.override("mongodb")
def _review_documents(dialect, ops, schema, session, explicit_down: bool = False,
                      facts=None) -> Review:
    """Lint the commands, then check the live documents they touch (duplicates under a
    new unique index, documents a new validator rejects)."""
    findings = lint_ops(ops, schema, dialect)
    warnings = [str(f) for f in findings]
    from .checks import review_documents
    more_warnings, more_checks = review_documents(ops, schema, dialect, session)
    return Review(warnings + list(more_warnings), list(more_checks), findings)


@lint_cell.override("mongodb")
def _lint_commands(engine, wb, cell, dialect=None):
    """Lint mongosh commands against the live collections (reads only)."""
    schema = wb.backend.introspect()
    ops = wb.language.parse(cell.up, wb.dialect, schema, first_line=cell.up_line,
                            allow_raw=True).ops
    return lint_ops(ops, schema, wb.dialect)


@render_statements.override("mongodb")
def _render_commands(dialect, op, schema) -> list[str]:
    """Database command documents (Extended JSON) for a document operation."""
    from .render import render
    return render(op, schema, dialect)
