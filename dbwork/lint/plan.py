"""Rules on the whole plan: timeouts, many tables locked, MySQL's mixed DDL and data
(DW130, DW131, DW206, DW214)."""
from __future__ import annotations

from ..ops.data_ops import BackupRows, RestoreRows
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              DropColumn, DropConstraint, DropIndex,
                              DropTable, RawSQL, RenameColumn, RenameTable)
from . import sqltext
from .rule import INFO, MY, PG, WARNING, Rule, rule


_LOCKING_OPS = (AddColumn, DropColumn, AlterColumn, AddConstraint, DropConstraint,
                RenameColumn, RenameTable, DropTable, CreateIndex, DropIndex)


def _existing_locking(ctx) -> list:
    return [op for op in ctx.ops if isinstance(op, _LOCKING_OPS) and
            not (isinstance(op, CreateIndex) and op.concurrently) and
            any(ctx.existed(t) for t in op.tables())]


def _sets(ctx, name) -> bool:
    return any(name in sqltext.set_names(sql, ctx.dialect) for sql in ctx.raw())


def _ms(value: str) -> int:
    v = value.strip().lower()
    for unit, mult in (("ms", 1), ("s", 1000), ("min", 60_000), ("h", 3_600_000)):
        if v.endswith(unit) and v[:-len(unit)].strip().isdigit():
            return int(v[:-len(unit)]) * mult
    return int(v) if v.isdigit() else 0


def missing_lock_timeout(_, ctx):
    if _existing_locking(ctx) and not _sets(ctx, "lock_timeout"):
        current = ctx.facts.settings.get("lock_timeout")
        if current is None or _ms(current) == 0 or _ms(current) > 10_000:
            return "no SET lock_timeout before statements that lock existing tables"


def missing_statement_timeout(_, ctx):
    if _existing_locking(ctx) and not _sets(ctx, "statement_timeout"):
        current = ctx.facts.settings.get("statement_timeout")
        if current is None or _ms(current) == 0:
            return "no SET statement_timeout for a migration that locks existing tables"


def mysql_mixed(_, ctx):
    ddl = [op for op in ctx.ops if not isinstance(op, (RawSQL, BackupRows, RestoreRows))]
    ddl += [op for op in ctx.ops if isinstance(op, RawSQL) and sqltext.is_ddl(op.sql, ctx.dialect)]
    dml = [op for op in ctx.ops if isinstance(op, RawSQL) and sqltext.is_dml(op.sql, ctx.dialect)]
    if ddl and dml:
        return f"{len(ddl)} DDL and {len(dml)} data statement(s) in one migration"


def many_locking(_, ctx):
    tables = {t for op in _existing_locking(ctx) for t in op.tables() if ctx.existed(t)}
    if len(tables) > 3:
        return f"locks {len(tables)} existing tables in one transaction: {', '.join(sorted(tables))}"


RULES: tuple[Rule, ...] = (
    rule("DW130", WARNING, "no lock_timeout", "A statement that waits for a lock "
         "(behind one long transaction) blocks every query queued after it.",
         "Start the migration with SET lock_timeout = '2s' and retry on timeout.",
         missing_lock_timeout, scope="plan", dialects=(PG,)),
    rule("DW131", INFO, "no statement_timeout", "A runaway statement holds its locks "
         "until it ends.", "SET statement_timeout for the migration.",
         missing_statement_timeout, scope="plan", dialects=(PG,)),
    rule("DW206", WARNING, "DDL and data changes mixed on MySQL", "MySQL commits every "
         "DDL statement: a failure leaves the data changes half done with no transaction "
         "to undo them.", "Put data changes in their own migration.", mysql_mixed,
         scope="plan", dialects=(MY,)),
    rule("DW214", INFO, "many tables locked at once", "Locks on several busy tables in one "
         "transaction raise the chance of deadlocks and long queues.",
         "Split the migration.", many_locking, scope="plan"),
)
