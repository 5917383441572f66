"""Redis's overrides of dbwork's hooks (registered on import; loaded with the backend)."""
from __future__ import annotations

from ...execute.live import drop_orphan_backups
from ...plan.facts import NO_FACTS, live_facts
from ...render import render_statements
from ...safety import Review, lint_cell, live_review


@render_statements.override("redis")
def _render_commands(dialect, op, schema) -> list[str]:
    """Command lines in the cell language (the session parses them back)."""
    from .render import render
    return render(op, schema, dialect)


@live_facts.override("redis")
def _no_table_facts(dialect, session, tables):
    """Key patterns have no row counts or lock levels the SQL rules read."""
    return NO_FACTS


@live_review.override("redis")
def _review_keys(dialect, ops, schema, session, explicit_down: bool = False,
                 facts=None) -> Review:
    """Persistence, big keys, what each backup holds; and a refusal, before anything
    is written, when a step would overwrite keys or read values it cannot convert."""
    from .checks import review_keys
    warnings, checks = review_keys(ops, session)
    return Review(warnings, checks, [])


@lint_cell.override("redis")
def _lint_commands(engine, wb, cell, dialect=None):
    """Parsing is the lint: the commands are checked against the live keys at plan time."""
    wb.language.parse(cell.up, wb.dialect, None, first_line=cell.up_line)
    return []


@drop_orphan_backups.override("redis")
def _drop_backups(dialect, session, versions=None) -> list[str]:
    """After a rollback: the backup hashes of the rolled-back versions, restored by now."""
    from .checks import drop_backups
    return drop_backups(session, versions)
