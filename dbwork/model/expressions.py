"""SQL expressions (defaults, checks, index predicates) in one canonical spelling, so
that what a person wrote and what a database reports compare equal. Pure.

>>> from dbwork.dialects import get_dialect
>>> canonical_sql("(age >= 0)", get_dialect("sqlite"))
'age >= 0'
"""
from __future__ import annotations

import re

import sqlglot

from ..dialects.base import Dialect

# a trailing cast (::text, ::"Role"[], ::character varying(20)); never the "]" that
# closes ARRAY['a'::text]
_PG_CAST = re.compile(r"::[\w\s\".]+(\(\d+(,\s*\d+)?\))?(\[\])?$")


def normalize_default(text: str | None, dialect: Dialect) -> str | None:
    """One spelling per default, so parsed and reflected defaults compare equal.

    >>> from dbwork.dialects import get_dialect
    >>> normalize_default("'active'::character varying", get_dialect("postgresql"))
    "'active'"
    """
    if text is None:
        return None
    text = text.strip()
    if dialect.name == "postgresql":
        while _PG_CAST.search(text) and not text.endswith("'"):
            text = _PG_CAST.sub("", text).strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1]
    if dialect.name == "mysql" and text.upper() == "NULL":
        return None
    return canonical_sql(text, dialect)


def canonical_sql(text: str, dialect: Dialect) -> str:
    """An expression as sqlglot writes it for ``dialect`` (falls back to the text).
    Cached: a catalog repeats the same few defaults and checks thousands of times."""
    key = (text, dialect.name)
    hit = _CANONICAL.get(key)
    if hit is None:
        hit = _CANONICAL[key] = _canonical_sql(text, dialect)
    return hit


_CANONICAL: dict[tuple[str, str], str] = {}


def _canonical_sql(text: str, dialect: Dialect) -> str:
    try:
        node = sqlglot.parse_one(text, read=dialect.sqlglot)
    except Exception:
        return text
    while isinstance(node, sqlglot.exp.Paren):
        node = node.this
    if dialect.name == "postgresql":
        node = node.transform(_drop_reported_cast)
    return node.sql(dialect=dialect.sqlglot)


_TEXTUAL = {"TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "BPCHAR"}


def _drop_reported_cast(node):
    """PostgreSQL reports ``(status)::text = 'new'::text`` for ``status = 'new'``: the
    casts it adds to text and to literals are noise, not meaning."""
    if isinstance(node, sqlglot.exp.Cast):
        inner = node.this
        while isinstance(inner, sqlglot.exp.Paren):
            inner = inner.this
        kind = node.to.this  # a DataType.Type, or a str for a type sqlglot does not know
        textual = getattr(kind, "name", kind) in _TEXTUAL
        if isinstance(inner, sqlglot.exp.Literal) or (textual and isinstance(inner, sqlglot.exp.Column)):
            return inner.copy()
    return node
