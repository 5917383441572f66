"""SQLAlchemy models -> the neutral Schema they describe (pure: no connection).

Accepts a ``MetaData`` or a declarative ``Base`` (anything with ``.metadata``). Types
are compiled for the target dialect and folded into dbwork's neutral spelling, so the
desired schema compares with the live one as the parser's does.

>>> import sqlalchemy as sa
>>> from dbwork.dialects import get_dialect
>>> md = sa.MetaData()
>>> _ = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
...              sa.Column("email", sa.String(200), nullable=False, unique=True))
>>> t = schema_from_metadata(md, get_dialect("postgresql")).table("users")
>>> [(c.name, c.type, c.nullable) for c in t.columns], t.uniques[0].columns
([('id', 'INTEGER', False), ('email', 'VARCHAR(200)', False)], ('email',))
"""
from __future__ import annotations

import sqlalchemy as sa

from ..dialects.base import Dialect
from ..errors import ConfigError
from ..model.expressions import canonical_sql, normalize_default
from ..model.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..model.types import normalize_type


def metadata_of(target) -> sa.MetaData:
    """The MetaData of a MetaData, a declarative Base or a mapped class."""
    if isinstance(target, sa.MetaData):
        return target
    md = getattr(target, "metadata", None)
    if isinstance(md, sa.MetaData):
        return md
    raise ConfigError(f"not SQLAlchemy models: {type(target).__name__} has no MetaData")


def schema_from_metadata(metadata, dialect: Dialect) -> Schema:
    """The neutral schema that ``metadata`` (or a declarative Base) describes."""
    md = metadata_of(metadata)
    sa_dialect = sa.dialects.registry.load(dialect.alembic or "sqlite")()
    return Schema.of(*(_table(t, dialect, sa_dialect) for t in md.sorted_tables))


def renames_from_metadata(metadata) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Rename hints written as ``info={"renamed_from": "old"}`` on a Table or Column:
    (old table -> new, (table, old column) -> new)."""
    tables, columns = {}, {}
    for t in metadata_of(metadata).sorted_tables:
        if t.info.get("renamed_from"):
            tables[t.info["renamed_from"]] = t.name
        for c in t.columns:
            if c.info.get("renamed_from"):
                columns[(t.name, c.info["renamed_from"])] = c.name
    return tables, columns


def _name(con) -> str | None:
    name = getattr(con, "name", None)
    return str(name) if isinstance(name, str) and name else None


def _table(t: sa.Table, dialect: Dialect, sa_dialect) -> Table:
    pk = t.primary_key
    return Table(
        name=t.name,
        columns=tuple(_column(c, t, dialect, sa_dialect) for c in t.columns),
        primary_key=PrimaryKey(tuple(c.name for c in pk.columns), _name(pk))
        if len(pk.columns) else None,
        foreign_keys=tuple(_foreign_key(fk) for fk in t.foreign_key_constraints),
        uniques=tuple(Unique(tuple(c.name for c in u.columns), _name(u))
                      for u in t.constraints if isinstance(u, sa.UniqueConstraint)),
        checks=tuple(Check(canonical_sql(_sql(c.sqltext, sa_dialect), dialect), _name(c))
                     for c in t.constraints if isinstance(c, sa.CheckConstraint)
                     and not getattr(c, "_type_bound", False)),
        indexes=tuple(_index(i, t, dialect, sa_dialect) for i in sorted(
            t.indexes, key=lambda i: str(i.name)) if all(
                isinstance(e, sa.Column) for e in i.expressions)),
        comment=t.comment,
    )


def _column(c: sa.Column, t: sa.Table, dialect: Dialect, sa_dialect) -> Column:
    auto = t.autoincrement_column is c and dialect.reports_autoincrement
    return Column(
        name=c.name,
        type=normalize_type(c.type.compile(dialect=sa_dialect), dialect),
        nullable=bool(c.nullable),
        default=None if auto else _default(c, dialect, sa_dialect),
        autoincrement=auto,
        comment=c.comment,
    )


def _default(c: sa.Column, dialect: Dialect, sa_dialect) -> str | None:
    d = c.server_default
    if d is None or not hasattr(d, "arg"):
        return None
    arg = d.arg
    if isinstance(arg, str):
        text = "'" + arg.replace("'", "''") + "'"
    else:
        text = _sql(arg, sa_dialect)
    return normalize_default(text, dialect)


def _sql(clause, sa_dialect) -> str:
    if isinstance(clause, str):
        return clause
    return str(clause.compile(dialect=sa_dialect, compile_kwargs={"literal_binds": True}))


def _foreign_key(fk: sa.ForeignKeyConstraint) -> ForeignKey:
    ref = fk.elements[0].column.table.name
    return ForeignKey(tuple(c.name for c in fk.columns), ref,
                      tuple(e.column.name for e in fk.elements), _name(fk),
                      _action(fk.ondelete), _action(fk.onupdate))


def _action(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.upper()
    return None if value in ("NO ACTION", "RESTRICT") else value


def _index(i: sa.Index, t: sa.Table, dialect: Dialect, sa_dialect) -> Index:
    where = i.dialect_options.get(dialect.alembic or "", {}).get("where") \
        if dialect.alembic in ("postgresql", "sqlite") else None
    return Index(str(i.name), t.name, tuple(c.name for c in i.expressions), bool(i.unique),
                 canonical_sql(_sql(where, sa_dialect), dialect) if where is not None else None)
