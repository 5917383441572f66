"""Rewrite blocking operations into non-blocking forms (PostgreSQL), on request:
``wb.migrate(..., online=True)`` calls :func:`make_online` (pure).

- CREATE INDEX -> CREATE INDEX CONCURRENTLY (runs outside the transaction)
- DROP INDEX -> DROP INDEX CONCURRENTLY
- ADD FOREIGN KEY / CHECK -> ADD ... NOT VALID, then VALIDATE CONSTRAINT (which takes
  only SHARE UPDATE EXCLUSIVE: reads and writes go on)
- ADD COLUMN ... NOT NULL DEFAULT x -> add it nullable, set the default (new rows),
  backfill existing rows in batches of ``batch`` keys, CHECK (col IS NOT NULL) NOT
  VALID, VALIDATE, SET NOT NULL (PostgreSQL 12+ skips the scan thanks to the
  validated check), drop the check.
- SET NOT NULL -> the same CHECK / VALIDATE / SET NOT NULL sequence.

The operations below are this module's own (NOT VALID, VALIDATE, batched backfill);
their PostgreSQL renderers are registered in the SQL renderer's dispatch table.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column, Index, PrimaryKey, Schema, Table
>>> from dbwork.ops import CreateIndex
>>> s = Schema.of(Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT")), PrimaryKey(("id",))))
>>> [op.concurrently for op in make_online([CreateIndex(Index("ix", "t", ("a",)))], s, get_dialect("postgresql"))]
[True]
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..model.schema import Check, ForeignKey, Schema
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              DropConstraint, DropIndex, Operation, constraint_words)
from ..render.data import quote
from .facts import NO_FACTS

BATCH = 10_000


@dataclass(frozen=True)
class AddConstraintNotValid(Operation):
    """ADD CONSTRAINT ... NOT VALID: new rows are checked, old rows not yet."""

    table: str
    constraint: ForeignKey | Check
    kind = "changing"

    def apply(self, schema):
        return schema.replacing(schema.table(self.table).with_constraint(self.constraint))

    def reverse(self):
        return DropConstraint(self.table, self.constraint)

    def describe(self):
        return f"add {constraint_words(self.constraint)} to {self.table} NOT VALID"

    def tables(self):
        return (self.table,)


@dataclass(frozen=True)
class ValidateConstraint(Operation):
    table: str
    name: str
    kind = "changing"

    def apply(self, schema):
        return schema

    def reverse(self):
        return Nothing(self.table, f"validation of {self.name} needs no undo")

    def describe(self):
        return f"validate constraint {self.name} on {self.table}"


@dataclass(frozen=True)
class BackfillColumn(Operation):
    """Set ``column`` to ``value`` where it is NULL, ``batch`` keys at a time."""

    table: str
    column: str
    value: str
    key: tuple[str, ...]
    batch: int = BATCH
    kind = "data"

    def apply(self, schema):
        return schema

    def reverse(self):
        return Nothing(self.table, f"backfill of {self.column} is undone by its column's drop")

    def describe(self):
        return (f"backfill {self.table}.{self.column} = {self.value} where NULL, "
                f"{self.batch} rows at a time")


@dataclass(frozen=True)
class Nothing(Operation):
    """The inverse of a step that needs no undo: renders no statement."""

    table: str
    note: str = ""
    kind = "changing"

    def apply(self, schema):
        return schema

    def reverse(self):
        return self

    def describe(self):
        return self.note or "nothing to undo"


def make_online(ops, schema: Schema, dialect, facts=NO_FACTS, batch: int = BATCH) -> list:
    """``ops`` with blocking operations rewritten into non-blocking sequences (pure).
    Only PostgreSQL has these forms; other dialects get ``ops`` back unchanged.
    Tables created by the same plan hold no rows, so their operations are left alone."""
    if not dialect.online_ddl:
        return list(ops)
    out: list = []
    created: set[str] = set()
    for op in ops:
        new = [op] if set(op.tables()) & created else _rewrite(op, schema, batch)
        if type(op).__name__ == "CreateTable":
            created.add(op.table.name)
        for n in new:
            schema = n.apply(schema)
        out += new
    return out


def _rewrite(op, schema: Schema, batch: int) -> list:
    if isinstance(op, (CreateIndex, DropIndex)) and not op.concurrently:
        return [replace(op, concurrently=True)]
    if isinstance(op, AddConstraint) and isinstance(op.constraint, (ForeignKey, Check)):
        return [AddConstraintNotValid(op.table, op.constraint),
                ValidateConstraint(op.table, op.constraint.name)]
    if isinstance(op, AddColumn) and not op.column.nullable and op.column.default is not None:
        return _add_required(op, schema, batch)
    if isinstance(op, AlterColumn) and op.before.nullable and not op.after.nullable \
            and op.before.type == op.after.type and op.before.default == op.after.default:
        return _not_null_via_check(op.table, op.before, op.after)
    return [op]


def _add_required(op: AddColumn, schema: Schema, batch: int) -> list:
    t = schema.table(op.table)
    col = op.column
    nullable = replace(col, nullable=True, default=None)
    with_default = replace(nullable, default=col.default)
    key = t.primary_key.columns if t.primary_key else ()
    out = [AddColumn(op.table, nullable), AlterColumn(op.table, nullable, with_default)]
    if key:
        out.append(BackfillColumn(op.table, col.name, col.default, tuple(key), batch))
    else:
        return [op]  # no key to batch by: keep the plain form
    return out + _not_null_via_check(op.table, with_default, col)


def _not_null_via_check(table: str, before, after) -> list:
    from ..dialects import get_dialect
    d = get_dialect("postgresql")  # make_online rewrites for PostgreSQL only
    check = Check(f"{d.quote(before.name)} IS NOT NULL", d.fit(f"ck_{table}_{before.name}_nn"))
    return [AddConstraintNotValid(table, check), ValidateConstraint(table, check.name),
            AlterColumn(table, before, after), DropConstraint(table, check)]


# -- PostgreSQL renderers, registered in the SQL dispatch table -----------------------
def _render_not_valid(op, o: AddConstraintNotValid, schema, d):
    c = o.constraint
    if isinstance(c, ForeignKey):
        body = (f"FOREIGN KEY ({', '.join(quote(x, d) for x in c.columns)}) REFERENCES "
                f"{quote(c.ref_table, d)} ({', '.join(quote(x, d) for x in c.ref_columns)})")
        if c.on_delete:
            body += f" ON DELETE {c.on_delete}"
        if c.on_update:
            body += f" ON UPDATE {c.on_update}"
    else:
        body = f"CHECK ({c.expression})"
    op.execute(f"ALTER TABLE {quote(o.table, d)} ADD CONSTRAINT {quote(c.name, d)} {body} NOT VALID")


def _render_validate(op, o: ValidateConstraint, schema, d):
    op.execute(f"ALTER TABLE {quote(o.table, d)} VALIDATE CONSTRAINT {quote(o.name, d)}")


def _render_backfill(op, o: BackfillColumn, schema, d):
    t, c = quote(o.table, d), quote(o.column, d)
    keys = ", ".join(quote(k, d) for k in o.key)
    op.execute(
        f"DO $$ BEGIN LOOP UPDATE {t} SET {c} = {o.value} WHERE ({keys}) IN "
        f"(SELECT {keys} FROM {t} WHERE {c} IS NULL LIMIT {int(o.batch)}); "
        f"EXIT WHEN NOT FOUND; END LOOP; END $$")


def _render_nothing(op, o, schema, d):
    return None


def register_renderers() -> None:
    """Add this module's operations to the SQL renderer's dispatch table (idempotent)."""
    from ..render import sql as render_sql
    render_sql.register_renderer(AddConstraintNotValid, _render_not_valid)
    render_sql.register_renderer(ValidateConstraint, _render_validate)
    render_sql.register_renderer(BackfillColumn, _render_backfill)
    render_sql.register_renderer(Nothing, _render_nothing)


register_renderers()
