"""Neutral type -> SQLAlchemy type object for a dialect.

Integer types become SQLAlchemy's own types (so SERIAL, AUTO_INCREMENT and IDENTITY
render as each dialect expects); every other type renders as the exact text this
dialect's type table gives, so no library rewrites it behind our back.

>>> from dbwork.dialects import get_dialect
>>> sa_type("VARCHAR(255)", get_dialect("sqlite")).compile()
'VARCHAR(255)'
>>> sa_type("BLOB", get_dialect("postgresql")).compile()
'BYTEA'
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.types import UserDefinedType

from ..dialects.base import Dialect
from ..model.types import base_name

_INTEGERS = {"INTEGER": sa.Integer, "BIGINT": sa.BigInteger, "SMALLINT": sa.SmallInteger}


class LiteralType(UserDefinedType):
    """A column type that renders as fixed text."""

    cache_ok = True

    def __init__(self, text: str):
        self.text = text

    def get_col_spec(self, **kw) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"LiteralType({self.text!r})"


_UNSIZED = {"BYTEA"}   # takes no length: BINARY(16) written for PostgreSQL is BYTEA


def type_text(neutral: str, dialect: Dialect) -> str:
    """The text ``dialect`` writes for a neutral type."""
    if neutral in dialect.type_names:
        return dialect.type_names[neutral]
    base = base_name(neutral)
    if base in dialect.type_names and neutral.startswith(base):
        name = dialect.type_names[base]
        return name if name in _UNSIZED else name + neutral[len(base):]
    return neutral


def sa_type(neutral: str, dialect: Dialect) -> sa.types.TypeEngine:
    if neutral in _INTEGERS:
        return _INTEGERS[neutral]()
    return LiteralType(type_text(neutral, dialect))
