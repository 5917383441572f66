"""Plan passes for PostgreSQL's non-blocking index builds (pure, except for the row
counts the caller passes in), and the session mode such a migration needs.

An index built or dropped on a table that holds rows runs CONCURRENTLY, outside the
transaction: writers are not blocked while it builds. The price is "all or nothing":
the steps before it commit when it starts, so history records progress step by step
(as on MySQL), and a failure leaves status 'failed' with the steps that ran, which a
rollback undoes exactly.

>>> from dbwork.model import Column, Index, Schema, Table
>>> from dbwork.dialects import get_dialect
>>> from dbwork.ops import CreateIndex
>>> s = Schema.of(Table("t", (Column("a", "INTEGER"),)))
>>> ops = [CreateIndex(Index("ix_t_a", "t", ("a",)))]
>>> [o.concurrently for o in concurrent_indexes(ops, s, get_dialect("postgresql"), {"t": 10})]
[True]
>>> [o.concurrently for o in concurrent_indexes(ops, s, get_dialect("postgresql"), {"t": 0})]
[False]
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping, Union

from ..dialects.base import Dialect
from ..model.schema import Schema
from ..ops.schema_ops import (AlterColumn, CreateIndex, DropColumn, DropIndex, DropTable,
                             RenameColumn)

RowCounts = Union[Mapping[str, int], Callable[[str], int]]

# operations that rewrite or lock the whole table anyway: an index step beside them
# gains nothing from CONCURRENTLY and would only split the transaction
_TABLE_REWRITES = (DropColumn, AlterColumn, DropTable, RenameColumn)


def concurrent_indexes(ops: list, schema: Schema, dialect: Dialect,
                       row_counts: RowCounts) -> list:
    """``ops`` with index builds and drops on live tables that hold rows marked
    ``concurrently=True`` (PostgreSQL only; other dialects get ``ops`` unchanged).
    Tables created by the plan, and tables the plan rewrites anyway, are left alone."""
    if not dialect.concurrent_index:
        return list(ops)
    count = row_counts if callable(row_counts) else (lambda t: row_counts.get(t, 0))
    rewritten = {op.table for op in ops if isinstance(op, _TABLE_REWRITES)
                 and isinstance(getattr(op, "table", None), str)}
    rewritten |= {op.table.name for op in ops if isinstance(op, DropTable)}
    seen: dict[str, int] = {}
    out = []
    for op in ops:
        if isinstance(op, (CreateIndex, DropIndex)) and not op.concurrently:
            table = op.index.table
            if schema.has_table(table) and table not in rewritten:
                if table not in seen:
                    seen[table] = count(table)
                if seen[table] > 0:
                    op = replace(op, concurrently=True)
        out.append(op)
    return out


def is_concurrent_statement(statement: str) -> bool:
    """True for ``CREATE [UNIQUE] INDEX CONCURRENTLY`` / ``DROP INDEX CONCURRENTLY``:
    statements PostgreSQL refuses inside a transaction (read back from a script, where
    the step's flag is not kept).

    >>> is_concurrent_statement("CREATE UNIQUE INDEX CONCURRENTLY ix ON t (a)")
    True
    >>> is_concurrent_statement("INSERT INTO t (note) VALUES ('concurrently')")
    False
    """
    words = statement.split(None, 4)
    upper = [w.upper() for w in words[:4]]
    if upper[:2] == ["DROP", "INDEX"]:
        return len(upper) > 2 and upper[2] == "CONCURRENTLY"
    if upper[:1] == ["CREATE"]:
        rest = upper[1:]
        if rest[:1] == ["UNIQUE"]:
            rest = rest[1:]
        return rest[:2] == ["INDEX", "CONCURRENTLY"]
    return False


def progress_mode(session, migration) -> None:
    """Before running ``migration`` on a PostgreSQL session: when a step must run
    outside the transaction, record history step by step (as on MySQL), since what
    precedes that step commits when it starts. Otherwise, all or nothing."""
    dialect = getattr(session, "dialect", None)
    if dialect is None or not getattr(dialect, "concurrent_index", False):
        return
    concurrent = any(not st.transactional or
                     any(is_concurrent_statement(s) for s in st.forward + st.reverse)
                     for st in migration.steps)
    session.transactional = dialect.transactional_ddl and not concurrent
