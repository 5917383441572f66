"""Operation -> SQL statements for a dialect, through Alembic's operations in offline
(``as_sql``) mode. One dispatch table keyed by operation type; SQLite's table rebuilds
come from Alembic's batch mode, fed the table as the neutral model knows it.

Pure: no connection is opened; Alembic writes each statement to a buffer.

>>> from dbwork.model import Column, Schema, Table
>>> from dbwork.dialects import get_dialect
>>> from dbwork.ops import AddColumn
>>> s = Schema.of(Table("users", (Column("id", "INTEGER", nullable=False),)))
>>> render(AddColumn("users", Column("age", "INTEGER")), s, get_dialect("postgresql"))
['ALTER TABLE users ADD COLUMN age INTEGER']
"""
from __future__ import annotations


from contextlib import contextmanager
from typing import Callable

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from ..dialects.base import Dialect, quote
from ..errors import UnsupportedError
from ..hooks import overridable
from ..model.schema import (Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table,
                            Unique)
from ..model.types import type_family
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropConstraint, DropIndex,
                              DropTable, Operation, RawSQL, RenameColumn, RenameConstraint,
                              RenameIndex,
                              RenameTable)
from ..ops.data_ops import BackupRows, RestoreRows
from .data import render_data
from .types import sa_type
from ..ops.comment_ops import SetColumnComment, SetTableComment
from ..ops.raw_ops import CreateExtension, DropExtension, SessionStatement
from ..ops.enum_ops import RenameEnum, RenameEnumValue
from ..ops.enum_ops import AddEnumValue, CreateEnum, DropEnum, RemoveEnumValue


class _StatementSink:
    """Alembic's offline output buffer: one write per statement."""

    def __init__(self):
        self.statements: list[str] = []

    def write(self, text: str) -> None:
        text = text.strip()
        if text.endswith(";"):
            text = text[:-1].rstrip()
        if text and text != "GO":
            self.statements.append(text)

    def flush(self) -> None:
        pass


def render(op: Operation, schema: Schema, dialect: Dialect) -> list[str]:
    """Statements that carry out ``op`` on a database whose schema is ``schema``."""
    if isinstance(op, (RawSQL, SessionStatement)):
        sql = op.sql.strip().rstrip(";").strip()
        return [sql] if sql else []
    if isinstance(op, (BackupRows, RestoreRows)):
        return render_data(op, schema, dialect)
    if isinstance(op, (CreateExtension, DropExtension)):
        return [op.statement(dialect)]
    if isinstance(op, (RenameEnum, RenameEnumValue)):
        return [_rename_enum(op, dialect)]
    if isinstance(op, RenameIndex):
        return [f"ALTER INDEX {quote(op.old, dialect)} RENAME TO {quote(op.new, dialect)}"]
    if isinstance(op, RenameConstraint):
        return [f"ALTER TABLE {quote(op.table, dialect)} RENAME CONSTRAINT {quote(op.old, dialect)} "
                f"TO {quote(op.new, dialect)}"]
    handler = _RENDERERS.get(type(op))
    if handler is None:
        raise UnsupportedError(f"{type(op).__name__} has no SQL renderer")
    sink = _StatementSink()
    ctx = MigrationContext.configure(
        dialect_name=dialect.alembic, opts={"as_sql": True, "output_buffer": sink},
        # statements run on a raw cursor without parameters: a "%" stays one "%"
        dialect_opts={"paramstyle": "named"})
    handler(Operations(ctx), op, schema, dialect)
    if isinstance(op, AddColumn):
        return placed_column(dialect, sink.statements, op, schema)
    return sink.statements


@overridable
def placed_column(dialect: Dialect, statements: list[str], op: AddColumn,
                  schema: Schema) -> list[str]:
    """The statements of an ADD COLUMN with the column put back where it stood
    (``op.position``); by default as rendered (MySQL adds ``FIRST`` / ``AFTER``)."""
    return statements


def _rename_enum(op, dialect: Dialect) -> str:
    if not dialect.enum_types:
        raise UnsupportedError("enum types are PostgreSQL's")
    if isinstance(op, RenameEnum):
        return f"ALTER TYPE {dialect.quote(op.old)} RENAME TO {dialect.quote(op.new)}"
    lit = lambda v: "'" + v.replace("'", "''") + "'"  # noqa: E731
    return f"ALTER TYPE {dialect.quote(op.name)} RENAME VALUE {lit(op.old)} TO {lit(op.new)}"


# -- model -> SQLAlchemy ---------------------------------------------------------------
def sa_column(c: Column, dialect: Dialect, primary_key: bool = False) -> sa.Column:
    kw = dict(nullable=c.nullable, autoincrement=bool(c.autoincrement), comment=c.comment)
    if c.default is not None:
        # colons escaped: a JSON default '{"a":1}' holds no bind parameter
        kw["server_default"] = sa.text(_default_text(c, dialect).replace(":", "\\:"))
    if primary_key:
        kw["primary_key"] = True
    args: list = []
    type_ = column_parts(dialect, c, sa_type(c.type, dialect), kw, args)
    return sa.Column(c.name, type_, *args, **kw)


@overridable
def column_parts(dialect: Dialect, c: Column, type_, kw: dict, args: list):
    """The SQLAlchemy type of ``c``, after adding to its keywords and arguments what
    ``dialect`` writes beyond the generic column (MySQL's ON UPDATE, PostgreSQL's
    identity or serial); by default nothing."""
    return type_


def _default_text(c: Column, dialect: Dialect) -> str:
    return default_text(dialect, c)


@overridable
def default_text(dialect: Dialect, c: Column) -> str:
    """``c``'s default as ``dialect`` accepts it (PostgreSQL wants TRUE/FALSE for a
    BOOLEAN, MySQL an expression in parentheses); by default as the model holds it."""
    return c.default


def _table_kw(t: Table, dialect: Dialect) -> dict:
    return table_options(dialect, t)


@overridable
def table_options(dialect: Dialect, t: Table) -> dict:
    """Engine options of ``t`` as Alembic's keywords (MySQL's ENGINE, CHARSET,
    COLLATE); by default none."""
    return {}


def sa_constraint(con, dialect: Dialect):
    if isinstance(con, PrimaryKey):
        return sa.PrimaryKeyConstraint(*con.columns, name=con.name)
    if isinstance(con, ForeignKey):
        return sa.ForeignKeyConstraint(
            list(con.columns), [f"{con.ref_table}.{c}" for c in con.ref_columns],
            name=con.name, ondelete=con.on_delete, onupdate=con.on_update)
    if isinstance(con, Unique):
        return sa.UniqueConstraint(*con.columns, name=con.name)
    return sa.CheckConstraint(sa.text(con.expression), name=con.name)


def sa_table(t: Table, schema: Schema, dialect: Dialect, md: sa.MetaData | None = None) -> sa.Table:
    """The table as SQLAlchemy sees it, with stub tables for its foreign-key targets."""
    md = md or sa.MetaData()
    for fk in t.foreign_keys:
        if fk.ref_table != t.name and fk.ref_table not in md.tables:
            target = schema.tables.get(fk.ref_table)
            cols = [sa.Column(c, _ref_type(target, c, dialect)) for c in fk.ref_columns]
            sa.Table(fk.ref_table, md, *cols)
    table = sa.Table(t.name, md, *[sa_column(c, dialect) for c in t.columns],
                     *[sa_constraint(c, dialect) for c in t.constraints()],
                     comment=t.comment)
    for i in t.indexes:
        sa.Index(i.name, *[table.c[c] for c in i.columns], unique=i.unique,
                 **_where_kw(i, dialect))
    return _in_declared_order(table)


def _in_declared_order(table: sa.Table) -> sa.Table:
    """SQLAlchemy keeps a table's constraints and indexes in plain sets, and Alembic's
    batch rebuild copies them in set order (by object id): the same rebuild could come
    out in another order from run to run, so a dry run would not be byte for byte
    what runs. Ordered sets (constraints as declared, indexes by name) make it
    deterministic."""
    from sqlalchemy.util import OrderedSet
    table.constraints = OrderedSet(sorted(table.constraints, key=lambda c: c._creation_order))
    table.indexes = OrderedSet(sorted(table.indexes, key=lambda i: i.name))
    return table


def _ref_type(target: Table | None, column: str, dialect: Dialect):
    if target is not None and target.has_column(column):
        return sa_type(target.column(column).type, dialect)
    return sa.Integer()


def _where_kw(i: Index, dialect: Dialect) -> dict:
    if not i.where:
        return {}
    if not dialect.partial_indexes:
        raise UnsupportedError(f"{dialect.name} has no partial indexes ({i.name} WHERE {i.where})")
    return {f"{dialect.alembic}_where": sa.text(i.where)}


@contextmanager
def _alter_target(op: Operations, t: Table, schema: Schema, dialect: Dialect,
                  recreate="auto"):
    """What to call alter_column/drop_column on. Where ALTER is native, Operations with
    the table name; on SQLite, Alembic's batch mode (a table rebuild where SQLite lacks
    the ALTER), fed the table as the model knows it."""
    if dialect.native_alter:
        yield _Bound(op, t.name)
        return
    copy_from = sa_table(t, schema, dialect)
    with op.batch_alter_table(t.name, copy_from=copy_from, recreate=recreate) as batch:
        yield batch


class _Bound:
    """Operations with the table name filled in, shaped like a batch operation."""

    def __init__(self, op: Operations, table: str):
        self.op, self.table = op, table

    def alter_column(self, name, **kw):
        self.op.alter_column(self.table, name, **kw)

    def drop_column(self, name, **kw):
        self.op.drop_column(self.table, name, **kw)

    def add_column(self, column, **kw):
        self.op.add_column(self.table, column)


# -- renderers, one per operation ------------------------------------------------------
def _create_table(op: Operations, o: CreateTable, schema, dialect):
    t = o.table
    op.create_table(t.name, *[sa_column(c, dialect) for c in t.columns],
                    *[sa_constraint(c, dialect) for c in t.constraints()],
                    comment=t.comment, **_table_kw(t, dialect))
    for i in t.indexes:
        _create_index(op, CreateIndex(i), schema, dialect)


def _drop_table(op: Operations, o: DropTable, schema, dialect):
    op.drop_table(o.table.name)


def _rename_table(op: Operations, o: RenameTable, schema, dialect):
    op.rename_table(o.old, o.new)


def _add_column(op: Operations, o: AddColumn, schema, dialect):
    t = schema.table(o.table)
    simple = o.column.nullable or o.column.default is not None
    recreate = "auto" if simple else "always"
    kw = {}
    if not dialect.native_alter and o.position is not None and o.position < len(t.columns):
        # SQLite rebuilds anyway: put the column back where it stood (lead's addition)
        recreate, kw = "always", {"insert_before": t.columns[o.position].name}
    with _alter_target(op, t, schema, dialect, recreate) as target:
        target.add_column(sa_column(o.column, dialect), **kw)


def _drop_column(op: Operations, o: DropColumn, schema, dialect):
    kw = drop_column_options(dialect, o.column)
    with _alter_target(op, schema.table(o.table), schema, dialect) as target:
        target.drop_column(o.column.name, **kw)


@overridable
def drop_column_options(dialect: Dialect, column: Column) -> dict:
    """Alembic's keywords for dropping ``column`` (SQL Server drops its default
    constraint first); by default none."""
    return {}


def _rename_column(op: Operations, o: RenameColumn, schema, dialect):
    col = schema.table(o.table).column(o.old)
    op.alter_column(o.table, o.old, new_column_name=o.new, **_existing(col, dialect))


def _alter_column(op: Operations, o: AlterColumn, schema, dialect):
    b, a = o.before, o.after
    kw = _existing(b, dialect)
    if a.type != b.type or o.using is not None:
        kw["type_"] = sa_type(a.type, dialect)
        kw.update(type_change_options(dialect, o))
    if a.nullable != b.nullable:
        kw["nullable"] = a.nullable
    if a.default != b.default:
        kw["server_default"] = sa.text(_default_text(a, dialect)) if a.default is not None else None
    if a.comment != b.comment:
        kw["comment"] = a.comment
    alter_column_options(dialect, o, kw)
    retyped_default = _enum_default_retyped(o, dialect)
    if retyped_default:
        # PostgreSQL keeps a default cast to the old type ('USD'::"Currency" stays on a
        # column changed to TEXT, so DROP TYPE then fails; text to an enum is refused):
        # drop the default first, set it again after the type change
        kw["server_default"] = sa.text(_default_text(a, dialect))
    with _alter_target(op, schema.table(o.table), schema, dialect) as target:
        if retyped_default:
            target.alter_column(b.name, server_default=None, existing_server_default=sa.text(
                b.default), existing_type=sa_type(b.type, dialect))
        target.alter_column(b.name, **kw)


@overridable
def type_change_options(dialect: Dialect, o: AlterColumn) -> dict:
    """Alembic's keywords for changing the column's type (PostgreSQL's USING);
    by default none."""
    return {}


@overridable
def alter_column_options(dialect: Dialect, o: AlterColumn, kw: dict) -> None:
    """Add to Alembic's ``alter_column`` keywords what ``dialect`` restates beyond
    the generic change (MySQL's ON UPDATE, PostgreSQL's serial default); by default
    nothing."""


def _enum_default_retyped(o: AlterColumn, dialect: Dialect) -> bool:
    """A PostgreSQL type change to or from an enum (type family 'other') of a column
    that has a default before and after."""
    b, a = o.before, o.after
    return (dialect.enum_types and a.type != b.type and
            b.default is not None and a.default is not None and
            "other" in (type_family(a.type), type_family(b.type)))


def _existing(c: Column, dialect: Dialect) -> dict:
    """MySQL's MODIFY/CHANGE restate the whole column: say what it is, or it is lost."""
    kw = dict(existing_type=sa_type(c.type, dialect), existing_nullable=c.nullable,
              existing_server_default=sa.text(c.default) if c.default is not None else None,
              existing_comment=c.comment)
    kw.update(restated_column(dialect, c))
    return kw


@overridable
def restated_column(dialect: Dialect, c: Column) -> dict:
    """Alembic's ``existing_*`` keywords beyond the generic ones, where an ALTER
    restates the whole column (MySQL's MODIFY/CHANGE); by default none."""
    return {}


def _create_index(op: Operations, o: CreateIndex, schema, dialect):
    i = o.index
    kw = _where_kw(i, dialect)
    if o.concurrently and dialect.concurrent_index:
        kw["postgresql_concurrently"] = True
    columns, built = index_build(i, dialect)
    op.create_index(i.name, i.table, columns, unique=i.unique, **kw, **built)


def index_build(i: Index, dialect: Dialect) -> tuple[list, dict]:
    """The columns (a name, or text with its sort order, operator class or prefix
    length) and keywords (method) that ``Index.options`` ask for on ``dialect``."""
    opts = dict(i.options)
    columns = []
    for c in i.columns:
        extra = index_column_suffix(dialect, c, opts)
        if opts.get(f"sort:{c}") == "DESC":
            extra += " DESC"
        columns.append(sa.text(dialect.quote(c) + extra) if extra else c)
    using = (opts.get("using") or "").lower()
    return columns, index_method_options(dialect, using)


@overridable
def index_column_suffix(dialect: Dialect, column: str, opts: dict) -> str:
    """What follows an index column's name for ``opts`` (MySQL's prefix length,
    PostgreSQL's operator class); by default nothing."""
    return ""


@overridable
def index_method_options(dialect: Dialect, using: str) -> dict:
    """Alembic's keywords for the index method ``using`` (lower case, or "");
    by default none."""
    return {}


def _drop_index(op: Operations, o: DropIndex, schema, dialect):
    kw = {"postgresql_concurrently": True} if o.concurrently and dialect.concurrent_index else {}
    op.drop_index(o.index.name, table_name=o.index.table, **kw)


CONSTRAINT_TYPE = {PrimaryKey: "primary", ForeignKey: "foreignkey", Unique: "unique",
                    Check: "check"}


def _add_constraint(op: Operations, o: AddConstraint, schema, dialect):
    if not dialect.native_alter:
        return _rebuild(op, o, schema, dialect)
    c = o.constraint
    if isinstance(c, PrimaryKey):
        op.create_primary_key(c.name or dialect.fit(f"pk_{o.table}"), o.table, list(c.columns))
    elif isinstance(c, ForeignKey):
        op.create_foreign_key(c.name, o.table, c.ref_table, list(c.columns),
                              list(c.ref_columns), ondelete=c.on_delete, onupdate=c.on_update)
    elif isinstance(c, Unique):
        op.create_unique_constraint(c.name, o.table, list(c.columns))
    else:
        op.create_check_constraint(c.name, o.table, sa.text(c.expression))


def _drop_constraint(op: Operations, o: DropConstraint, schema, dialect):
    if not dialect.native_alter:
        return _rebuild(op, o, schema, dialect)
    c = o.constraint
    if not c.name and not isinstance(c, PrimaryKey):
        raise UnsupportedError(f"cannot drop an unnamed constraint on {o.table} in {dialect.name}")
    drop_constraint(dialect, op, o, schema)


@overridable
def drop_constraint(dialect: Dialect, op: Operations, o: DropConstraint, schema: Schema) -> None:
    """Drop ``o.constraint`` (named, or a primary key) where ALTER is native; an
    unnamed primary key has the name PostgreSQL gives it."""
    c = o.constraint
    name = c.name or _pg_pkey_name(o.table, dialect)
    op.drop_constraint(name, o.table, type_=CONSTRAINT_TYPE[type(c)])


def _pg_pkey_name(table: str, dialect: Dialect) -> str:
    """The name PostgreSQL gives an unnamed primary key: ``<table>_pkey``, the table
    part cut (at a character boundary) so the whole fits in its identifier limit."""
    limit = (dialect.max_identifier or 10 ** 6) - len("_pkey")
    while dialect.identifier_length(table) > limit:
        table = table[:-1]
    return f"{table}_pkey"


def _rebuild(op: Operations, o: Operation, schema: Schema, dialect: Dialect):
    """Rebuild the table with the constraint set it has after ``o`` (SQLite)."""
    after = o.apply(schema).table(o.table)
    copy_from = sa_table(after, schema, dialect)
    with op.batch_alter_table(o.table, copy_from=copy_from, recreate="always"):
        pass


# -- enum types (PostgreSQL) and comments -------------------------------------------------
def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _execute(op: Operations, sql: str) -> None:
    """A statement as written: colons escaped, so no text is read as a bind parameter."""
    op.execute(sa.text(sql.replace(":", "\\:")))


def _enums_only_on_postgres(dialect: Dialect, what: str) -> None:
    if not dialect.enum_types:
        raise UnsupportedError(f"{what}: enum types exist only on PostgreSQL")


def _create_enum(op: Operations, o: CreateEnum, schema, dialect):
    _enums_only_on_postgres(dialect, "CREATE TYPE")
    values = ", ".join(_literal(v) for v in o.values)
    _execute(op, f"CREATE TYPE {quote(o.name, dialect)} AS ENUM ({values})")


def _drop_enum(op: Operations, o: DropEnum, schema, dialect):
    _enums_only_on_postgres(dialect, "DROP TYPE")
    _execute(op, f"DROP TYPE {quote(o.name, dialect)}")


def _add_enum_value(op: Operations, o: AddEnumValue, schema, dialect):
    _enums_only_on_postgres(dialect, "ALTER TYPE")
    where = (f" BEFORE {_literal(o.before)}" if o.before is not None else
             f" AFTER {_literal(o.after)}" if o.after is not None else "")
    _execute(op, f"ALTER TYPE {quote(o.name, dialect)} ADD VALUE {_literal(o.value)}{where}")


def _remove_enum_value(op: Operations, o: RemoveEnumValue, schema, dialect):
    """PostgreSQL cannot drop an enum value: check no row holds it (a clear error if one
    does), rename the type aside, create it again without the value, convert every
    column that uses it through text, and drop the old type."""
    _enums_only_on_postgres(dialect, "removing an enum value")
    q = lambda n: quote(n, dialect)  # noqa: E731
    old = dialect.fit(f"{o.name}__dbwork_old")
    users = schema.enum_users(o.name)
    for table, column in users:
        msg = (f"cannot remove value {o.value} from enum type {o.name}: "
               f"{table}.{column} holds it in ")
        _execute(op, "DO $$DECLARE n bigint; BEGIN "
                     f"SELECT count(*) INTO n FROM {q(table)} WHERE {q(column)} = "
                     f"{_literal(o.value)}::{q(o.name)}; "
                     f"IF n > 0 THEN RAISE EXCEPTION USING MESSAGE = {_literal(msg)} || n || "
                     "' row(s); change those rows first'; END IF; END$$")
    _execute(op, f"ALTER TYPE {q(o.name)} RENAME TO {q(old)}")
    _create_enum(op, CreateEnum(o.name, o.remaining), schema, dialect)
    for table, column in users:
        col = schema.table(table).column(column)
        if col.default is not None:
            _execute(op, f"ALTER TABLE {q(table)} ALTER COLUMN {q(column)} DROP DEFAULT")
        _execute(op, f"ALTER TABLE {q(table)} ALTER COLUMN {q(column)} TYPE {q(o.name)} "
                     f"USING {q(column)}::text::{q(o.name)}")
        if col.default is not None:
            _execute(op, f"ALTER TABLE {q(table)} ALTER COLUMN {q(column)} SET DEFAULT "
                         f"{col.default}")
    _execute(op, _retype_leftovers(q(old), q(o.name)))
    _execute(op, f"DROP TYPE {q(old)}")


def _retype_leftovers(old: str, new: str) -> str:
    """Columns the model does not show (backup tables of later migrations, made with
    CREATE TABLE ... AS SELECT) that still use the old type: move them to the new one,
    found in the catalog, so DROP TYPE does not fail on them."""
    return ("DO $$DECLARE r record; BEGIN FOR r IN SELECT c.relname, a.attname "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            f"WHERE a.atttypid = {_literal(old)}::regtype AND c.relkind = 'r' "
            "AND NOT a.attisdropped AND pg_table_is_visible(c.oid) LOOP "
            "EXECUTE 'ALTER TABLE ' || quote_ident(r.relname) || ' ALTER COLUMN ' || "
            f"quote_ident(r.attname) || ' TYPE ' || {_literal(new)} || ' USING ' || "
            f"quote_ident(r.attname) || '::text::' || {_literal(new)}; "
            "END LOOP; END$$")  # no format(): offline rendering doubles every %


def _no_comments_on_sqlite(dialect: Dialect) -> None:
    if not dialect.comments:
        raise UnsupportedError("SQLite keeps no comments on tables or columns")


def _set_table_comment(op: Operations, o: SetTableComment, schema, dialect):
    _no_comments_on_sqlite(dialect)
    set_table_comment(dialect, op, o)


@overridable
def set_table_comment(dialect: Dialect, op: Operations, o: SetTableComment) -> None:
    """Set (or, with ``o.after`` None, drop) a table's comment, as Alembic writes it."""
    if o.after is None:
        op.drop_table_comment(o.table, existing_comment=o.before)
    else:
        op.create_table_comment(o.table, o.after, existing_comment=o.before)


def _set_column_comment(op: Operations, o: SetColumnComment, schema, dialect):
    _no_comments_on_sqlite(dialect)
    set_column_comment(dialect, op, o, schema)


@overridable
def set_column_comment(dialect: Dialect, op: Operations, o: SetColumnComment,
                       schema: Schema) -> None:
    """Set a column's comment; by default an ALTER that restates the column."""
    from dataclasses import replace
    col = schema.table(o.table).column(o.column)
    _alter_column(op, AlterColumn(o.table, replace(col, comment=o.before),
                                  replace(col, comment=o.after)), schema, dialect)


def register_renderer(op_type: type, renderer: Callable) -> None:
    """Add the SQL renderer of an operation defined outside this module (safety's
    online and data-backup operations): ``renderer(operations, op, schema, dialect)``."""
    _RENDERERS.setdefault(op_type, renderer)


_RENDERERS: dict[type, Callable] = {
    CreateTable: _create_table, DropTable: _drop_table, RenameTable: _rename_table,
    AddColumn: _add_column, DropColumn: _drop_column, RenameColumn: _rename_column,
    AlterColumn: _alter_column, CreateIndex: _create_index, DropIndex: _drop_index,
    AddConstraint: _add_constraint, DropConstraint: _drop_constraint,
    CreateEnum: _create_enum, DropEnum: _drop_enum, AddEnumValue: _add_enum_value,
    RemoveEnumValue: _remove_enum_value, SetTableComment: _set_table_comment,
    SetColumnComment: _set_column_comment,
}
