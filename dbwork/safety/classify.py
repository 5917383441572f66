"""The risk of an operation, in five words a reviewer knows (pure).

``additive`` adds something nothing uses yet; ``widening`` relaxes a type or a rule;
``data-changing`` rewrites stored values; ``destructive`` removes values for good;
``locking`` holds a lock that blocks writes (or reads) while it runs.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column
>>> from dbwork.ops import AlterColumn
>>> op = AlterColumn("t", Column("a", "VARCHAR(50)"), Column("a", "VARCHAR(10)"))
>>> sorted(classify(op, get_dialect("postgresql")))
['data-changing', 'destructive', 'locking']
"""
from __future__ import annotations

from typing import Callable

from ..model.types import is_narrowing
from ..ops.data_ops import BackupRows, RestoreRows
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropConstraint, DropIndex,
                              DropTable, RawSQL, RenameColumn, RenameTable)

ADDITIVE, WIDENING, DATA_CHANGING, DESTRUCTIVE, LOCKING = (
    "additive", "widening", "data-changing", "destructive", "locking")
CLASSES = (ADDITIVE, WIDENING, DATA_CHANGING, DESTRUCTIVE, LOCKING)


def classify(op, dialect) -> frozenset[str]:
    """The risk classes of ``op`` on ``dialect`` (a set: a change can be several)."""
    for kind, fn in _CLASSIFIERS:
        if isinstance(op, kind):
            return frozenset(fn(op, dialect))
    name = type(op).__name__
    if name.startswith(("Drop", "Unset", "Delete", "Remove")):
        return frozenset({DESTRUCTIVE})
    if name.startswith(("Create", "Add")):
        return frozenset({ADDITIVE})
    return frozenset({DATA_CHANGING})


def _lock_on(dialect, *extra: str) -> set[str]:
    return {LOCKING, *extra} if dialect.relational else set(extra)


def _alter(op: AlterColumn, dialect) -> set[str]:
    b, a = op.before, op.after
    out: set[str] = set()
    if b.type != a.type:
        out |= {DESTRUCTIVE, DATA_CHANGING} if is_narrowing(b.type, a.type) else {WIDENING}
        out.add(LOCKING)
    if b.nullable and not a.nullable:
        out.add(LOCKING)
    if a.nullable and not b.nullable:
        out.add(WIDENING)
    if not dialect.native_alter:
        out.add(LOCKING)  # SQLite rebuilds the table
    return out or {WIDENING}


def _add_column(op: AddColumn, dialect) -> set[str]:
    out = {ADDITIVE}
    if not dialect.native_alter or op.column.autoincrement:
        out.add(LOCKING)
    return out


def _index(op: CreateIndex, dialect) -> set[str]:
    return {ADDITIVE} if op.concurrently else {ADDITIVE, LOCKING}


def _raw(op: RawSQL, dialect) -> set[str]:
    from ..lint.sqltext import statement_kind
    kind = statement_kind(op.sql, dialect)
    if kind in ("delete", "truncate", "drop"):
        return {DESTRUCTIVE, DATA_CHANGING}
    if kind in ("update", "insert"):
        return {DATA_CHANGING}
    if kind == "set":
        return set()
    return {DATA_CHANGING, LOCKING}


_CLASSIFIERS: tuple[tuple[type, Callable[..., set[str]]], ...] = (
    (CreateTable, lambda op, d: {ADDITIVE}),
    (DropTable, lambda op, d: {DESTRUCTIVE, LOCKING}),
    (RenameTable, lambda op, d: {LOCKING}),
    (AddColumn, _add_column),
    (DropColumn, lambda op, d: _lock_on(d, DESTRUCTIVE)),
    (RenameColumn, lambda op, d: _lock_on(d)),
    (AlterColumn, _alter),
    (CreateIndex, _index),
    (DropIndex, lambda op, d: {WIDENING} if op.concurrently else {WIDENING, LOCKING}),
    (AddConstraint, lambda op, d: {LOCKING}),
    (DropConstraint, lambda op, d: {WIDENING, LOCKING}),
    (BackupRows, lambda op, d: {ADDITIVE}),
    (RestoreRows, lambda op, d: {DATA_CHANGING}),
    (RawSQL, _raw),
)
