"""Operations: plain data that know their effect, their inverse and their kind.

A drop or an alter carries the whole object it removes or changes, so its reverse needs
no second look at the database. Rollback is ``[op.reverse() for op in reversed(ops)]``.

>>> from dbwork.model import Column
>>> op = AddColumn("users", Column("age", "INTEGER"))
>>> op.reverse()
DropColumn(table='users', column=Column(name='age', type='INTEGER', nullable=True, default=None, autoincrement=False, comment=None), position=None)
>>> op.describe()
'add column users.age INTEGER NULL'
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import IrreversibleError, ObjectExistsError
from ..model.schema import (Column, Constraint, ForeignKey, Index, PrimaryKey,
                            Schema, Table, Unique)

# kinds of change, from harmless to harmful; lint and consent read these
ADDITIVE, RENAMING, CHANGING, DESTRUCTIVE, DATA = (
    "additive", "renaming", "changing", "destructive", "data")


class Operation:
    """Base: every operation answers apply/reverse/describe and names its tables."""

    kind: str = CHANGING

    def apply(self, schema: Schema) -> Schema:  # pragma: no cover - abstract
        raise NotImplementedError

    def reverse(self) -> "Operation":  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def tables(self) -> tuple[str, ...]:
        """The tables (or collections) it touches: by default its ``table`` or
        ``collection`` field."""
        for attr in ("table", "collection"):
            value = getattr(self, attr, None)
            if isinstance(value, str):
                return (value,)
        return ()

    def loss(self) -> tuple[str, str] | None:
        """(what is destroyed, the table or collection whose rows hold it), or None.
        The workbench counts the rows and asks for consent when there are any."""
        return None


def _col_words(c: Column) -> str:
    words = [c.type, "NULL" if c.nullable else "NOT NULL"]
    if c.default is not None:
        words.append(f"DEFAULT {c.default}")
    if c.autoincrement:
        words.append("auto-increment")
    return " ".join(words)


# -- tables -------------------------------------------------------------------------
@dataclass(frozen=True)
class CreateTable(Operation):
    table: Table
    kind = ADDITIVE

    def apply(self, schema):
        return schema.with_table(self.table)

    def reverse(self):
        return DropTable(self.table)

    def describe(self):
        return f"create table {self.table.name} ({len(self.table.columns)} columns)"

    def tables(self):
        return (self.table.name,)


@dataclass(frozen=True)
class DropTable(Operation):
    table: Table
    kind = DESTRUCTIVE

    def apply(self, schema):
        return schema.without_table(self.table.name)

    def reverse(self):
        return CreateTable(self.table)

    def describe(self):
        return f"drop table {self.table.name} and all its rows"

    def loss(self):
        return f"drop table {self.table.name}", self.table.name

    def tables(self):
        return (self.table.name,)


@dataclass(frozen=True)
class RenameTable(Operation):
    old: str
    new: str
    kind = RENAMING

    def apply(self, schema):
        return schema.renaming_table(self.old, self.new)

    def reverse(self):
        return RenameTable(self.new, self.old)

    def describe(self):
        return f"rename table {self.old} to {self.new}"

    def tables(self):
        return (self.old, self.new)


# -- columns ------------------------------------------------------------------------
@dataclass(frozen=True)
class AddColumn(Operation):
    """Add a column, last, or at ``position`` where the engine can (a rollback puts a
    dropped column back where it was)."""

    table: str
    column: Column
    position: int | None = None
    kind = ADDITIVE

    def apply(self, schema):
        return schema.replacing(schema.table(self.table).with_column(self.column, self.position))

    def reverse(self):
        return DropColumn(self.table, self.column, self.position)

    def describe(self):
        return f"add column {self.table}.{self.column.name} {_col_words(self.column)}"


@dataclass(frozen=True)
class DropColumn(Operation):
    table: str
    column: Column
    position: int | None = None   # where it stood, so the rollback can put it back
    kind = DESTRUCTIVE

    def apply(self, schema):
        return schema.replacing(schema.table(self.table).without_column(self.column.name))

    def reverse(self):
        return AddColumn(self.table, self.column, self.position)

    def describe(self):
        return f"drop column {self.table}.{self.column.name} ({self.column.type}) and its values"

    def loss(self):
        return f"drop column {self.table}.{self.column.name}", self.table


@dataclass(frozen=True)
class RenameColumn(Operation):
    table: str
    old: str
    new: str
    kind = RENAMING

    def apply(self, schema):
        return schema.replacing(rename_column_in(schema.table(self.table), self.old, self.new))

    def reverse(self):
        return RenameColumn(self.table, self.new, self.old)

    def describe(self):
        return f"rename column {self.table}.{self.old} to {self.new}"


@dataclass(frozen=True)
class RenameConstraint(Operation):
    """``ALTER TABLE t RENAME CONSTRAINT old TO new`` (Prisma writes it when a model is
    renamed: ``EventClass_pkey`` -> ``ActionClass_pkey``); on PostgreSQL the index of a
    primary key or unique constraint takes the new name too."""

    table: str
    old: str
    new: str
    kind = RENAMING

    def apply(self, schema):
        t = schema.table(self.table)
        con = t.constraint(self.old)
        if any(c.name == self.new for c in t.constraints()):
            raise ObjectExistsError("constraint", self.new, self.table)
        return schema.replacing(_renamed_constraint(t, con, self.new))

    def reverse(self):
        return RenameConstraint(self.table, self.new, self.old)

    def describe(self):
        return f"rename constraint {self.old} of {self.table} to {self.new}"


@dataclass(frozen=True)
class RenameIndex(Operation):
    """``ALTER INDEX old RENAME TO new`` (Prisma writes it when a model or field is
    renamed). On PostgreSQL the index of a unique constraint or primary key is the
    constraint's own name, so renaming it renames the constraint.

    >>> from dbwork.model import Column, Index, Schema, Table
    >>> t = Table("t", (Column("a", "TEXT"),), indexes=(Index("t_a_key", "t", ("a",), unique=True),))
    >>> [i.name for i in RenameIndex("t", "t_a_key", "t_b_key").apply(Schema.of(t)).table("t").indexes]
    ['t_b_key']
    """

    table: str
    old: str
    new: str
    kind = RENAMING

    def apply(self, schema):
        t = schema.table(self.table)
        if any(i.name == self.old for i in t.indexes):
            return schema.replacing(replace(t, indexes=tuple(
                replace(i, name=self.new) if i.name == self.old else i for i in t.indexes)))
        return schema.replacing(_renamed_constraint(t, t.constraint(self.old), self.new))

    def reverse(self):
        return RenameIndex(self.table, self.new, self.old)

    def describe(self):
        return f"rename index {self.old} of {self.table} to {self.new}"


def _renamed_constraint(t, con, new: str):
    """The table with ``con`` renamed in its place (constraint order kept)."""
    if isinstance(con, PrimaryKey):
        return replace(t, primary_key=replace(con, name=new))
    for attr in ("foreign_keys", "uniques", "checks"):
        if con in getattr(t, attr):
            return replace(t, **{attr: tuple(replace(c, name=new) if c == con else c
                                              for c in getattr(t, attr))})
    return t


@dataclass(frozen=True)
class AlterColumn(Operation):
    """Type, nullability or default change; carries the column before and after.
    ``using``: the user's conversion of a type change (PostgreSQL ``USING expr``);
    it has no certain inverse, so the reverse casts back, or sets NULL where a backup
    restores the old values (see ``_cast_back``)."""

    table: str
    before: Column
    after: Column
    using: str | None = None
    has_backup: bool = False  # a USING change whose old values a backup keeps
    via: str | None = None   # the undo of a USING: "text" (cast through text) or "null"

    @property
    def kind(self):  # type: ignore[override]
        return CHANGING

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.replacing(t.replacing_column(self.before.name, self.after))

    def reverse(self):
        if self.using is None:
            return AlterColumn(self.table, self.after, self.before)
        return AlterColumn(self.table, self.after, self.before, via=_cast_back(self))

    def loss(self):
        from ..model.types import is_narrowing
        if is_narrowing(self.before.type, self.after.type):
            return (f"narrow {self.table}.{self.before.name} from {self.before.type} "
                    f"to {self.after.type}"), self.table
        return None

    def describe(self):
        b, a = self.before, self.after
        parts = []
        if b.type != a.type:
            parts.append(f"type {b.type} -> {a.type}")
        if b.nullable != a.nullable:
            parts.append("allow NULL" if a.nullable else "set NOT NULL")
        if b.default != a.default:
            parts.append(f"default {b.default} -> {a.default}")
        return f"alter column {self.table}.{b.name}: " + ", ".join(parts or ["no change"])


def _cast_back(o: "AlterColumn") -> str | None:
    """How the undo of a ``USING`` type change converts: a plain cast within a type
    family; to NULL where a backup brings the old values back (PostgreSQL cannot cast
    a timestamp to an integer); else through text."""
    from ..model.types import type_family
    if type_family(o.before.type) == type_family(o.after.type):
        return None
    return "null" if o.has_backup else "text"


# -- indexes and constraints --------------------------------------------------------
@dataclass(frozen=True)
class CreateIndex(Operation):
    index: Index
    concurrently: bool = False
    kind = ADDITIVE

    def apply(self, schema):
        return schema.replacing(schema.table(self.index.table).with_index(self.index))

    def reverse(self):
        return DropIndex(self.index, self.concurrently)

    def describe(self):
        u = "unique " if self.index.unique else ""
        cols = ", ".join(self.index.columns)
        return f"create {u}index {self.index.name} on {self.index.table} ({cols})"

    def tables(self):
        return (self.index.table,)


@dataclass(frozen=True)
class DropIndex(Operation):
    index: Index
    concurrently: bool = False
    kind = CHANGING

    def apply(self, schema):
        return schema.replacing(schema.table(self.index.table).without_index(self.index.name))

    def reverse(self):
        return CreateIndex(self.index, self.concurrently)

    def describe(self):
        return f"drop index {self.index.name} on {self.index.table}"

    def tables(self):
        return (self.index.table,)


@dataclass(frozen=True)
class AddConstraint(Operation):
    table: str
    constraint: Constraint
    kind = CHANGING

    def apply(self, schema):
        return schema.replacing(schema.table(self.table).with_constraint(self.constraint))

    def reverse(self):
        return DropConstraint(self.table, self.constraint)

    def describe(self):
        return f"add {constraint_words(self.constraint)} to {self.table}"

    def tables(self):
        c = self.constraint
        return (self.table, c.ref_table) if isinstance(c, ForeignKey) else (self.table,)


@dataclass(frozen=True)
class DropConstraint(Operation):
    table: str
    constraint: Constraint
    kind = CHANGING

    def apply(self, schema):
        return schema.replacing(schema.table(self.table).without_constraint(self.constraint))

    def reverse(self):
        return AddConstraint(self.table, self.constraint)

    def describe(self):
        return f"drop {constraint_words(self.constraint)} from {self.table}"


def constraint_words(c: Constraint) -> str:
    name = f" {c.name}" if c.name else ""
    if isinstance(c, PrimaryKey):
        return f"primary key{name} ({', '.join(c.columns)})"
    if isinstance(c, ForeignKey):
        return (f"foreign key{name} ({', '.join(c.columns)}) -> "
                f"{c.ref_table} ({', '.join(c.ref_columns)})")
    if isinstance(c, Unique):
        return f"unique constraint{name} ({', '.join(c.columns)})"
    return f"check constraint{name} ({c.expression})"


# -- raw statements -----------------------------------------------------------------
@dataclass(frozen=True)
class RawSQL(Operation):
    """A statement dbwork does not model (DML, vendor DDL). Reversible only with an
    explicit ``reverse_sql`` (from a ``-- migrate:down`` section)."""

    sql: str
    reverse_sql: str | None = None
    touches: tuple[str, ...] = ()
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        if self.reverse_sql is None:
            raise IrreversibleError(self.sql)
        return RawSQL(self.reverse_sql, self.sql, self.touches)

    def describe(self):
        first = " ".join(self.sql.split())
        return f"run: {first[:77] + '...' if len(first) > 80 else first}"

    def tables(self):
        return self.touches


# -- helpers ------------------------------------------------------------------------
def rename_column_in(t: Table, old: str, new: str) -> Table:
    """The table with column ``old`` renamed, and every key and index following it."""
    def cols(names):
        return tuple(new if n == old else n for n in names)

    col = t.column(old)
    t = t.replacing_column(old, replace(col, name=new))
    return replace(
        t,
        primary_key=replace(t.primary_key, columns=cols(t.primary_key.columns))
        if t.primary_key else None,
        foreign_keys=tuple(replace(fk, columns=cols(fk.columns)) for fk in t.foreign_keys),
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in t.uniques),
        checks=tuple(replace(c, expression=_rename_in_expression(c.expression, old, new))
                     for c in t.checks),
        indexes=tuple(replace(i, columns=cols(i.columns),
                              where=_rename_in_expression(i.where, old, new))
                      for i in t.indexes),
    )


def _rename_in_expression(text: str | None, old: str, new: str) -> str | None:
    """A check or index predicate with column ``old`` renamed (as engines do)."""
    if text is None or not _mentions(text, old):
        return text
    import sqlglot
    from sqlglot import exp

    def rename(node):
        if isinstance(node, exp.Column) and node.name == old:
            return exp.column(new, quoted=node.this.args.get("quoted"))
        return node

    return sqlglot.parse_one(text).transform(rename).sql()


def dependents_of_column(t: Table, column: str) -> list[Operation]:
    """Drops of the indexes and constraints that use ``column``: they must go first
    when the column is dropped, and come back in the rollback."""
    ops: list[Operation] = []
    for i in t.indexes:
        if column in i.columns:
            ops.append(DropIndex(i))
    for c in t.foreign_keys + t.uniques:
        if column in c.columns:
            ops.append(DropConstraint(t.name, c))
    for c in t.checks:
        if _mentions(c.expression, column):
            ops.append(DropConstraint(t.name, c))
    return ops


def _mentions(expression: str, column: str) -> bool:
    import re
    return re.search(rf"(?<![\w.]){re.escape(column)}(?!\w)", expression) is not None


def apply_all(ops, schema: Schema) -> Schema:
    """The schema after every operation, in order (pure)."""
    for op in ops:
        schema = op.apply(schema)
    return schema


def reverse_all(ops) -> list[Operation]:
    """The rollback: inverses in reverse order. Raises IrreversibleError naming the op."""
    return [op.reverse() for op in reversed(list(ops))]


OPERATIONS = (CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn,
              AlterColumn, CreateIndex, DropIndex, AddConstraint, DropConstraint, RawSQL)
