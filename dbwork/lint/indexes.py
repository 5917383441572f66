"""Rules on indexes: blocking builds and drops, unique builds (DW114-DW117)."""
from __future__ import annotations

from ..ops.schema_ops import (CreateIndex,
                              DropIndex)
from .rule import INFO, PG, WARNING, Rule, rows_note, rule


def index_not_concurrent(op, ctx):
    if isinstance(op, CreateIndex) and not op.concurrently and ctx.existed(op.index.table):
        return (f"CREATE INDEX {op.index.name} on {op.index.table}"
                f"{rows_note(ctx, op.index.table)} blocks writes while it builds")


def drop_index_not_concurrent(op, ctx):
    if isinstance(op, DropIndex) and not op.concurrently:
        return f"DROP INDEX {op.index.name} takes ACCESS EXCLUSIVE on {op.index.table}"


def index_blocks_writes(op, ctx):
    if isinstance(op, CreateIndex) and ctx.existed(op.index.table) and \
            ctx.facts.is_big(op.index.table):
        return f"index build on {op.index.table}{rows_note(ctx, op.index.table)}"


def unique_index(op, ctx):
    if isinstance(op, CreateIndex) and op.index.unique and ctx.existed(op.index.table):
        return f"unique index {op.index.name} fails if {op.index.table} holds duplicates"


RULES: tuple[Rule, ...] = (
    rule("DW114", WARNING, "index without CONCURRENTLY", "CREATE INDEX takes a SHARE "
         "lock: writes to the table wait for the whole build.", "CREATE INDEX "
         "CONCURRENTLY (outside a transaction; migrate(..., online=True)).",
         index_not_concurrent, dialects=(PG,), on=CreateIndex),
    rule("DW115", INFO, "index build on a big table", "Building an index on a big "
         "table takes long; on SQLite the database write lock is held, on MySQL metadata "
         "locks queue behind long transactions.", "Build it off-peak; on PostgreSQL use "
         "CONCURRENTLY.", index_blocks_writes, on=CreateIndex),
    rule("DW116", WARNING, "drop index without CONCURRENTLY", "DROP INDEX takes ACCESS "
         "EXCLUSIVE on the table.", "DROP INDEX CONCURRENTLY.", drop_index_not_concurrent,
         dialects=(PG,), on=DropIndex),
    rule("DW117", INFO, "unique index over existing rows", "A unique index fails when "
         "the rows hold duplicates (dbwork checks the data before applying).",
         "Remove duplicates first; build the index CONCURRENTLY.", unique_index, on=CreateIndex),
)
