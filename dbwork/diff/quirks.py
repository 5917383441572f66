"""Dialect quirks the diff asks about, as small hook functions (pure, no connection).

The questions are the ones :mod:`dbwork.introspect.compare` already answers for the
convergence tests ("is INT the same as INTEGER here?", "does a constraint named None
match PostgreSQL's auto-name?"); this module reuses them and adds the diff's own:
MySQL keeps a UNIQUE constraint as a unique index.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column
>>> same_column(Column("a", "INTEGER"), Column("a", "INTEGER", default="0"), get_dialect("sqlite"))
False
>>> same_column(Column("a", "NUMERIC(10, 2)", default="1.0"),
...             Column("a", "NUMERIC(10, 2)", default="1"), get_dialect("postgresql"))
True
"""
from __future__ import annotations

from dataclasses import replace

from ..dialects.base import Dialect
from ..introspect.compare import same_default, same_object, same_type
import sqlglot
from sqlglot import exp

from ..model.schema import Check, Column, Index, Table
from ..model.types import base_name, normalize_type


def same_column(want: Column, got: Column, dialect: Dialect) -> bool:
    """True when the live column ``got`` already is what ``want`` asks."""
    want = replace(want, type=normalize_type(want.type, dialect))
    got = replace(got, type=normalize_type(got.type, dialect))
    if want.autoincrement or got.autoincrement:
        # an identity/serial column's default is the engine's business
        return (same_type(want.type, got.type, dialect) and want.nullable == got.nullable
                and (want.comment or None) == (got.comment or None))
    return (same_type(want.type, got.type, dialect) and want.nullable == got.nullable
            and (same_default(want.default, got.default, want.type, dialect)
                 or same_bool_default(want.default, got.default, want.type))
            and (want.comment or None) == (got.comment or None))


def same_key(want, got, dialect: Dialect) -> bool:
    """Keys, indexes and checks: equal by fields; a name of None matches any name."""
    if isinstance(want, Check) and isinstance(got, Check):
        want = replace(want, expression=check_text(want.expression, dialect))
        got = replace(got, expression=check_text(got.expression, dialect))
    return same_object(want, got, dialect)


def check_text(text: str, dialect: Dialect) -> str:
    """One spelling for a check. PostgreSQL reports ``x IN ('a', 'b')`` as
    ``x = ANY (ARRAY['a', 'b']::text[])``: both become the IN form.

    >>> from dbwork.dialects import get_dialect
    >>> check_text("theme = ANY(CAST(ARRAY['light', 'dark'] AS TEXT[]))", get_dialect("postgresql"))
    "theme IN ('light', 'dark')"
    """
    if dialect.name != "postgresql" or "ANY" not in text.upper():
        return text
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except Exception:
        return text
    return tree.transform(_any_to_in).sql(dialect="postgres")


def _any_to_in(node):
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        inner = node.expression.this
        while isinstance(inner, (exp.Paren, exp.Cast)):
            inner = inner.this
        if isinstance(inner, exp.Array):
            return exp.In(this=node.this.copy(),
                          expressions=[e.copy() for e in inner.expressions])
    return node


_TRUE, _FALSE = {"TRUE", "1", "'1'", "'T'", "'TRUE'"}, {"FALSE", "0", "'0'", "'F'", "'FALSE'"}


def same_bool_default(want: str | None, got: str | None, type_: str) -> bool:
    """MariaDB keeps BOOLEAN as TINYINT(1): a default TRUE comes back as 1."""
    if want is None or got is None or base_name(type_) not in ("BOOLEAN", "TINYINT"):
        return False
    w, g = want.strip().upper(), got.strip().upper()
    return (w in _TRUE and g in _TRUE) or (w in _FALSE and g in _FALSE)


def fk_indexes(t: Table, dialect: Dialect) -> set[str]:
    """MySQL/MariaDB: the indexes a foreign key needs (its leading columns). The
    engine refuses to drop them while the key exists, so the diff leaves them be."""
    if dialect.name != "mysql":
        return set()
    out = set()
    for fk in t.foreign_keys:
        serving = [i for i in t.indexes if i.columns[:len(fk.columns)] == fk.columns]
        if len(serving) == 1:
            out.add(serving[0].name)
    return out


def desired_table(t: Table, dialect: Dialect) -> Table:
    """The desired table as ``dialect`` would store it. MySQL/MariaDB: a UNIQUE
    constraint is a unique index (its name may be None: the engine picks one)."""
    if dialect.name != "mysql" or not t.uniques:
        return t
    extra = tuple(Index(u.name, t.name, u.columns, unique=True) for u in t.uniques)
    return replace(t, uniques=(), indexes=t.indexes + extra)


def index_name(index: Index, taken: set[str]) -> str:
    """A name for an unnamed index, as MySQL would pick it (first column, then _2...)."""
    base = index.columns[0] if index.columns else f"{index.table}_idx"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name
