"""Lint: the rules a plan is read against, as data, and nothing else (pure).

Each rule (:class:`~.rule.Rule`) names the operations it looks at (``on``), the
condition (``check``, returning the message), a severity, why it matters
(``explanation``) and the safer way (``alternative``). The rules live by topic:
:mod:`.tables`, :mod:`.columns`, :mod:`.indexes`, :mod:`.constraints`, :mod:`.data`
(raw statements), :mod:`.plan` (the whole plan) and :mod:`.documents`. This package
never opens a connection: the live facts arrive as a :class:`~dbwork.plan.facts.Facts`
snapshot, and the checks that read rows live in :mod:`dbwork.safety`.

Sources the rules follow: squawk's rules (require-concurrent-index-creation,
constraint-missing-not-valid, adding-required-field, changing-column-type,
renaming-column/table, require-timeout-settings, prefer-bigint, prefer-text-field,
prefer-timestamptz, ban-char-field, prefer-identity, ban-truncate-cascade,
transaction-nesting, adding-serial-primary-key-field, disallowed-unique-constraint,
adding-foreign-key-constraint), strong_migrations (removing/renaming columns and
tables, backfilling in batches, volatile defaults, NOT NULL via a CHECK) and Atlas's
analyzers (destructive changes, data-dependent changes, backward-incompatible renames,
MySQL non-transactional DDL).

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column, Schema, Table, Index
>>> s = Schema.of(Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT"))))
>>> from dbwork.ops import CreateIndex
>>> sorted(f.rule for f in lint_ops([CreateIndex(Index("ix", "t", ("a",)))], s, get_dialect("postgresql")))
['DW114', 'DW130', 'DW131']
"""
from __future__ import annotations

from ..model.schema import Schema
from ..ops.data_ops import BackupRows, RestoreRows
from ..plan.facts import NO_FACTS, Facts
from . import columns, constraints, data, documents, indexes, plan, tables
from .rule import ERROR, INFO, SEVERITY_ORDER, WARNING, Context, Finding, Rule, rule

RULES: tuple[Rule, ...] = tuple(sorted(
    (*tables.RULES, *columns.RULES, *indexes.RULES, *constraints.RULES, *data.RULES,
     *plan.RULES, *documents.RULES), key=lambda r: r.id))

RULES_BY_ID = {r.id: r for r in RULES}
assert len(RULES_BY_ID) == len(RULES), "duplicate rule id"


def lint_ops(ops, schema: Schema, dialect, facts: Facts = NO_FACTS,
             skip: tuple[str, ...] = ()) -> list[Finding]:
    """Findings for ``ops`` planned on ``schema`` (pure), most severe first."""
    ops = [op for op in ops if not isinstance(op, (BackupRows, RestoreRows))]
    out: list[Finding] = []
    ctx = Context(ops, schema, dialect, facts, 0, schema)
    for i, op in enumerate(ops):
        ctx.index, ctx.schema = i, schema
        out += _run(op, ctx, i + 1, "op", skip)
        try:
            schema = op.apply(schema)
        except Exception:
            pass
    ctx.schema = schema
    out += _run(None, ctx, None, "plan", skip)
    return sorted(out, key=lambda f: (SEVERITY_ORDER[f.severity], f.step or 0, f.rule))


def _run(op, ctx, step, scope, skip) -> list[Finding]:
    found = []
    for r in RULES:
        if r.scope != scope or r.id in skip or not r.applies_to(ctx.dialect):
            continue
        if scope == "op" and not r.looks_at(op):
            continue
        msg = r.check(op, ctx)
        if msg:
            found.append(Finding(r.id, r.severity, r.title, msg,
                                 r.explanation, r.alternative, step))
    return found


__all__ = ["ERROR", "INFO", "RULES", "RULES_BY_ID", "WARNING", "Context", "Finding", "Rule",
           "lint_ops", "rule"]
