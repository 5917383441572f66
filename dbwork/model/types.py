"""Neutral column types: one canonical spelling per type, owned by dbwork.

sqlglot parses the type text a person or a database writes; this module folds its
answer into a canonical name with parameters, then applies the dialect's aliases.
(sqlglot alone maps some types wrongly for some dialects, e.g. VARCHAR(255) written for
SQLite comes out as TEXT(255); so rendering a neutral type back to text is ours too.)

>>> from dbwork.dialects import get_dialect
>>> normalize_type("character varying(20)", get_dialect("postgresql"))
'VARCHAR(20)'
>>> normalize_type("int", get_dialect("sqlite"))
'INTEGER'
"""
from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError

from ..dialects.base import Dialect

# sqlglot type -> neutral name (absent: sqlglot's own upper-case name)
_CANONICAL = {
    "INT": "INTEGER", "MEDIUMINT": "INTEGER", "UINT": "INTEGER",
    "DECIMAL": "NUMERIC", "BIGDECIMAL": "NUMERIC",
    "NVARCHAR": "VARCHAR", "NCHAR": "CHAR",
    "VARBINARY": "BLOB", "BINARY": "BLOB", "LONGBLOB": "BLOB", "MEDIUMBLOB": "BLOB",
    "TINYBLOB": "BLOB", "BYTEA": "BLOB",
    "DOUBLE": "DOUBLE", "FLOAT": "FLOAT", "REAL": "REAL",
    "DATETIME": "DATETIME", "TIMESTAMPTZ": "TIMESTAMPTZ", "TIMESTAMP": "TIMESTAMP",
    "UUID": "UUID", "JSON": "JSON", "JSONB": "JSONB",
}
INTEGER_TYPES = {"TINYINT", "SMALLINT", "MEDIUMINT", "INTEGER", "BIGINT"}
_SERIALS = {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT", "SMALLSERIAL": "SMALLINT"}
SERIAL_TYPES = frozenset(_SERIALS)


_PLAIN = Dialect("neutral", None, None, True, "")


def normalize_type(text: str, dialect: Dialect) -> str:
    """Canonical neutral spelling of a type written for ``dialect``."""
    key = (text, dialect.name)
    hit = _NORMALIZED.get(key)
    if hit is None:
        hit = _NORMALIZED[key] = _normalize_type(text, dialect)
    return hit


_NORMALIZED: dict[tuple[str, str], str] = {}  # introspection asks the same few types again


def _normalize_type(text: str, dialect: Dialect) -> str:
    raw = " ".join(text.strip().split())
    upper = raw.upper()
    if upper in dialect.type_aliases:
        return dialect.type_aliases[upper]
    try:
        dt = exp.DataType.build(raw, dialect=dialect.sqlglot or None, udt=True)
    except (SqlglotParseError, ValueError):
        return upper
    return normalize_datatype(dt, dialect, raw)


def normalize_datatype(dt: exp.DataType, dialect: Dialect, raw: str | None = None) -> str:
    """Canonical neutral spelling of a parsed sqlglot type."""
    name = _type_name(dt, dialect)
    if name is None:  # user-defined type (a PostgreSQL enum, a domain)
        return raw or dt.sql()
    name = dialect.type_aliases.get(name, name)
    params = _params(dt)
    out = f"{name}({', '.join(params)})" if params else name
    return dialect.type_aliases.get(out, out)


def is_serial(text: str) -> bool:
    """True for PostgreSQL's SERIAL family, which means integer + autoincrement."""
    return text.strip().upper() in _SERIALS


def serial_base(text: str) -> str:
    return _SERIALS[text.strip().upper()]


def type_family(neutral: str) -> str:
    """'integer', 'text', 'numeric', 'time', 'bool', 'binary', 'json' or 'other'."""
    base = base_name(neutral)
    if base in INTEGER_TYPES:
        return "integer"
    for family, names in _FAMILIES.items():
        if base in names:
            return family
    return "other"


_FAMILIES = {
    "text": {"VARCHAR", "CHAR", "TEXT", "MEDIUMTEXT", "LONGTEXT", "TINYTEXT"},
    "numeric": {"NUMERIC", "FLOAT", "REAL", "DOUBLE"},
    "time": {"DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "DATETIME"},
    "bool": {"BOOLEAN"},
    "binary": {"BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY"},
    "json": {"JSON", "JSONB"},
}


def base_name(neutral: str) -> str:
    return re.split(r"[(\s\[]", neutral, maxsplit=1)[0].upper()


def type_params(neutral: str) -> tuple[int, ...]:
    """Numeric parameters: ``type_params('NUMERIC(10, 2)') == (10, 2)``."""
    m = re.search(r"\(([^)]*)\)", neutral)
    if not m:
        return ()
    out = []
    for p in m.group(1).split(","):
        p = p.strip()
        if p.isdigit():
            out.append(int(p))
    return tuple(out)


def _type_name(dt: exp.DataType, dialect: Dialect = _PLAIN) -> str | None:
    if dt.this == exp.DataType.Type.USERDEFINED:
        return None
    if dt.this == exp.DataType.Type.ARRAY:
        inner = dt.expressions[0] if dt.expressions else None
        return f"{normalize_datatype(inner, _PLAIN)}[]" if inner is not None else "ARRAY"
    if not isinstance(dt.this, exp.DataType.Type):
        return str(dt.this).upper()  # a type sqlglot keeps as text (oid, regclass, ...)
    name = dt.this.name
    if name in dialect.native_types:
        return name
    if name in _SERIALS:
        return _SERIALS[name]
    return _CANONICAL.get(name, name)


def _params(dt: exp.DataType) -> list[str]:
    if dt.this in (exp.DataType.Type.ARRAY,):
        return []
    return [p.sql() for p in dt.expressions]


_INT_RANK = {"TINYINT": 1, "SMALLINT": 2, "MEDIUMINT": 2.5, "INTEGER": 3, "BIGINT": 4}
_WIDENS_TO = {("integer", "numeric"), ("integer", "text"), ("numeric", "text"),
              ("bool", "integer"), ("time", "text"), ("bool", "text"), ("json", "text")}


def is_narrowing(before: str, after: str) -> bool:
    """Could changing a column from ``before`` to ``after`` lose or alter values?

    >>> is_narrowing("VARCHAR(255)", "VARCHAR(20)"), is_narrowing("INTEGER", "BIGINT")
    (True, False)
    >>> is_narrowing("VARCHAR(20)", "TEXT"), is_narrowing("TEXT", "INTEGER")
    (False, True)
    """
    if before == after:
        return False
    fb, fa = type_family(before), type_family(after)
    if fb != fa:
        return (fb, fa) not in _WIDENS_TO
    bb, ba = base_name(before), base_name(after)
    if fb == "integer":
        return _INT_RANK.get(ba, 0) < _INT_RANK.get(bb, 0)
    if fb == "text":
        if ba in ("TEXT", "MEDIUMTEXT", "LONGTEXT"):
            return False
        if bb in ("TEXT", "MEDIUMTEXT", "LONGTEXT"):
            return True
        pb, pa = type_params(before), type_params(after)
        return bool(pb and pa and pa[0] < pb[0]) or (bool(pb) is False and bool(pa))
    if fb == "numeric":
        pb, pa = type_params(before), type_params(after)
        if bb == "NUMERIC" and ba == "NUMERIC" and pb and pa:
            return pa[0] < pb[0] or (len(pa) > 1 and len(pb) > 1 and pa[1] < pb[1])
        return (bb, ba) not in {("REAL", "DOUBLE"), ("FLOAT", "DOUBLE"), ("REAL", "FLOAT")}
    if fb == "binary" and bb in _BLOB_RANK and ba in _BLOB_RANK:
        return _BLOB_RANK[ba] < _BLOB_RANK[bb]
    return True


_BLOB_RANK = {"TINYBLOB": 1, "BLOB": 2, "MEDIUMBLOB": 3, "LONGBLOB": 4}
