"""Plan passes (pure): operations -> operations with backups -> rendered steps.

``plan_steps`` walks the operations over the schema they run on, rendering each one
forward against the schema before it and its inverse against the schema after it, so
a rollback is the same renderer run on the reversed inverses.

>>> from dbwork.model import Column, PrimaryKey, Schema, Table
>>> from dbwork.dialects import get_dialect
>>> from dbwork.ops import DropColumn
>>> t = Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT")), PrimaryKey(("id",)))
>>> ops, _ = add_backups([DropColumn("t", t.column("a"))], Schema.of(t), "1")
>>> [o.describe() for o in ops]
['back up t (a) by key into _dbwork_bak_1_1', 'drop column t.a (TEXT) and its values']
"""
from __future__ import annotations

from dataclasses import replace

from ..dialects.base import Dialect
from ..migration import Step
from ..model.schema import Schema
from ..model.types import is_narrowing
from ..ops.data_ops import BackupRows
from ..ops.schema_ops import (AlterColumn, CreateIndex, DropColumn, DropIndex, DropTable,
                             Operation)
from ..render import render


def backup_name(version: str, n: int) -> str:
    return f"_dbwork_bak_{version}_{n}"


def add_backups(ops: list[Operation], schema: Schema, version: str):
    """Put a backup before every operation that destroys values, so its inverse can
    bring them back. Returns (operations, warnings)."""
    out: list[Operation] = []
    warnings: list[str] = []
    for op in ops:
        added = _with_backup(op, schema, version, len(out) + 1, warnings)
        for a in added:
            schema = a.apply(schema)
        out += added
    return out, warnings


def _with_backup(op: Operation, schema: Schema, version: str, n: int,
                 warnings: list[str]) -> list[Operation]:
    if hasattr(op, "backed_up"):  # document operations say how they are backed up
        return op.backed_up(backup_name(version, n))
    if isinstance(op, DropTable):
        cols = tuple(c.name for c in op.table.columns)
        return [BackupRows(op.table.name, backup_name(version, n), cols), op]
    if not (isinstance(op, DropColumn) or _narrowing(op)):
        return [op]
    table = schema.table(op.table)
    key = table.primary_key.columns if table.primary_key else ()
    col = op.column if isinstance(op, DropColumn) else op.before
    if not key or col.name in key:
        warnings.append(f"{op.describe()}: {op.table} has no primary key to restore "
                        "values by; a rollback brings the column back empty")
        return [op]
    return _backed_up(op, col, key, backup_name(version, n))


def order_warnings(ops: list[Operation], schema: Schema, dialect: Dialect) -> list[str]:
    """Where the engine cannot put a re-added column back in place (PostgreSQL has no
    ``AFTER``), say so: a rollback of DROP COLUMN brings the column back last.

    >>> from dbwork.dialects import get_dialect
    >>> from dbwork.model import Column, Table
    >>> t = Table("t", (Column("id", "INTEGER"), Column("a", "TEXT"), Column("b", "TEXT")))
    >>> order_warnings([DropColumn("t", t.column("a"), 1)], Schema.of(t), get_dialect("postgresql"))
    ['drop column t.a: postgresql cannot put a column back in place, so a rollback adds t.a as the last column (after b); the values come back, the column order does not']
    >>> order_warnings([DropColumn("t", t.column("a"), 1)], Schema.of(t), get_dialect("mysql"))
    []
    """
    if dialect.restores_column_position or not dialect.relational:
        return []   # MySQL/MariaDB: ADD COLUMN ... AFTER; SQLite: the rebuild keeps order
    out = []
    for op in ops:
        if isinstance(op, DropColumn) and schema.has_table(op.table):
            cols = [c.name for c in schema.table(op.table).columns]
            if op.column.name in cols and cols[-1] != op.column.name:
                out.append(f"drop column {op.table}.{op.column.name}: {dialect.name} cannot "
                           f"put a column back in place, so a rollback adds "
                           f"{op.table}.{op.column.name} as the last column (after "
                           f"{cols[-1]}); the values come back, the column order does not")
        schema = op.apply(schema)
    return out


def _narrowing(op: Operation) -> bool:
    return isinstance(op, AlterColumn) and is_narrowing(op.before.type, op.after.type)


def _backed_up(op, col, key, backup: str) -> list[Operation]:
    """A NOT NULL column without a default cannot come back while rows exist: relax it
    to NULL first, so the inverse is add (NULL), restore values, then set NOT NULL."""
    backup_op = BackupRows(op.table, backup, tuple(key) + (col.name,), tuple(key))
    if isinstance(op, AlterColumn) and op.using is not None:
        op = replace(op, has_backup=True)  # its undo need not convert the values back
    if isinstance(op, DropColumn) and not col.nullable and col.default is None:
        relaxed = replace(col, nullable=True)
        return [AlterColumn(op.table, col, relaxed), backup_op, replace(op, column=relaxed)]
    return [backup_op, op]


def plan_steps(ops: list[Operation], schema: Schema, dialect: Dialect,
               reversible: bool = True, irreversible: bool = False) -> list[Step]:
    """Render each operation forward (on the schema before it) and its inverse (on the
    schema after it). ``reversible=False``: the cell gives its own down section.
    ``irreversible=True``: an operation without an inverse gets an empty reverse and
    its step is marked forward-only (instead of refusing the migration)."""
    from ..errors import IrreversibleError
    steps = []
    for n, op in enumerate(ops, 1):
        after = op.apply(schema)
        forward = render(op, schema, dialect)
        forward_only = False
        try:
            reverse = render(op.reverse(), after, dialect) if reversible else []
        except IrreversibleError:
            if not irreversible:
                raise
            reverse, forward_only = [], True
        steps.append(Step(n, op.describe(), forward, reverse, op, op.kind,
                          transactional=not _outside_transaction(op, dialect),
                          forward_only=forward_only))
        schema = after
    return steps


def _outside_transaction(op: Operation, dialect: Dialect) -> bool:
    """PostgreSQL builds or drops an index CONCURRENTLY only outside a transaction."""
    return dialect.concurrent_index and isinstance(op, (CreateIndex, DropIndex)) \
        and op.concurrently
