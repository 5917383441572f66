"""Desired-state migrations: the whole schema as it should be -> the operations that
take the live schema there (CREATE statements, SQLAlchemy models or a Prisma schema).

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Schema
>>> p = plan_desired("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", Schema(),
...                  get_dialect("sqlite"))
>>> [op.describe() for op in p.ops]
['create table t (2 columns)']
>>> plan_schema(p.schema, p.schema, get_dialect("sqlite")).ops
[]
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..dialects.base import Dialect
from ..errors import ParseError
from ..model.schema import Schema
from ..ops.schema_ops import CreateIndex, CreateTable, Operation
from .core import diff
from .renames import Hints, RenameAmbiguity, likely_renames, read_hints, sql_hint_line, \
    usable_hints


@dataclass
class Desired:
    """The operations (safe order), notes for the person, and the desired schema."""

    ops: list[Operation]
    warnings: list[str] = field(default_factory=list)
    schema: Schema = field(default_factory=Schema)


def desired_schema(text: str, dialect: Dialect, source: Dialect | None = None,
                   first_line: int = 1) -> Schema:
    """The schema that desired-state SQL text describes (CREATE TABLE / CREATE INDEX)."""
    from ..parse.sql import parse_sql
    parsed = parse_sql(text, dialect, Schema(), source=source, first_line=first_line)
    for op in parsed.ops:
        if not isinstance(op, (CreateTable, CreateIndex)):
            raise ParseError(f"a desired state is CREATE TABLE and CREATE INDEX statements; "
                             f"this one would {op.describe()}", first_line)
    return parsed.schema


def plan_desired(text: str, schema: Schema, dialect: Dialect, source: Dialect | None = None,
                 first_line: int = 1, allow_data_loss: bool = False) -> Desired:
    """Operations from ``schema`` (live) to the state the CREATE statements in ``text``
    describe. ``-- dbwork:renamed_from OLD`` hints turn drop+add into renames; a likely
    rename without a hint raises :class:`RenameAmbiguity` unless ``allow_data_loss``."""
    want = desired_schema(text, dialect, source, first_line)
    return plan_schema(want, schema, dialect, read_hints(text), allow_data_loss)


def plan_schema(desired: Schema, live: Schema, dialect: Dialect, hints: Hints | None = None,
                allow_data_loss: bool = False, hint_style: str = "sql") -> Desired:
    """Operations from ``live`` to ``desired`` (both neutral schemas)."""
    hints = usable_hints(hints or Hints(), live, desired)
    ask = likely_renames(live, desired, dialect, hints)
    if ask and not allow_data_loss:
        raise RenameAmbiguity(ask, [_hint(c, live, desired, hint_style, dialect) for c in ask])
    ops = diff(live, desired, dialect, hints.tables, hints.columns)
    warnings = [f"no rename hint: {k} {t + '.' if k == 'column' else ''}{o} is dropped and "
                f"{n} added (allow_data_loss)" for k, t, o, n in ask]
    warnings += _unsupported(live, desired, hints)
    return Desired(ops, warnings, desired)


def _hint(candidate, live: Schema, desired: Schema, style: str, dialect) -> str:
    kind, table, old, new = candidate
    if style in ("sqlalchemy", "prisma"):  # no hint syntax there yet: rename first
        q = dialect.quote
        what = f"TABLE {q(old)} RENAME TO {q(new)}" if kind == "table" else \
            f"TABLE {q(table)} RENAME COLUMN {q(old)} TO {q(new)}"
        return f"(rename it first with a plain migration) ALTER {what};"
    return sql_hint_line(kind, new, live, desired, table, old)


def _unsupported(live: Schema, desired: Schema, hints: Hints) -> list[str]:
    """Differences a desired-state diff does not change (said, not silently ignored)."""
    out = []
    for name, t in desired.tables.items():
        old = next((o for o, n in hints.tables.items() if n == name), name)
        if live.has_table(old) and (live.table(old).comment or None) != (t.comment or None):
            out.append(f"table comment of {name} differs; dbwork does not change table "
                       "comments in a desired-state diff")
    return out
