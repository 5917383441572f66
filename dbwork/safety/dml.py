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
from ..render.data import quote, update_from_backup, verify_restore
from ..lint import sqltext


def backup_name(version: str, n: int) -> str:
    return f"_dbwork_bak_{version}_{n}"


@dataclass(frozen=True)
class BackupChangedRows(Operation):
    """Copy the rows of ``table`` matching ``where`` (SQL text, None = all)."""

    table: str
    backup: str
    where: str | None
    columns: tuple[str, ...] = ()   # () = every column
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
    """Write the backed-up rows back: by key where the row exists, else insert.
    ``delete_new``: first delete the rows whose key the backup does not hold (the
    rows an INSERT added; the backup then holds the whole table as it was)."""

    table: str
    backup: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    delete_new: bool = False
    kind = "data"

    def apply(self, schema):
        return schema

    def reverse(self):
        from ..plan.online import Nothing
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
    delete_new: bool = False   # an INSERT: its rollback deletes the keys it added
    kind = "data"

    def apply(self, schema):
        return schema

    def reverse(self):
        return RestoreChangedRows(self.table, self.backup, self.key, self.columns,
                                  self.delete_new)

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
    if kind not in ("update", "delete", "insert") or not table or not schema.has_table(table):
        return [op]
    t = schema.table(table)
    key = _restore_key(t)
    if not key:
        return [op]
    tree = sqltext.tree(op.sql, dialect)
    if kind == "update" and _sets_key(tree, key):
        return [op]
    cols = tuple(c.name for c in t.columns)
    if kind == "insert":  # the keys as they were: the rollback deletes new keys; with
        # ON CONFLICT (an upsert) whole rows, to write back the ones it updated
        kept = cols if tree.args.get("conflict") else key
        return [BackupChangedRows(table, name, None, kept if kept != cols else ()),
                BackedUpStatement(op.sql, table, name, key, kept, delete_new=True)]
    return [BackupChangedRows(table, name, _backup_where(tree, dialect)),
            BackedUpStatement(op.sql, table, name, key, cols)]


def _restore_key(t) -> tuple[str, ...]:
    """The primary key, else the first unique key over NOT NULL columns (a Prisma
    many-to-many table has only a unique index on its two columns)."""
    if t.primary_key:
        return t.primary_key.columns
    for cols in [u.columns for u in t.uniques] + [i.columns for i in t.indexes if i.unique
                                                    and not i.where]:
        if cols and all(not t.column(c).nullable for c in cols):
            return tuple(cols)
    return ()


def _backup_where(tree, dialect) -> str | None:
    """The WHERE that selects the rows the statement changes, as a condition on the
    bare table; None (back up every row) when it names an alias or other tables
    (``UPDATE t AS a ... FROM u WHERE a.x = u.y``, ``DELETE ... USING``, a ``WITH``
    query the condition reads)."""
    target = tree.this
    if tree.args.get("with") or tree.args.get("with_") or tree.args.get("from") or tree.args.get("from_") or tree.args.get("using") or \
            tree.args.get("joins") or (isinstance(target, exp.Table) and target.alias):
        return None
    where = tree.args.get("where")
    return where.this.sql(dialect=dialect.sqlglot) if where is not None else None


def _sets_key(tree, key) -> bool:
    for eq in tree.expressions:
        left = eq.this if isinstance(eq, exp.EQ) else None
        if isinstance(left, exp.Column) and left.name in key:
            return True
    return False


# -- renderers (every SQL dialect) -----------------------------------------------------
def _render_backup(op, o: BackupChangedRows, schema, d):
    from ..render.data import _enum_columns
    where = f" WHERE {o.where}" if o.where else ""
    enums = _enum_columns(schema, o.table, d)  # kept as text: a backup never pins a type
    cols = o.columns or (tuple(c.name for c in schema.table(o.table).columns)
                         if enums else ())
    picks = ", ".join(f"{quote(c, d)}::text{'[]' if enums[c].endswith('[]') else ''} "
                      f"AS {quote(c, d)}" if c in enums else quote(c, d)
                      for c in cols) or "*"
    op.execute(f"CREATE TABLE {quote(o.backup, d)} AS SELECT {picks} FROM "
               f"{quote(o.table, d)}{where}")


def _render_drop_backup(op, o: DropBackup, schema, d):
    op.execute(f"DROP TABLE {quote(o.backup, d)}")


def _render_statement(op, o: BackedUpStatement, schema, d):
    op.execute(o.sql.strip().rstrip(";"))


def _render_restore(op, o: RestoreChangedRows, schema, d):
    from ..render.data import _enum_columns
    t, b = quote(o.table, d), quote(o.backup, d)
    enums = _enum_columns(schema, o.table, d)
    values = [c for c in o.columns if c not in o.key]
    on = " AND ".join(f"{t}.{quote(k, d)} = bak.{quote(k, d)}" +
                      (f"::{enums[k]}" if k in enums else "") for k in o.key)
    if o.delete_new:
        op.execute(f"DELETE FROM {t} WHERE NOT EXISTS (SELECT 1 FROM {b} AS bak WHERE {on})")
    if values:
        op.execute(update_from_backup(d, t, b, on, values, enums))
    if o.delete_new and set(o.columns) == set(o.key):
        return  # keys only (a plain INSERT): nothing else to write back
    cols = ", ".join(quote(c, d) for c in o.columns)
    bcols = ", ".join(f"bak.{quote(c, d)}" + (f"::{enums[c]}" if c in enums else "")
                      for c in o.columns)
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
