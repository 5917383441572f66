"""Rules on raw statements: data changes, TRUNCATE, DROP ... CASCADE, transaction
control, what dbwork cannot model (DW201-DW213; read from sqlglot's tree by
:mod:`.sqltext`)."""
from __future__ import annotations

from ..ops.schema_ops import RawSQL
from . import sqltext
from .rule import ERROR, INFO, PG, WARNING, Rule, rows_note, rule


def _raw_kind(op, ctx):
    return sqltext.statement_kind(op.sql, ctx.dialect) if isinstance(op, RawSQL) else None


def update_no_where(op, ctx):
    if _raw_kind(op, ctx) == "update" and not sqltext.has_where(op.sql, ctx.dialect):
        return f"UPDATE without WHERE changes every row of {sqltext.target_table(op.sql, ctx.dialect)}"


def delete_no_where(op, ctx):
    if _raw_kind(op, ctx) == "delete" and not sqltext.has_where(op.sql, ctx.dialect):
        return f"DELETE without WHERE removes every row of {sqltext.target_table(op.sql, ctx.dialect)}"


def truncate(op, ctx):
    if _raw_kind(op, ctx) == "truncate":
        return f"TRUNCATE {sqltext.target_table(op.sql, ctx.dialect)} removes every row"


def truncate_cascade(op, ctx):
    if _raw_kind(op, ctx) == "truncate":
        t = sqltext.tree(op.sql, ctx.dialect)
        if t is not None and str(t.args.get("option") or "").upper() == "CASCADE" or \
                "CASCADE" in (t.sql().upper() if t is not None else ""):
            return "TRUNCATE ... CASCADE also empties every table that references it"


def drop_database(op, ctx):
    t = sqltext.tree(op.sql, ctx.dialect) if isinstance(op, RawSQL) else None
    if t is not None and _raw_kind(op, ctx) == "drop" and \
            str(t.args.get("kind") or "").upper() in ("DATABASE", "SCHEMA"):
        return f"DROP {str(t.args.get('kind')).upper()} {t.this.sql() if t.this else ''}".strip()


def drop_cascade(op, ctx):
    t = sqltext.tree(op.sql, ctx.dialect) if isinstance(op, RawSQL) else None
    if t is not None and _raw_kind(op, ctx) == "drop" and t.args.get("cascade"):
        return "DROP ... CASCADE also drops whatever depends on it"


def unmodelled(op, ctx):
    if _raw_kind(op, ctx) in ("command", "unknown", "create", "alter", "drop"):
        first = " ".join(op.sql.split())[:60]
        return f"dbwork cannot model: {first}"


def dml_without_down(op, ctx):
    if _raw_kind(op, ctx) in ("update", "delete", "insert") and op.reverse_sql is None:
        return "a data change with no rollback of its own"


def big_dml(op, ctx):
    if _raw_kind(op, ctx) in ("update", "delete"):
        table = sqltext.target_table(op.sql, ctx.dialect)
        if table and ctx.facts.is_big(table):
            return f"one statement changes rows of {table}{rows_note(ctx, table)}"


def insert_without_columns(op, ctx):
    if _raw_kind(op, ctx) == "insert":
        t = sqltext.tree(op.sql, ctx.dialect)
        from sqlglot import exp
        if t is not None and not isinstance(t.this, exp.Schema):
            return "INSERT without a column list"


def heavy_maintenance(op, ctx):
    words = sqltext.command_words(op.sql, ctx.dialect) if isinstance(op, RawSQL) else ""
    if words.startswith(("VACUUM FULL", "CLUSTER", "REINDEX")) and "CONCURRENTLY" not in words:
        return f"{words.split()[0]} takes ACCESS EXCLUSIVE for its whole run"
    if isinstance(op, RawSQL) and sqltext.tree(op.sql, ctx.dialect) is not None and \
            op.sql.strip().upper().startswith("CLUSTER"):
        return "CLUSTER takes ACCESS EXCLUSIVE for its whole run"


def transaction_nesting(op, ctx):
    if _raw_kind(op, ctx) in ("begin", "commit"):
        return "BEGIN/COMMIT/ROLLBACK inside a migration"


RULES: tuple[Rule, ...] = (
    rule("DW201", ERROR, "UPDATE without WHERE", "Every row is changed.",
         "Add a WHERE clause; for big tables update in batches.", update_no_where, on=RawSQL),
    rule("DW202", ERROR, "DELETE without WHERE", "Every row is deleted.",
         "Add a WHERE clause; dbwork backs the rows up when it can.", delete_no_where, on=RawSQL),
    rule("DW203", ERROR, "TRUNCATE", "Every row is deleted, without row-level triggers; "
         "MySQL cannot roll it back.", "DELETE with a WHERE (backed up), or rename the "
         "table away.", truncate, on=RawSQL),
    rule("DW204", WARNING, "statement dbwork cannot model", "Lint, data checks and "
         "automatic rollback cannot see inside it.", "Write it as modelled DDL, or give "
         "an explicit '-- migrate:down' and review it by hand.", unmodelled, on=RawSQL),
    rule("DW205", ERROR, "DROP DATABASE / SCHEMA", "Everything in it is gone.",
         "Never in a migration.", drop_database, on=RawSQL),
    rule("DW207", WARNING, "one big data change", "A single UPDATE/DELETE over a big "
         "table holds row locks and bloats the log until it ends.", "Change rows in "
         "batches (by key ranges) in separate transactions.", big_dml, on=RawSQL),
    rule("DW208", INFO, "data change", "Rows are changed; the rollback needs the old "
         "values.", "dbwork backs up the rows the WHERE selects, or give an explicit "
         "down section.", dml_without_down, on=RawSQL),
    rule("DW209", INFO, "INSERT without a column list", "It breaks as soon as the "
         "table's columns change.", "Name the columns.", insert_without_columns, on=RawSQL),
    rule("DW210", WARNING, "heavy maintenance command", "VACUUM FULL, CLUSTER and "
         "REINDEX (without CONCURRENTLY) hold ACCESS EXCLUSIVE.", "pg_repack, REINDEX "
         "CONCURRENTLY.", heavy_maintenance, dialects=(PG,), on=RawSQL),
    rule("DW211", ERROR, "transaction control in a migration", "dbwork runs the "
         "migration in its own transaction; BEGIN/COMMIT break atomicity and history.",
         "Remove BEGIN/COMMIT.", transaction_nesting, on=RawSQL),
    rule("DW212", ERROR, "TRUNCATE ... CASCADE", "Tables that reference it are emptied "
         "too.", "Truncate each table explicitly.", truncate_cascade, on=RawSQL),
    rule("DW213", ERROR, "DROP ... CASCADE", "Dependent objects (views, foreign keys) "
         "are dropped silently.", "Drop dependents explicitly.", drop_cascade, on=RawSQL),
)
