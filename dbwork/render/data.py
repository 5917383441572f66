"""SQL for the row-moving operations (backup and restore), per dialect.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Schema
>>> from dbwork.ops.data_ops import BackupRows
>>> render_data(BackupRows("t", "_dbwork_bak_1_1", ("id", "a"), ("id",)), Schema(), get_dialect("sqlite"))
['CREATE TABLE _dbwork_bak_1_1 AS SELECT id, a FROM t', 'CREATE INDEX _dbwork_bak_1_1_key ON _dbwork_bak_1_1 (id)']
"""
from __future__ import annotations

from sqlglot import exp

from ..dialects.base import Dialect
from ..model.schema import Schema
from ..ops.data_ops import BackupRows, RestoreRows


def quote(name: str, dialect: Dialect) -> str:
    """An identifier, quoted only where the dialect needs it."""
    return exp.to_identifier(name).sql(dialect=dialect.sqlglot)


def render_data(op, schema: Schema, dialect: Dialect) -> list[str]:
    if isinstance(op, BackupRows):
        return _backup(op, dialect)
    return _restore(op, schema, dialect)


def _backup(op: BackupRows, d: Dialect) -> list[str]:
    q = lambda n: quote(n, d)  # noqa: E731
    cols = ", ".join(q(c) for c in op.columns)
    if d.name == "mssql":  # T-SQL has no CREATE TABLE ... AS
        out = [f"SELECT {cols} INTO {q(op.backup)} FROM {q(op.table)}"]
    else:
        out = [f"CREATE TABLE {q(op.backup)} AS SELECT {cols} FROM {q(op.table)}"]
    if op.key:
        keys = ", ".join(q(c) for c in op.key)
        out.append(f"CREATE INDEX {q(op.backup + '_key')} ON {q(op.backup)} ({keys})")
    return out


def _restore(op: RestoreRows, schema: Schema, d: Dialect) -> list[str]:
    q = lambda n: quote(n, d)  # noqa: E731
    t, b = q(op.table), q(op.backup)
    if not op.key:
        cols = ", ".join(q(c) for c in op.columns)
        out = [f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {b}"]
        out += _reset_sequences(op, schema, d)
    else:
        values = [c for c in op.columns if c not in op.key]
        on = " AND ".join(f"{t}.{q(k)} = bak.{q(k)}" for k in op.key)
        if d.name == "mysql":
            sets = ", ".join(f"{t}.{q(c)} = bak.{q(c)}" for c in values)
            out = [f"UPDATE {t} JOIN {b} AS bak ON {on} SET {sets}"]
        else:
            sets = ", ".join(f"{q(c)} = bak.{q(c)}" for c in values)
            out = [f"UPDATE {t} SET {sets} FROM {b} AS bak WHERE {on}"]
    out.append(f"DROP TABLE {b}")
    return out


def _reset_sequences(op: RestoreRows, schema: Schema, d: Dialect) -> list[str]:
    """After re-inserting rows with their ids, move PostgreSQL's serial sequences past
    them, or the next insert would collide."""
    if d.name != "postgresql" or not schema.has_table(op.table):
        return []
    out = []
    for c in schema.table(op.table).columns:
        if c.autoincrement:
            col = quote(c.name, d)
            out.append(
                f"SELECT setval(pg_get_serial_sequence('{op.table}', '{c.name}'), "
                f"COALESCE(MAX({col}), 0) + 1, false) FROM {quote(op.table, d)}")
    return out
