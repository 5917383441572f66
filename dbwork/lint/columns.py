"""Rules on columns: drops, renames, type changes, defaults, NULLs, names and type
choices (DW102-DW111, DW126-DW129, DW134-DW145)."""
from __future__ import annotations

from ..model.types import base_name, is_narrowing, type_params
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropConstraint, RawSQL, RenameColumn,
                              RenameTable)
from . import sqltext
from .rule import ERROR, INFO, LITE, MY, PG, WARNING, Rule, rows_note, rule


def _new_columns(op):
    if isinstance(op, CreateTable):
        return [(op.table.name, c) for c in op.table.columns]
    if isinstance(op, AddColumn):
        return [(op.table, op.column)]
    if isinstance(op, AlterColumn) and op.before.type != op.after.type:
        return [(op.table, op.after)]
    return []


def prefer_timestamptz(op, ctx):
    bad = [f"{t}.{c.name}" for t, c in _new_columns(op) if base_name(c.type) == "TIMESTAMP"]
    if bad:
        return f"TIMESTAMP without time zone: {', '.join(bad)}"


def prefer_text(op, ctx):
    bad = [f"{t}.{c.name}" for t, c in _new_columns(op) if base_name(c.type) == "VARCHAR"
           and type_params(c.type)]
    if bad:
        return f"VARCHAR(n) on PostgreSQL: {', '.join(bad)}"


def ban_char(op, ctx):
    bad = [f"{t}.{c.name}" for t, c in _new_columns(op) if base_name(c.type) == "CHAR"]
    if bad:
        return f"CHAR(n) pads with spaces: {', '.join(bad)}"


def prefer_jsonb(op, ctx):
    bad = [f"{t}.{c.name}" for t, c in _new_columns(op) if base_name(c.type) == "JSON"]
    if bad:
        return f"json (not jsonb): {', '.join(bad)}"


def drop_column(op, ctx):
    if isinstance(op, DropColumn):
        return (f"drop column {op.table}.{op.column.name}{rows_note(ctx, op.table)}: "
                "its values go, and code that still reads it fails")


def drop_pk_column(op, ctx):
    if isinstance(op, DropColumn):
        t = ctx.schema.tables.get(op.table)
        if t and t.primary_key and op.column.name in t.primary_key.columns:
            return f"{op.table}.{op.column.name} is part of the primary key"


def drop_indexed_column(op, ctx):
    if isinstance(op, DropColumn):
        t = ctx.schema.tables.get(op.table)
        users = [i.name for i in t.indexes if op.column.name in i.columns] if t else []
        users += [c.name or "unnamed" for c in (t.uniques + t.foreign_keys if t else ())
                  if op.column.name in c.columns]
        if users:
            return f"{op.table}.{op.column.name} is used by {', '.join(users)}, dropped with it"


def drop_referenced_column(op, ctx):
    if isinstance(op, DropColumn):
        refs = [t.name for t, fk in ctx.schema.referencing(op.table)
                if op.column.name in fk.ref_columns]
        if refs:
            return f"{op.table}.{op.column.name} is referenced by foreign keys from {', '.join(refs)}"


def rename_column(op, ctx):
    if isinstance(op, RenameColumn):
        return f"rename {op.table}.{op.old} to {op.new}: running code that uses {op.old} fails"


def add_required_column(op, ctx):
    if isinstance(op, AddColumn) and not op.column.nullable and op.column.default is None \
            and not op.column.autoincrement and ctx.existed(op.table):
        n = ctx.rows(op.table)
        what = f"add NOT NULL column {op.table}.{op.column.name} without a default"
        if n is None:  # not counted: the table is not in the live database, or no facts
            return (f"{what} to {op.table}, whose rows dbwork did not count: if it has "
                    "rows, the statement fails")
        if n > 0:
            return f"{what} to a table with rows ({n} rows)"


_VOLATILE = ("now()", "current_timestamp", "random()", "gen_random_uuid()", "uuid()",
             "uuid_generate_v4()", "clock_timestamp()", "nextval(", "statement_timestamp()",
             "timeofday()", "localtimestamp", "current_time", "current_date", "sysdate()")


def _volatile(default: str | None) -> bool:
    d = (default or "").lower().replace(" ", "")
    return any(v.replace(" ", "") in d for v in _VOLATILE)


def volatile_default(op, ctx):
    if isinstance(op, AddColumn) and _volatile(op.column.default) and ctx.existed(op.table):
        return f"{op.table}.{op.column.name} DEFAULT {op.column.default} is volatile"


def default_on_old_postgres(op, ctx):
    v = ctx.facts.server_version
    if isinstance(op, AddColumn) and op.column.default is not None and v and v < 110000 \
            and ctx.existed(op.table):
        return f"{op.table}.{op.column.name} has a default and the server is older than 11"


def add_serial_column(op, ctx):
    if isinstance(op, AddColumn) and op.column.autoincrement and ctx.existed(op.table):
        return f"auto-increment column {op.table}.{op.column.name} on an existing table"


def narrowing_type(op, ctx):
    if isinstance(op, AlterColumn) and is_narrowing(op.before.type, op.after.type):
        return f"{op.table}.{op.before.name} {op.before.type} -> {op.after.type} can lose values"


def _pg_rewrite_free(b: str, a: str) -> bool:
    fb, fa = base_name(b), base_name(a)
    if fb in ("VARCHAR", "TEXT") and fa == "TEXT":
        return True
    if fb == fa == "VARCHAR":
        pb, pa = type_params(b), type_params(a)
        return not pa or bool(pb and pa[0] >= pb[0])
    if fb == fa == "NUMERIC":
        pb, pa = type_params(b), type_params(a)
        return not pa or bool(len(pb) == len(pa) and pb and pa[0] >= pb[0]
                              and pa[1:] == pb[1:])
    return False


def pg_type_rewrite(op, ctx):
    if isinstance(op, AlterColumn) and op.before.type != op.after.type and \
            not _pg_rewrite_free(op.before.type, op.after.type):
        return (f"{op.table}.{op.before.name} {op.before.type} -> {op.after.type} rewrites "
                f"the table{rows_note(ctx, op.table)} under ACCESS EXCLUSIVE")


def mysql_type_copy(op, ctx):
    if isinstance(op, AlterColumn) and op.before.type != op.after.type:
        same = base_name(op.before.type) == base_name(op.after.type) == "VARCHAR"
        if not same or is_narrowing(op.before.type, op.after.type):
            return (f"{op.table}.{op.before.name} type change copies the table "
                    f"(ALGORITHM=COPY){rows_note(ctx, op.table)}")


def sqlite_rebuild(op, ctx):
    if isinstance(op, (AlterColumn, AddConstraint, DropConstraint)) or (
            isinstance(op, AddColumn) and not op.column.nullable and op.column.default is None):
        return f"{op.table} is rebuilt (copied into a new table){rows_note(ctx, op.table)}"


def set_not_null(op, ctx):
    if isinstance(op, AlterColumn) and op.before.nullable and not op.after.nullable:
        return f"SET NOT NULL on {op.table}.{op.before.name} scans the table under a lock"


def drop_default_not_null(op, ctx):
    if isinstance(op, AlterColumn) and op.before.default is not None and \
            op.after.default is None and not op.after.nullable:
        return (f"{op.table}.{op.before.name} is NOT NULL and loses its default: inserts "
                "that omit it will fail")


def drop_not_null(op, ctx):
    if isinstance(op, AlterColumn) and not op.before.nullable and op.after.nullable:
        return (f"{op.table}.{op.before.name} may now hold NULL: readers that assume a "
                "value will meet NULLs")


def identifier_too_long(op, ctx):
    """PostgreSQL cuts names over 63 bytes without a word (two names can then clash,
    and the schema no longer matches the migration); MySQL refuses names over 64."""
    # SQL engines' limits (Dialect.max_identifier); a document store's names are not
    # tables and columns: not checked here
    limit = ctx.dialect.max_identifier if ctx.dialect.relational else None
    if limit is None:
        return None
    long = [n for n in _names_created(op) if len(n.encode()) > limit]
    if long:
        return (f"name(s) longer than {ctx.dialect.name}'s {limit} bytes: "
                + ", ".join(long))


def _names_created(op) -> list[str]:
    if isinstance(op, CreateTable):
        t = op.table
        return [t.name] + [c.name for c in t.columns] + [i.name for i in t.indexes] + \
            [c.name for c in t.constraints() if c.name]
    if isinstance(op, RenameTable):
        return [op.new]
    if isinstance(op, AddColumn):
        return [op.column.name]
    if isinstance(op, RenameColumn):
        return [op.new]
    if isinstance(op, CreateIndex):
        return [op.index.name]
    if isinstance(op, AddConstraint) and op.constraint.name:
        return [op.constraint.name]
    return []


def type_change_indexed(op, ctx):
    if isinstance(op, AlterColumn) and op.before.type != op.after.type:
        t = ctx.schema.tables.get(op.table)
        idx = [i.name for i in t.indexes if op.before.name in i.columns] if t else []
        if t and t.primary_key and op.before.name in t.primary_key.columns:
            idx.append("the primary key")
        if idx:
            return f"{op.table}.{op.before.name} is indexed by {', '.join(idx)}: rebuilt too"


def type_change_fk(op, ctx):
    if isinstance(op, AlterColumn) and op.before.type != op.after.type:
        t = ctx.schema.tables.get(op.table)
        own = [fk for fk in (t.foreign_keys if t else ()) if op.before.name in fk.columns]
        refs = [o.name for o, fk in ctx.schema.referencing(op.table)
                if op.before.name in fk.ref_columns]
        if own or refs:
            return f"{op.table}.{op.before.name} takes part in a foreign key"


def enum_change(op, ctx):
    if isinstance(op, AlterColumn) and "ENUM" in (op.before.type + op.after.type).upper():
        return f"enum type change on {op.table}.{op.before.name}"
    if isinstance(op, RawSQL) and "TYPE" in sqltext.command_words(op.sql, ctx.dialect)[:12] \
            and "ADD VALUE" in sqltext.command_words(op.sql, ctx.dialect):
        return "ALTER TYPE ... ADD VALUE"


RULES: tuple[Rule, ...] = (
    rule("DW102", WARNING, "drop column", "The column's values are deleted, and running "
         "code (and ORMs that SELECT every column) fail until deployed without it.",
         "Deploy code that ignores the column first, then drop it in a later migration.",
         drop_column, on=DropColumn),
    rule("DW103", ERROR, "narrowing type change", "Values longer or larger than the new "
         "type are cut, rounded or refused.", "Check the data first (dbwork does), or add "
         "a new column, backfill, switch code, then drop the old one.", narrowing_type,
         on=AlterColumn),
    rule("DW104", WARNING, "type change rewrites the table", "On PostgreSQL most type "
         "changes rewrite every row and its indexes under ACCESS EXCLUSIVE: no reads or "
         "writes meanwhile. VARCHAR growing, VARCHAR->TEXT and NUMERIC precision growing "
         "are exempt.", "Add a new column, backfill in batches, switch code, drop the old.",
         pg_type_rewrite, dialects=(PG,), on=AlterColumn),
    rule("DW105", WARNING, "type change copies the table", "MySQL/MariaDB copies the "
         "whole table for most type changes (ALGORITHM=COPY), blocking writes.",
         "Use an online schema change tool (pt-online-schema-change, gh-ost), or a new "
         "column with a backfill.", mysql_type_copy, dialects=(MY,), on=AlterColumn),
    rule("DW106", INFO, "SQLite table rebuild", "SQLite cannot alter columns or "
         "constraints in place: the table is copied into a new one, the old one dropped "
         "and the copy renamed, with the database write lock held throughout.",
         "Group changes to one table into one migration so it is rebuilt once.",
         sqlite_rebuild, dialects=(LITE,),
         on=(AlterColumn, AddConstraint, DropConstraint, AddColumn)),
    rule("DW107", WARNING, "SET NOT NULL scans under a lock", "Setting NOT NULL checks "
         "every row while holding ACCESS EXCLUSIVE (PostgreSQL), or rebuilds (SQLite, MySQL).",
         "PostgreSQL 12+: ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE "
         "CONSTRAINT c; then SET NOT NULL (no scan) and drop the check.", set_not_null,
         on=AlterColumn),
    rule("DW108", ERROR, "NOT NULL column without default on an existing table",
         "Existing rows have no value for it: the statement fails (or SQLite's rebuild "
         "fails).", "Add it nullable (or with a default), backfill, then SET NOT NULL "
         "(migrate(..., online=True) does this).", add_required_column, on=AddColumn),
    rule("DW109", WARNING, "volatile default", "A volatile default (now(), random(), "
         "gen_random_uuid()) must be computed per existing row: PostgreSQL 11+ rewrites the "
         "table under ACCESS EXCLUSIVE (only constant defaults are stored in the catalog "
         "and are instant).", "Add the column without a default, set the default (new "
         "rows only), backfill existing rows in batches.", volatile_default, on=AddColumn),
    rule("DW110", WARNING, "default on PostgreSQL before 11", "Before PostgreSQL 11 any "
         "DEFAULT on ADD COLUMN rewrote the whole table, even a constant one.",
         "Add the column, then SET DEFAULT, then backfill in batches.",
         default_on_old_postgres, dialects=(PG,), on=AddColumn),
    rule("DW111", WARNING, "rename column", "Running application code still uses the "
         "old name and fails between the migration and its deployment.",
         "Add the new column, write to both, backfill, move reads, then drop the old one "
         "(or a view with the old name).", rename_column, on=RenameColumn),
    rule("DW126", ERROR, "drop a primary key column", "The table loses its identity; "
         "dbwork cannot restore dropped values by key.", "Add a new key first.",
         drop_pk_column, on=DropColumn),
    rule("DW127", INFO, "drop an indexed column", "Indexes and constraints on the "
         "column go with it (dbwork drops them first and restores them on rollback).",
         "Check that no query relies on them.", drop_indexed_column, on=DropColumn),
    rule("DW128", ERROR, "drop a column referenced by foreign keys", "The referencing "
         "foreign keys must go first.", "Drop the foreign keys in an earlier migration.",
         drop_referenced_column, on=DropColumn),
    rule("DW129", WARNING, "type change of an indexed column", "Every index on the "
         "column is rebuilt with the table.", "Plan the time (estimate below) or use a new "
         "column.", type_change_indexed, on=AlterColumn),
    rule("DW134", INFO, "TIMESTAMP without time zone", "Values are ambiguous across "
         "time zones.", "TIMESTAMPTZ.", prefer_timestamptz, dialects=(PG,),
         on=(CreateTable, AddColumn, AlterColumn)),
    rule("DW135", INFO, "VARCHAR(n) on PostgreSQL", "A length limit is no faster than "
         "TEXT and changing it later may lock the table.", "TEXT with a CHECK on length.",
         prefer_text, dialects=(PG,), on=(CreateTable, AddColumn, AlterColumn)),
    rule("DW136", INFO, "CHAR(n)", "CHAR pads values with spaces and compares "
         "surprisingly.", "VARCHAR or TEXT.", ban_char, on=(CreateTable, AddColumn, AlterColumn)),
    rule("DW138", WARNING, "auto-increment column on an existing table", "Every existing "
         "row gets a value: the table is rewritten under lock.", "Add a nullable column, "
         "backfill in batches, then add the default/identity.", add_serial_column, on=AddColumn),
    rule("DW139", WARNING, "enum change", "PostgreSQL's ALTER TYPE ... ADD VALUE cannot "
         "be used in the same transaction (and before 12 not run in one); MySQL rewrites "
         "the table for an ENUM change other than appending.", "Add enum values in their "
         "own migration, append only; or use a lookup table.", enum_change,
         on=(AlterColumn, RawSQL)),
    rule("DW140", INFO, "json rather than jsonb", "json keeps text: no equality operator, "
         "no indexes, slower reads.", "jsonb.", prefer_jsonb, dialects=(PG,),
         on=(CreateTable, AddColumn, AlterColumn)),
    rule("DW141", WARNING, "NOT NULL column loses its default", "Inserts that omit the "
         "column (older code) fail.", "Drop the default only after every writer sets "
         "the column.", drop_default_not_null, on=AlterColumn),
    rule("DW142", WARNING, "type change of a foreign-key column", "Both sides of a "
         "foreign key must keep compatible types; the constraint is re-checked.",
         "Change both sides in one migration.", type_change_fk, on=AlterColumn),
    rule("DW144", INFO, "drop NOT NULL", "Code that reads the column may assume it "
         "always has a value.", "Make readers handle NULL before relaxing the column.",
         drop_not_null, on=AlterColumn),
    rule("DW145", ERROR, "identifier too long", "PostgreSQL silently cuts names over 63 "
         "bytes (two names can then clash); MySQL refuses names over 64.",
         "Use a shorter name.", identifier_too_long,
         on=(CreateTable, RenameTable, AddColumn, RenameColumn, CreateIndex, AddConstraint)),
)
