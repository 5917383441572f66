"""Rules on constraints: foreign keys, checks, unique and primary keys (DW118-DW125,
DW143)."""
from __future__ import annotations

from ..model.schema import Check, ForeignKey, PrimaryKey, Unique
from ..ops.schema_ops import AddConstraint, CreateTable, DropColumn, DropConstraint, _mentions
from .rule import INFO, PG, WARNING, Rule, rows_note, rule


def unique_constraint(op, ctx):
    if isinstance(op, AddConstraint) and isinstance(op.constraint, Unique) and \
            ctx.existed(op.table):
        return f"UNIQUE ({', '.join(op.constraint.columns)}) on {op.table} builds an index under ACCESS EXCLUSIVE"


def fk_without_index(op, ctx):
    fks = []
    if isinstance(op, AddConstraint) and isinstance(op.constraint, ForeignKey):
        fks = [(op.table, op.constraint)]
    elif isinstance(op, CreateTable):
        fks = [(op.table.name, fk) for fk in op.table.foreign_keys]
    missing = []
    for table, fk in fks:
        after = ctx.ops[ctx.index].apply(ctx.schema) if ctx.index < len(ctx.ops) else ctx.schema
        final = after
        for later in ctx.ops[ctx.index + 1:]:
            try:
                final = later.apply(final)
            except Exception:
                break
        t = final.tables.get(table)
        if t is None:
            continue
        prefixes = [i.columns[:len(fk.columns)] for i in t.indexes]
        prefixes += [u.columns[:len(fk.columns)] for u in t.uniques]
        if t.primary_key:
            prefixes.append(t.primary_key.columns[:len(fk.columns)])
        if tuple(fk.columns) not in prefixes:
            missing.append(f"{table} ({', '.join(fk.columns)})")
    if missing and not ctx.dialect.indexes_foreign_keys:  # MySQL makes the index itself
        return f"foreign key without an index on {', '.join(missing)}"


def fk_not_valid(op, ctx):
    if isinstance(op, AddConstraint) and isinstance(op.constraint, ForeignKey) and \
            ctx.existed(op.table):
        return (f"FOREIGN KEY on {op.table} validates every row while holding SHARE ROW "
                f"EXCLUSIVE on {op.table} and {op.constraint.ref_table}")


def check_not_valid(op, ctx):
    if isinstance(op, AddConstraint) and isinstance(op.constraint, Check) and \
            ctx.existed(op.table):
        return f"CHECK ({op.constraint.expression}) scans {op.table} under ACCESS EXCLUSIVE"


def fk_needs_data(op, ctx):
    if isinstance(op, AddConstraint) and isinstance(op.constraint, ForeignKey) and \
            ctx.existed(op.table):
        return f"FOREIGN KEY on {op.table} fails if it holds orphans"


def add_pk_big(op, ctx):
    if isinstance(op, AddConstraint) and isinstance(op.constraint, PrimaryKey) and \
            ctx.existed(op.table):
        n = ctx.rows(op.table)
        if n is None or n > 0:
            return f"PRIMARY KEY on {op.table}{rows_note(ctx, op.table)} builds a unique index under a lock"


def drop_pk(op, ctx):
    if isinstance(op, DropConstraint) and isinstance(op.constraint, PrimaryKey):
        return f"drop the primary key of {op.table}"


def drop_fk_or_unique(op, ctx):
    if isinstance(op, DropConstraint) and isinstance(op.constraint, (ForeignKey, Unique, Check)):
        return f"drop {type(op.constraint).__name__} {op.constraint.name or ''} on {op.table}".replace("  ", " ")


def check_mentions_dropped(op, ctx):
    if isinstance(op, DropColumn):
        t = ctx.schema.tables.get(op.table)
        checks = [c.name or c.expression for c in (t.checks if t else ())
                  if _mentions(c.expression, op.column.name)]
        if checks:
            return f"check constraint(s) {', '.join(checks)} use {op.table}.{op.column.name}"


RULES: tuple[Rule, ...] = (
    rule("DW118", WARNING, "UNIQUE constraint builds an index under lock", "ADD "
         "CONSTRAINT UNIQUE builds its index while holding ACCESS EXCLUSIVE.",
         "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX.",
         unique_constraint, dialects=(PG,), on=AddConstraint),
    rule("DW119", WARNING, "foreign key without an index", "Deletes and key updates on "
         "the referenced table scan the referencing table; joins are slow.",
         "Create an index on the foreign key's columns.", fk_without_index,
         on=(AddConstraint, CreateTable)),
    rule("DW120", WARNING, "foreign key without NOT VALID", "Adding a foreign key "
         "checks every row while blocking writes on both tables.", "ADD CONSTRAINT ... "
         "NOT VALID, then VALIDATE CONSTRAINT in a second step (online=True).",
         fk_not_valid, dialects=(PG,), on=AddConstraint),
    rule("DW121", WARNING, "CHECK without NOT VALID", "Adding a CHECK scans every row "
         "under ACCESS EXCLUSIVE.", "ADD CONSTRAINT ... CHECK (...) NOT VALID, then "
         "VALIDATE CONSTRAINT (online=True).", check_not_valid, dialects=(PG,), on=AddConstraint),
    rule("DW122", INFO, "foreign key over existing rows", "The constraint fails when "
         "rows point at nothing (dbwork counts orphans before applying).",
         "Fix or delete orphans first.", fk_needs_data, on=AddConstraint),
    rule("DW123", WARNING, "primary key on a table with rows", "Adding a primary key "
         "builds a unique index and (PostgreSQL) checks NOT NULL under ACCESS EXCLUSIVE.",
         "CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX.", add_pk_big,
         on=AddConstraint),
    rule("DW124", WARNING, "drop primary key", "Replication, upserts and dbwork's "
         "restore-by-key all need a key.", "Replace the key in one migration (add the new "
         "one first).", drop_pk, on=DropConstraint),
    rule("DW125", INFO, "drop a constraint", "The database stops protecting this rule; "
         "bad rows can arrive and block re-adding it.", "Make sure code enforces it, or "
         "replace the constraint in the same migration.", drop_fk_or_unique, on=DropConstraint),
    rule("DW143", INFO, "check constraint uses a dropped column", "The check goes with "
         "the column.", "Check that the rule is enforced elsewhere.",
         check_mentions_dropped, on=DropColumn),
)
