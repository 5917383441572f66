"""Cosmos DB's overrides of dbwork's hooks (registered on import; loaded with the
backend): rendering, the review with request-unit estimates and consistency notes,
and no SQL facts or backup tables."""
from __future__ import annotations

from ...execute.live import drop_orphan_backups
from ...plan.facts import NO_FACTS, live_facts
from ...render import render_statements
from ...safety import Review, live_review
from ...lint import lint_ops
from .notes import step_notes


@render_statements.override("cosmos")
def _render_commands(dialect, op, schema) -> list[str]:
    from .render import render
    return render(op, schema, dialect)


@live_facts.override("cosmos")
def _no_table_facts(dialect, session, tables):
    """Containers have no row counts or lock levels the SQL rules read."""
    return NO_FACTS


@drop_orphan_backups.override("cosmos")
def _backups_are_containers(dialect, session, versions=None) -> list[str]:
    """A step's backup is a container that its reverse drops after restoring."""
    return []


@live_review.override("cosmos")
def _review(dialect, ops, schema, session, explicit_down: bool = False,
            facts=None) -> Review:
    """Lint the operations, then a request-unit estimate and a consistency note for
    every step that reads or writes items."""
    findings = lint_ops(ops, schema, dialect)
    counts = {name: session.count_rows(name) for name in _containers(ops, schema)}
    consistency = session.backend.consistency()
    return Review([str(f) for f in findings] + step_notes(ops, counts, consistency),
                  [], findings)


def _containers(ops, schema) -> set[str]:
    return {t for op in ops for t in op.tables() if schema.has_collection(t)}
