"""DynamoDB's overrides (registered on import; loaded with the backend)."""
from __future__ import annotations

from ...execute.live import drop_orphan_backups
from ...render import render_statements
from ...safety import Review, lint_cell, live_review
from ...lint import lint_ops


@drop_orphan_backups.override("dynamodb")
def _keep_backups(dialect, session, versions=None) -> list[str]:
    """A backup table is dropped by the restore that reads it; none is dropped here."""
    return []


@live_review.override("dynamodb")
def _review_tables(dialect, ops, schema, session, explicit_down: bool = False,
                   facts=None) -> Review:
    """Lint, then a capacity and cost note for each step (live item counts)."""
    from .costs import notes
    findings = lint_ops(ops, schema, dialect)
    counts: dict[str, int] = {}

    def items(table: str) -> int:
        if table not in counts:
            counts[table] = session.count_rows(table) if schema.has_table(table) else 0
        return counts[table]

    return Review([str(f) for f in findings] + notes(ops, schema, items), [], findings)


@lint_cell.override("dynamodb")
def _lint_commands(engine, wb, cell, dialect=None):
    """Lint the commands against the live tables (reads only)."""
    schema = wb.backend.introspect()
    ops = wb.language.parse(cell.up, wb.dialect, schema, first_line=cell.up_line).ops
    return lint_ops(ops, schema, wb.dialect)


@render_statements.override("dynamodb")
def _render(dialect, op, schema) -> list[str]:
    """One JSON line per API call or item job (see :mod:`.render`)."""
    from .render import render
    return render(op, schema, dialect)
