"""Lint rules, table-driven: each rule is one small pure function registered in
:data:`RULES` with an id, a severity, a title, why it matters and the safer way.

A rule function takes ``(op, ctx)`` (``scope="op"``, once per operation) or
``(None, ctx)`` (``scope="plan"``, once per plan) and returns a message, or None
when the rule does not apply. ``ctx`` holds the operations, the schema before the
operation, the dialect and the optional live :class:`~dbwork.plan.facts.Facts`.

Sources the rules follow: squawk's rules (require-concurrent-index-creation,
constraint-missing-not-valid, adding-required-field, changing-column-type,
renaming-column/table, require-timeout-settings, prefer-bigint, prefer-text-field,
prefer-timestamptz, ban-char-field, prefer-identity, ban-truncate-cascade,
transaction-nesting, adding-serial-primary-key-field, disallowed-unique-constraint,
adding-foreign-key-constraint), strong_migrations (removing/renaming columns and
tables, backfilling in batches, volatile defaults, NOT NULL via a CHECK) and Atlas's
analyzers (destructive changes, data-dependent changes, backward-incompatible renames,
MySQL non-transactional DDL).

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column, Schema, Table, Index
>>> s = Schema.of(Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT"))))
>>> from dbwork.ops import CreateIndex
>>> sorted(f.rule for f in lint_ops([CreateIndex(Index("ix", "t", ("a",)))], s, get_dialect("postgresql")))
['DW114', 'DW130', 'DW131']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..model.schema import Check, ForeignKey, PrimaryKey, Schema, Unique
from ..model.types import base_name, is_narrowing, type_params
from ..ops.data_ops import BackupRows, RestoreRows
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropConstraint, DropIndex,
                              DropTable, RawSQL, RenameColumn, RenameTable, _mentions)
from . import sqltext
from ..plan.facts import NO_FACTS, Facts

ERROR, WARNING, INFO = "error", "warning", "info"
_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    explanation: str
    alternative: str
    check: Callable
    scope: str = "op"                 # "op" or "plan"
    dialects: tuple[str, ...] = ()    # empty: every dialect


@dataclass(frozen=True)
class Finding:
    """One lint finding. ``str(f)`` is the one line that goes into warnings."""

    rule: str
    severity: str
    title: str
    message: str
    explanation: str
    alternative: str
    step: int | None = None           # 1-based index of the operation, None: whole plan

    def __str__(self) -> str:
        where = f" (operation {self.step})" if self.step else ""
        return f"{self.rule} {self.severity}: {self.message}{where}. Safer: {self.alternative}"


@dataclass
class Context:
    ops: list
    schema: Schema                    # before the operation being checked
    dialect: object
    facts: Facts = NO_FACTS
    index: int = 0                    # position of the operation in ops
    start: Schema = field(default_factory=Schema)   # before the whole plan

    def rows(self, table: str) -> int | None:
        return self.facts.row_count(table)

    def existed(self, table: str) -> bool:
        """Did the table exist before the plan (so it may hold rows)?"""
        return self.start.has_table(table)

    def raw(self) -> list[str]:
        return [op.sql for op in self.ops if isinstance(op, RawSQL)]


def _rows_note(ctx: Context, table: str) -> str:
    n = ctx.rows(table)
    return f" ({n} rows)" if n is not None else ""


# -- tables ---------------------------------------------------------------------------
def drop_table(op, ctx):
    if isinstance(op, DropTable):
        return f"drop table {op.table.name}{_rows_note(ctx, op.table.name)} deletes every row"


def rename_table(op, ctx):
    if isinstance(op, RenameTable):
        return f"rename table {op.old} to {op.new}: code that still uses {op.old} fails"


def rename_referenced_table(op, ctx):
    if isinstance(op, RenameTable):
        refs = sorted({t.name for t, _ in ctx.schema.referencing(op.old)})
        if refs:
            return f"table {op.old} is referenced by foreign keys from {', '.join(refs)}"


def create_table_no_pk(op, ctx):
    if isinstance(op, CreateTable) and op.table.primary_key is None:
        return f"table {op.table.name} has no primary key"


def prefer_bigint_pk(op, ctx):
    if isinstance(op, CreateTable) and op.table.primary_key:
        pk = op.table.primary_key.columns
        small = [c for c in pk if base_name(op.table.column(c).type) in ("INTEGER", "SMALLINT")]
        if len(pk) == 1 and small and op.table.column(small[0]).autoincrement:
            return f"{op.table.name}.{small[0]} is a 32-bit auto-increment key"


def prefer_identity(op, ctx):
    """PostgreSQL only: a serial column (``autoincrement`` without ``identity``). A
    column that already is ``GENERATED ... AS IDENTITY`` is what the rule asks for, and
    MySQL's AUTO_INCREMENT has no identity alternative (the rule is PostgreSQL-only)."""
    if isinstance(op, (CreateTable, AddColumn)):
        table = op.table.name if isinstance(op, CreateTable) else op.table
        cols = op.table.columns if isinstance(op, CreateTable) else (op.column,)
        serial = [f"{table}.{c.name}" for c in cols if c.autoincrement and not c.identity]
        if serial:
            return f"serial column(s) {', '.join(serial)} (a sequence, not an identity)"


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


# -- columns --------------------------------------------------------------------------
def drop_column(op, ctx):
    if isinstance(op, DropColumn):
        return (f"drop column {op.table}.{op.column.name}{_rows_note(ctx, op.table)}: "
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
        return not pa or (pb and pa[0] >= pb[0])
    if fb == fa == "NUMERIC":
        pb, pa = type_params(b), type_params(a)
        return not pa or (len(pb) == len(pa) and pb and pa[0] >= pb[0] and pa[1:] == pb[1:])
    return False


def pg_type_rewrite(op, ctx):
    if isinstance(op, AlterColumn) and op.before.type != op.after.type and \
            not _pg_rewrite_free(op.before.type, op.after.type):
        return (f"{op.table}.{op.before.name} {op.before.type} -> {op.after.type} rewrites "
                f"the table{_rows_note(ctx, op.table)} under ACCESS EXCLUSIVE")


def mysql_type_copy(op, ctx):
    if isinstance(op, AlterColumn) and op.before.type != op.after.type:
        same = base_name(op.before.type) == base_name(op.after.type) == "VARCHAR"
        if not same or is_narrowing(op.before.type, op.after.type):
            return (f"{op.table}.{op.before.name} type change copies the table "
                    f"(ALGORITHM=COPY){_rows_note(ctx, op.table)}")


def sqlite_rebuild(op, ctx):
    if isinstance(op, (AlterColumn, AddConstraint, DropConstraint)) or (
            isinstance(op, AddColumn) and not op.column.nullable and op.column.default is None):
        return f"{op.table} is rebuilt (copied into a new table){_rows_note(ctx, op.table)}"


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


_NAME_LIMIT = {"postgresql": 63, "mysql": 64, "mssql": 128}


def identifier_too_long(op, ctx):
    """PostgreSQL cuts names over 63 bytes without a word (two names can then clash,
    and the schema no longer matches the migration); MySQL refuses names over 64."""
    limit = _NAME_LIMIT.get(ctx.dialect.name)
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


# -- indexes and constraints ----------------------------------------------------------
def index_not_concurrent(op, ctx):
    if isinstance(op, CreateIndex) and not op.concurrently and ctx.existed(op.index.table):
        return (f"CREATE INDEX {op.index.name} on {op.index.table}"
                f"{_rows_note(ctx, op.index.table)} blocks writes while it builds")


def drop_index_not_concurrent(op, ctx):
    if isinstance(op, DropIndex) and not op.concurrently:
        return f"DROP INDEX {op.index.name} takes ACCESS EXCLUSIVE on {op.index.table}"


def index_blocks_writes(op, ctx):
    if isinstance(op, CreateIndex) and ctx.existed(op.index.table) and \
            ctx.facts.is_big(op.index.table):
        return f"index build on {op.index.table}{_rows_note(ctx, op.index.table)}"


def unique_index(op, ctx):
    if isinstance(op, CreateIndex) and op.index.unique and ctx.existed(op.index.table):
        return f"unique index {op.index.name} fails if {op.index.table} holds duplicates"


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
            return f"PRIMARY KEY on {op.table}{_rows_note(ctx, op.table)} builds a unique index under a lock"


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


# -- raw statements -------------------------------------------------------------------
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
            return f"one statement changes rows of {table}{_rows_note(ctx, table)}"


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


# -- whole plan -----------------------------------------------------------------------
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


# -- MongoDB (operations named by the document backend) -------------------------------
def _is(op, *names):
    return type(op).__name__ in names


def _coll(op):
    for a in ("collection", "name", "table", "old"):
        v = getattr(op, a, None)
        if isinstance(v, str):
            return v
    return "?"


def mongo_drop_collection(op, ctx):
    if _is(op, "DropCollection"):
        return f"drop collection {_coll(op)} and every document"


def mongo_rename_collection(op, ctx):
    if _is(op, "RenameCollection"):
        return f"rename collection {_coll(op)}: running code that uses it fails"


def mongo_validator(op, ctx):
    if _is(op, "SetValidator", "CollMod", "ChangeValidator", "AlterValidator"):
        return f"validator change on {_coll(op)}: existing documents may not match"


def mongo_unique_index(op, ctx):
    idx = getattr(op, "index", None)
    if _is(op, "CreateCollectionIndex", "CreateIndex") and \
            getattr(idx, "unique", getattr(op, "unique", False)):
        return f"unique index on {_coll(op)} fails over duplicate documents"


def mongo_unset(op, ctx):
    if _is(op, "UnsetField", "DropField", "RemoveField"):
        return f"remove field {getattr(op, 'field', '?')} from every document of {_coll(op)}"


def mongo_rename_field(op, ctx):
    if _is(op, "RenameField"):
        return f"rename field in {_coll(op)}: running code reads the old name"


def mongo_empty_filter(op, ctx):
    if _is(op, "UpdateMany", "DeleteMany", "UpdateDocuments", "DeleteDocuments") and \
            not getattr(op, "filter", None):
        return f"{type(op).__name__} on {_coll(op)} with an empty filter"


def mongo_ttl(op, ctx):
    idx = getattr(op, "index", None)
    opts = getattr(idx, "options", None) or getattr(op, "options", None) or {}
    if isinstance(opts, dict) and "expireAfterSeconds" in opts:
        return f"TTL index on {_coll(op)} deletes expired documents as soon as it exists"


def _rule(id, severity, title, explanation, alternative, check, scope="op", dialects=()):
    return Rule(id, severity, title, explanation, alternative, check, scope, tuple(dialects))


PG, MY, LITE, DOC = "postgresql", "mysql", "sqlite", "mongodb"

RULES: tuple[Rule, ...] = (
    _rule("DW101", ERROR, "drop table", "Every row of the table is deleted; code that "
          "reads it fails.", "Stop using the table in code first; rename it (e.g. "
          "t_deprecated) and drop it in a later release; dbwork keeps a backup for rollback.",
          drop_table),
    _rule("DW102", WARNING, "drop column", "The column's values are deleted, and running "
          "code (and ORMs that SELECT every column) fail until deployed without it.",
          "Deploy code that ignores the column first, then drop it in a later migration.",
          drop_column),
    _rule("DW103", ERROR, "narrowing type change", "Values longer or larger than the new "
          "type are cut, rounded or refused.", "Check the data first (dbwork does), or add "
          "a new column, backfill, switch code, then drop the old one.", narrowing_type),
    _rule("DW104", WARNING, "type change rewrites the table", "On PostgreSQL most type "
          "changes rewrite every row and its indexes under ACCESS EXCLUSIVE: no reads or "
          "writes meanwhile. VARCHAR growing, VARCHAR->TEXT and NUMERIC precision growing "
          "are exempt.", "Add a new column, backfill in batches, switch code, drop the old.",
          pg_type_rewrite, dialects=(PG,)),
    _rule("DW105", WARNING, "type change copies the table", "MySQL/MariaDB copies the "
          "whole table for most type changes (ALGORITHM=COPY), blocking writes.",
          "Use an online schema change tool (pt-online-schema-change, gh-ost), or a new "
          "column with a backfill.", mysql_type_copy, dialects=(MY,)),
    _rule("DW106", INFO, "SQLite table rebuild", "SQLite cannot alter columns or "
          "constraints in place: the table is copied into a new one, the old one dropped "
          "and the copy renamed, with the database write lock held throughout.",
          "Group changes to one table into one migration so it is rebuilt once.",
          sqlite_rebuild, dialects=(LITE,)),
    _rule("DW107", WARNING, "SET NOT NULL scans under a lock", "Setting NOT NULL checks "
          "every row while holding ACCESS EXCLUSIVE (PostgreSQL), or rebuilds (SQLite, MySQL).",
          "PostgreSQL 12+: ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE "
          "CONSTRAINT c; then SET NOT NULL (no scan) and drop the check.", set_not_null),
    _rule("DW108", ERROR, "NOT NULL column without default on an existing table",
          "Existing rows have no value for it: the statement fails (or SQLite's rebuild "
          "fails).", "Add it nullable (or with a default), backfill, then SET NOT NULL "
          "(migrate(..., online=True) does this).", add_required_column),
    _rule("DW109", WARNING, "volatile default", "A volatile default (now(), random(), "
          "gen_random_uuid()) must be computed per existing row: PostgreSQL 11+ rewrites the "
          "table under ACCESS EXCLUSIVE (only constant defaults are stored in the catalog "
          "and are instant).", "Add the column without a default, set the default (new "
          "rows only), backfill existing rows in batches.", volatile_default),
    _rule("DW110", WARNING, "default on PostgreSQL before 11", "Before PostgreSQL 11 any "
          "DEFAULT on ADD COLUMN rewrote the whole table, even a constant one.",
          "Add the column, then SET DEFAULT, then backfill in batches.",
          default_on_old_postgres, dialects=(PG,)),
    _rule("DW111", WARNING, "rename column", "Running application code still uses the "
          "old name and fails between the migration and its deployment.",
          "Add the new column, write to both, backfill, move reads, then drop the old one "
          "(or a view with the old name).", rename_column),
    _rule("DW112", WARNING, "rename table", "Running application code still uses the old "
          "name.", "Create the new table (or a view with the new name), move code, then "
          "drop the old one.", rename_table),
    _rule("DW113", WARNING, "rename a table referenced by foreign keys", "Foreign keys "
          "follow the rename in the database, but code, views and raw SQL naming the table "
          "do not; SQLite rewrites referencing tables too.", "Rename in a separate "
          "release, after every reader uses the new name.", rename_referenced_table),
    _rule("DW114", WARNING, "index without CONCURRENTLY", "CREATE INDEX takes a SHARE "
          "lock: writes to the table wait for the whole build.", "CREATE INDEX "
          "CONCURRENTLY (outside a transaction; migrate(..., online=True)).",
          index_not_concurrent, dialects=(PG,)),
    _rule("DW115", INFO, "index build on a big table", "Building an index on a big "
          "table takes long; on SQLite the database write lock is held, on MySQL metadata "
          "locks queue behind long transactions.", "Build it off-peak; on PostgreSQL use "
          "CONCURRENTLY.", index_blocks_writes),
    _rule("DW116", WARNING, "drop index without CONCURRENTLY", "DROP INDEX takes ACCESS "
          "EXCLUSIVE on the table.", "DROP INDEX CONCURRENTLY.", drop_index_not_concurrent,
          dialects=(PG,)),
    _rule("DW117", INFO, "unique index over existing rows", "A unique index fails when "
          "the rows hold duplicates (dbwork checks the data before applying).",
          "Remove duplicates first; build the index CONCURRENTLY.", unique_index),
    _rule("DW118", WARNING, "UNIQUE constraint builds an index under lock", "ADD "
          "CONSTRAINT UNIQUE builds its index while holding ACCESS EXCLUSIVE.",
          "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX.",
          unique_constraint, dialects=(PG,)),
    _rule("DW119", WARNING, "foreign key without an index", "Deletes and key updates on "
          "the referenced table scan the referencing table; joins are slow.",
          "Create an index on the foreign key's columns.", fk_without_index),
    _rule("DW120", WARNING, "foreign key without NOT VALID", "Adding a foreign key "
          "checks every row while blocking writes on both tables.", "ADD CONSTRAINT ... "
          "NOT VALID, then VALIDATE CONSTRAINT in a second step (online=True).",
          fk_not_valid, dialects=(PG,)),
    _rule("DW121", WARNING, "CHECK without NOT VALID", "Adding a CHECK scans every row "
          "under ACCESS EXCLUSIVE.", "ADD CONSTRAINT ... CHECK (...) NOT VALID, then "
          "VALIDATE CONSTRAINT (online=True).", check_not_valid, dialects=(PG,)),
    _rule("DW122", INFO, "foreign key over existing rows", "The constraint fails when "
          "rows point at nothing (dbwork counts orphans before applying).",
          "Fix or delete orphans first.", fk_needs_data),
    _rule("DW123", WARNING, "primary key on a table with rows", "Adding a primary key "
          "builds a unique index and (PostgreSQL) checks NOT NULL under ACCESS EXCLUSIVE.",
          "CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX.", add_pk_big),
    _rule("DW124", WARNING, "drop primary key", "Replication, upserts and dbwork's "
          "restore-by-key all need a key.", "Replace the key in one migration (add the new "
          "one first).", drop_pk),
    _rule("DW125", INFO, "drop a constraint", "The database stops protecting this rule; "
          "bad rows can arrive and block re-adding it.", "Make sure code enforces it, or "
          "replace the constraint in the same migration.", drop_fk_or_unique),
    _rule("DW126", ERROR, "drop a primary key column", "The table loses its identity; "
          "dbwork cannot restore dropped values by key.", "Add a new key first.",
          drop_pk_column),
    _rule("DW127", INFO, "drop an indexed column", "Indexes and constraints on the "
          "column go with it (dbwork drops them first and restores them on rollback).",
          "Check that no query relies on them.", drop_indexed_column),
    _rule("DW128", ERROR, "drop a column referenced by foreign keys", "The referencing "
          "foreign keys must go first.", "Drop the foreign keys in an earlier migration.",
          drop_referenced_column),
    _rule("DW129", WARNING, "type change of an indexed column", "Every index on the "
          "column is rebuilt with the table.", "Plan the time (estimate below) or use a new "
          "column.", type_change_indexed),
    _rule("DW130", WARNING, "no lock_timeout", "A statement that waits for a lock "
          "(behind one long transaction) blocks every query queued after it.",
          "Start the migration with SET lock_timeout = '2s' and retry on timeout.",
          missing_lock_timeout, scope="plan", dialects=(PG,)),
    _rule("DW131", INFO, "no statement_timeout", "A runaway statement holds its locks "
          "until it ends.", "SET statement_timeout for the migration.",
          missing_statement_timeout, scope="plan", dialects=(PG,)),
    _rule("DW132", INFO, "32-bit auto-increment key", "INTEGER keys run out at 2^31; "
          "changing the type later rewrites the table.", "Use BIGINT.", prefer_bigint_pk),
    _rule("DW133", INFO, "serial column rather than identity", "SERIAL/BIGSERIAL makes a "
          "separate sequence with its own permissions that copies badly; identity columns "
          "are the SQL standard.",
          "GENERATED BY DEFAULT AS IDENTITY.", prefer_identity, dialects=(PG,)),
    _rule("DW134", INFO, "TIMESTAMP without time zone", "Values are ambiguous across "
          "time zones.", "TIMESTAMPTZ.", prefer_timestamptz, dialects=(PG,)),
    _rule("DW135", INFO, "VARCHAR(n) on PostgreSQL", "A length limit is no faster than "
          "TEXT and changing it later may lock the table.", "TEXT with a CHECK on length.",
          prefer_text, dialects=(PG,)),
    _rule("DW136", INFO, "CHAR(n)", "CHAR pads values with spaces and compares "
          "surprisingly.", "VARCHAR or TEXT.", ban_char),
    _rule("DW137", WARNING, "table without primary key", "Rows cannot be addressed one by "
          "one: replication, upserts and dbwork's restore-by-key need a key.",
          "Declare a primary key.", create_table_no_pk),
    _rule("DW138", WARNING, "auto-increment column on an existing table", "Every existing "
          "row gets a value: the table is rewritten under lock.", "Add a nullable column, "
          "backfill in batches, then add the default/identity.", add_serial_column),
    _rule("DW139", WARNING, "enum change", "PostgreSQL's ALTER TYPE ... ADD VALUE cannot "
          "be used in the same transaction (and before 12 not run in one); MySQL rewrites "
          "the table for an ENUM change other than appending.", "Add enum values in their "
          "own migration, append only; or use a lookup table.", enum_change),
    _rule("DW140", INFO, "json rather than jsonb", "json keeps text: no equality operator, "
          "no indexes, slower reads.", "jsonb.", prefer_jsonb, dialects=(PG,)),
    _rule("DW141", WARNING, "NOT NULL column loses its default", "Inserts that omit the "
          "column (older code) fail.", "Drop the default only after every writer sets "
          "the column.", drop_default_not_null),
    _rule("DW142", WARNING, "type change of a foreign-key column", "Both sides of a "
          "foreign key must keep compatible types; the constraint is re-checked.",
          "Change both sides in one migration.", type_change_fk),
    _rule("DW143", INFO, "check constraint uses a dropped column", "The check goes with "
          "the column.", "Check that the rule is enforced elsewhere.",
          check_mentions_dropped),
    _rule("DW144", INFO, "drop NOT NULL", "Code that reads the column may assume it "
          "always has a value.", "Make readers handle NULL before relaxing the column.",
          drop_not_null),
    _rule("DW145", ERROR, "identifier too long", "PostgreSQL silently cuts names over 63 "
          "bytes (two names can then clash); MySQL refuses names over 64.",
          "Use a shorter name.", identifier_too_long),
    _rule("DW201", ERROR, "UPDATE without WHERE", "Every row is changed.",
          "Add a WHERE clause; for big tables update in batches.", update_no_where),
    _rule("DW202", ERROR, "DELETE without WHERE", "Every row is deleted.",
          "Add a WHERE clause; dbwork backs the rows up when it can.", delete_no_where),
    _rule("DW203", ERROR, "TRUNCATE", "Every row is deleted, without row-level triggers; "
          "MySQL cannot roll it back.", "DELETE with a WHERE (backed up), or rename the "
          "table away.", truncate),
    _rule("DW204", WARNING, "statement dbwork cannot model", "Lint, data checks and "
          "automatic rollback cannot see inside it.", "Write it as modelled DDL, or give "
          "an explicit '-- migrate:down' and review it by hand.", unmodelled),
    _rule("DW205", ERROR, "DROP DATABASE / SCHEMA", "Everything in it is gone.",
          "Never in a migration.", drop_database),
    _rule("DW206", WARNING, "DDL and data changes mixed on MySQL", "MySQL commits every "
          "DDL statement: a failure leaves the data changes half done with no transaction "
          "to undo them.", "Put data changes in their own migration.", mysql_mixed,
          scope="plan", dialects=(MY,)),
    _rule("DW207", WARNING, "one big data change", "A single UPDATE/DELETE over a big "
          "table holds row locks and bloats the log until it ends.", "Change rows in "
          "batches (by key ranges) in separate transactions.", big_dml),
    _rule("DW208", INFO, "data change", "Rows are changed; the rollback needs the old "
          "values.", "dbwork backs up the rows the WHERE selects, or give an explicit "
          "down section.", dml_without_down),
    _rule("DW209", INFO, "INSERT without a column list", "It breaks as soon as the "
          "table's columns change.", "Name the columns.", insert_without_columns),
    _rule("DW210", WARNING, "heavy maintenance command", "VACUUM FULL, CLUSTER and "
          "REINDEX (without CONCURRENTLY) hold ACCESS EXCLUSIVE.", "pg_repack, REINDEX "
          "CONCURRENTLY.", heavy_maintenance, dialects=(PG,)),
    _rule("DW211", ERROR, "transaction control in a migration", "dbwork runs the "
          "migration in its own transaction; BEGIN/COMMIT break atomicity and history.",
          "Remove BEGIN/COMMIT.", transaction_nesting),
    _rule("DW212", ERROR, "TRUNCATE ... CASCADE", "Tables that reference it are emptied "
          "too.", "Truncate each table explicitly.", truncate_cascade),
    _rule("DW213", ERROR, "DROP ... CASCADE", "Dependent objects (views, foreign keys) "
          "are dropped silently.", "Drop dependents explicitly.", drop_cascade),
    _rule("DW214", INFO, "many tables locked at once", "Locks on several busy tables in one "
          "transaction raise the chance of deadlocks and long queues.",
          "Split the migration.", many_locking, scope="plan"),
    _rule("DW301", ERROR, "drop collection", "Every document is deleted.",
          "Rename it away and drop it later; dbwork keeps a backup.",
          mongo_drop_collection, dialects=(DOC,)),
    _rule("DW302", WARNING, "validator tightening", "Existing documents that do not match "
          "fail their next update (validationLevel strict).", "Count non-matching "
          "documents first (dbwork does); use validationLevel moderate, then fix them.",
          mongo_validator, dialects=(DOC,)),
    _rule("DW303", WARNING, "unique index over duplicates", "The build fails when "
          "documents share the key.", "Find duplicates with $group first.",
          mongo_unique_index, dialects=(DOC,)),
    _rule("DW304", WARNING, "rename collection", "Running code still uses the old name.",
          "Copy, dual-write, switch, drop.", mongo_rename_collection, dialects=(DOC,)),
    _rule("DW305", ERROR, "remove a field from every document", "Values are gone.",
          "Back the field up (dbwork does) or stop reading it first.", mongo_unset,
          dialects=(DOC,)),
    _rule("DW306", WARNING, "rename a field", "Running code reads the old name.",
          "Write both names, backfill, switch, remove.", mongo_rename_field,
          dialects=(DOC,)),
    _rule("DW307", ERROR, "update/delete with an empty filter", "Every document is hit.",
          "Give a filter.", mongo_empty_filter, dialects=(DOC,)),
    _rule("DW308", WARNING, "TTL index on existing data", "Documents already past their "
          "expiry are deleted right after the index is built.", "Check the oldest "
          "documents first.", mongo_ttl, dialects=(DOC,)),
)

RULES_BY_ID = {r.id: r for r in RULES}
assert len(RULES_BY_ID) == len(RULES), "duplicate rule id"


def _applies(rule: Rule, dialect) -> bool:
    return not rule.dialects or dialect.name in rule.dialects


def lint_ops(ops, schema: Schema, dialect, facts: Facts = NO_FACTS,
             skip: tuple[str, ...] = ()) -> list[Finding]:
    """Findings for ``ops`` planned on ``schema`` (pure), most severe first."""
    ops = [op for op in ops if not isinstance(op, (BackupRows, RestoreRows))]
    out: list[Finding] = []
    ctx = Context(ops, schema, dialect, facts, 0, schema)
    for i, op in enumerate(ops):
        ctx.index, ctx.schema = i, schema
        out += _run(op, ctx, i + 1, "op", skip)
        try:
            schema = op.apply(schema)
        except Exception:
            pass
    ctx.schema = schema
    out += _run(None, ctx, None, "plan", skip)
    return sorted(out, key=lambda f: (_SEVERITY_ORDER[f.severity], f.step or 0, f.rule))


def _run(op, ctx, step, scope, skip) -> list[Finding]:
    found = []
    for rule in RULES:
        if rule.scope != scope or rule.id in skip or not _applies(rule, ctx.dialect):
            continue
        msg = rule.check(op, ctx)
        if msg:
            found.append(Finding(rule.id, rule.severity, rule.title, msg,
                                 rule.explanation, rule.alternative, step))
    return found
