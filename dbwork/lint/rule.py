"""What a lint rule is, as data: the operations it looks at, the condition, a severity,
why it matters and the safer way; and what a finding is.

A rule's ``when`` takes ``(op, ctx)`` (``scope="op"``: once per operation whose kind is
in ``on``) or ``(None, ctx)`` (``scope="plan"``: once per plan) and returns the message,
or None when the rule does not apply. ``ctx`` holds the operations, the schema before
the operation, the dialect and the live :class:`~dbwork.plan.facts.Facts` (pure data).

>>> from dbwork.ops import DropTable
>>> r = rule("DW999", WARNING, "example", "Why it matters.", "The safer way.",
...          lambda op, ctx: "found", on=DropTable)
>>> r.looks_at(DropTable(None)), r.looks_at(object())
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..model.schema import Schema
from ..ops.schema_ops import RawSQL
from ..plan.facts import NO_FACTS, Facts

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

# the backends a rule may be limited to (``dialects=``): data, not a branch
PG, MY, LITE, DOC = "postgresql", "mysql", "sqlite", "mongodb"


@dataclass(frozen=True)
class Rule:
    """One rule: ``id``, ``severity``, ``title``, ``explanation`` (why), ``alternative``
    (the safer way), ``check`` (the condition, returning the message), ``on`` (the
    operation kinds it looks at: classes, or type names for a backend's own operations;
    empty: every operation), ``scope`` ("op" or "plan") and ``dialects`` (empty: all)."""

    id: str
    severity: str
    title: str
    explanation: str
    alternative: str
    check: Callable
    scope: str = "op"
    dialects: tuple[str, ...] = ()
    on: tuple = ()

    def looks_at(self, op) -> bool:
        """Is ``op`` of a kind this rule reads?"""
        return not self.on or any(isinstance(op, k) if isinstance(k, type)
                                  else type(op).__name__ == k for k in self.on)

    def applies_to(self, dialect) -> bool:
        """Does the rule hold on ``dialect``'s backend?"""
        return not self.dialects or dialect.name in self.dialects


def rule(id, severity, title, explanation, alternative, check, scope="op", dialects=(),
         on=()) -> Rule:
    """A :class:`Rule`; ``on`` may be one operation class or a tuple of them."""
    kinds = on if isinstance(on, tuple) else (on,)
    return Rule(id, severity, title, explanation, alternative, check, scope,
                tuple(dialects), kinds)


@dataclass(frozen=True)
class Finding:
    """One lint finding. ``str(f)`` is the one line that goes into warnings."""

    rule: str
    severity: str
    title: str
    message: str
    explanation: str
    alternative: str
    step: int | None = None           # 1-based index of the operation, None: whole plan

    def __str__(self) -> str:
        where = f" (operation {self.step})" if self.step else ""
        return f"{self.rule} {self.severity}: {self.message}{where}. Safer: {self.alternative}"


@dataclass
class Context:
    """What a rule may read: the plan, the schema before the operation, the dialect and
    the live facts."""

    ops: list
    schema: Schema                    # before the operation being checked
    dialect: object
    facts: Facts = NO_FACTS
    index: int = 0                    # position of the operation in ops
    start: Schema = field(default_factory=Schema)   # before the whole plan

    def rows(self, table: str) -> int | None:
        return self.facts.row_count(table)

    def existed(self, table: str) -> bool:
        """Did the table exist before the plan (so it may hold rows)?"""
        return self.start.has_table(table)

    def raw(self) -> list[str]:
        return [op.sql for op in self.ops if isinstance(op, RawSQL)]


def rows_note(ctx: Context, table: str) -> str:
    """`` (N rows)`` when the facts counted ``table``'s rows, else nothing."""
    n = ctx.rows(table)
    return f" ({n} rows)" if n is not None else ""
