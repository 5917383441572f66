"""SQL expressions (defaults, checks, index predicates) in one canonical spelling, so
that what a person wrote and what a database reports compare equal. Pure.

>>> from dbwork.dialects import get_dialect
>>> canonical_sql("(age >= 0)", get_dialect("sqlite"))
'age >= 0'
"""
from __future__ import annotations


import sqlglot

from ..dialects.base import Dialect
from ..hooks import overridable

def normalize_default(text: str | None, dialect: Dialect) -> str | None:
    """One spelling per default, so parsed and reflected defaults compare equal.

    >>> from dbwork.dialects import get_dialect
    >>> normalize_default("'active'::character varying", get_dialect("postgresql"))
    "'active'"
    """
    if text is None:
        return None
    text = unwrap_reported_default(dialect, text.strip())
    if dialect.null_default_is_none and text.upper() == "NULL":
        return None
    return canonical_sql(text, dialect)


@overridable
def unwrap_reported_default(dialect: Dialect, text: str) -> str:
    """A default as the engine reports it, without what the engine adds (PostgreSQL's
    trailing casts and parentheses); by default as reported."""
    return text


@overridable
def drop_reported_casts(dialect: Dialect, node):
    """A parsed expression without the casts the engine adds when it reports one
    (PostgreSQL's); by default unchanged."""
    return node


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
    return drop_reported_casts(dialect, node).sql(dialect=dialect.sqlglot)
