"""Backups for data statements: before an UPDATE or DELETE runs, copy the rows its
WHERE selects (whole rows, with the primary key) into ``_dbwork_bak_<version>_<n>``;
the rollback writes them back (UPDATE by key for rows still there, INSERT for rows
that are gone) and only then drops the backup.

:func:`add_dml_backups` is a pure plan pass: it replaces each such RawSQL (with no
explicit rollback of its own) by ``BackupChangedRows`` + the statement made
reversible. Statements it cannot back up (no primary key, an UPDATE that changes the
key, a statement it cannot read) are left as they are.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column, PrimaryKey, Schema, Table
>>> from dbwork.ops import RawSQL
>>> s = Schema.of(Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT")), PrimaryKey(("id",))))
>>> ops = add_dml_backups([RawSQL("DELETE FROM t WHERE a IS NULL", None, ("t",))], s, get_dialect("sqlite"), "1")
>>> [o.describe() for o in ops]
['back up rows of t that the next statement changes into _dbwork_bak_1_1', 'run: DELETE FROM t WHERE a IS NULL']
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from ..model.schema import Schema
from ..ops.schema_ops import Operation, RawSQL
from ..render.data import quote, verify_restore
from . import sqltext


def backup_name(version: str, n: int) -> str:
    return f"_dbwork_bak_{version}_{n}"


@dataclass(frozen=True)
class BackupChangedRows(Operation):
    """Copy the rows of ``table`` matching ``where`` (SQL text, None = all)."""

    table: str
    backup: str
    where: str | None
    kind = "additive"

    def apply(self, schema):
        return schema

    def reverse(self):
        return DropBackup(self.table, self.backup)

    def describe(self):
        return f"back up rows of {self.table} that the next statement changes into {self.backup}"

    def tables(self):
        return (self.table, self.backup)


@dataclass(frozen=True)
class DropBackup(Operation):
    table: str
    backup: str
    kind = "changing"

    def apply(self, schema):
        return schema

    def reverse(self):
        return BackupChangedRows(self.table, self.backup, None)

    def describe(self):
        return f"drop backup {self.backup}"


@dataclass(frozen=True)
class RestoreChangedRows(Operation):
    """Write the backed-up rows back: by key where the row exists, else insert."""

    table: str
    backup: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    kind = "data"

    def apply(self, schema):
        return schema

    def reverse(self):
        from .online import Nothing
        return Nothing(self.table, "restore needs no undo")

    def describe(self):
        return f"restore rows of {self.table} from {self.backup}"


@dataclass(frozen=True)
class BackedUpStatement(Operation):
    """A data statement whose rows were backed up: its inverse is the restore."""

    sql: str
    table: str
    backup: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    kind = "data"

    def apply(self, schema):
        return schema

    def reverse(self):
        return RestoreChangedRows(self.table, self.backup, self.key, self.columns)

    def describe(self):
        return RawSQL(self.sql).describe()

    def tables(self):
        return (self.table,)


def add_dml_backups(ops, schema: Schema, dialect, version: str, start: int = 0) -> list:
    """``ops`` with a backup before each UPDATE/DELETE that has no rollback (pure)."""
    out: list = []
    for op in ops:
        made = _backed_up(op, schema, dialect, backup_name(version, start + len(out) + 1))
        out += made
        for m in made:
            schema = m.apply(schema)
    return out


def _backed_up(op, schema, dialect, name) -> list:
    if not isinstance(op, RawSQL) or op.reverse_sql is not None:
        return [op]
    kind = sqltext.statement_kind(op.sql, dialect)
    table = sqltext.target_table(op.sql, dialect)
    if kind not in ("update", "delete") or not table or not schema.has_table(table):
        return [op]
    t = schema.table(table)
    if not t.primary_key:
        return [op]
    tree = sqltext.tree(op.sql, dialect)
    if kind == "update" and _sets_key(tree, t.primary_key.columns):
        return [op]
    where = tree.args.get("where")
    where_sql = where.this.sql(dialect=dialect.sqlglot) if where is not None else None
    cols = tuple(c.name for c in t.columns)
    return [BackupChangedRows(table, name, where_sql),
            BackedUpStatement(op.sql, table, name, t.primary_key.columns, cols)]


def _sets_key(tree, key) -> bool:
    for eq in tree.expressions:
        left = eq.this if isinstance(eq, exp.EQ) else None
        if isinstance(left, exp.Column) and left.name in key:
            return True
    return False


# -- renderers (every SQL dialect) -----------------------------------------------------
def _render_backup(op, o: BackupChangedRows, schema, d):
    where = f" WHERE {o.where}" if o.where else ""
    op.execute(f"CREATE TABLE {quote(o.backup, d)} AS SELECT * FROM {quote(o.table, d)}{where}")


def _render_drop_backup(op, o: DropBackup, schema, d):
    op.execute(f"DROP TABLE {quote(o.backup, d)}")


def _render_statement(op, o: BackedUpStatement, schema, d):
    op.execute(o.sql.strip().rstrip(";"))


def _render_restore(op, o: RestoreChangedRows, schema, d):
    t, b = quote(o.table, d), quote(o.backup, d)
    values = [c for c in o.columns if c not in o.key]
    on = " AND ".join(f"{t}.{quote(k, d)} = bak.{quote(k, d)}" for k in o.key)
    if values:
        if d.name == "mysql":
            sets = ", ".join(f"{t}.{quote(c, d)} = bak.{quote(c, d)}" for c in values)
            op.execute(f"UPDATE {t} JOIN {b} AS bak ON {on} SET {sets}")
        else:
            sets = ", ".join(f"{quote(c, d)} = bak.{quote(c, d)}" for c in values)
            op.execute(f"UPDATE {t} SET {sets} FROM {b} AS bak WHERE {on}")
    cols = ", ".join(quote(c, d) for c in o.columns)
    bcols = ", ".join(f"bak.{quote(c, d)}" for c in o.columns)
    op.execute(f"INSERT INTO {t} ({cols}) SELECT {bcols} FROM {b} AS bak WHERE NOT EXISTS "
               f"(SELECT 1 FROM {t} WHERE {on})")
    for st in verify_restore(o.table, o.backup, o.columns, o.key, d, present=True):
        op.execute(st)


def register_renderers() -> None:
    from ..render import sql as render_sql
    render_sql.register_renderer(BackupChangedRows, _render_backup)
    render_sql.register_renderer(DropBackup, _render_drop_backup)
    render_sql.register_renderer(BackedUpStatement, _render_statement)
    render_sql.register_renderer(RestoreChangedRows, _render_restore)


register_renderers()
