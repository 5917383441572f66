"""Values by column type: seed text and database values read into one canonical Python
form, so a seed row and a live row compare equal when they mean the same. Pure.

>>> kind_of("VARCHAR(20)"), kind_of("NUMERIC(10, 2)"), kind_of("TIMESTAMPTZ")
('text', 'decimal', 'datetime')
>>> canonical("2024-01-02", "DATE"), canonical("1.50", "NUMERIC(10, 2)"), canonical(1, "BOOLEAN")
(datetime.date(2024, 1, 2), Decimal('1.50'), True)
>>> canonical("US  ", "CHAR(2)")
'US'
"""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from functools import lru_cache
from decimal import Decimal, InvalidOperation

_LENGTH = re.compile(r"\((\d+)\)")
_KINDS = (  # first match wins: name prefixes of neutral types
    ("int", ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "INT", "SERIAL", "BIGSERIAL",
             "SMALLSERIAL", "MEDIUMINT")),
    ("bool", ("BOOLEAN", "BOOL", "BIT")),
    ("decimal", ("NUMERIC", "DECIMAL", "MONEY")),
    ("float", ("DOUBLE", "FLOAT", "REAL")),
    ("datetime", ("TIMESTAMPTZ", "TIMESTAMP", "DATETIME")),
    ("date", ("DATE",)),
    ("time", ("TIME",)),
    ("json", ("JSON", "JSONB")),
    ("uuid", ("UUID",)),
    ("bytes", ("BLOB", "BYTEA", "VARBINARY", "BINARY")),
    ("enum", ("ENUM",)),
)
_TRUE = {"1", "t", "true", "y", "yes", "on"}
_FALSE = {"0", "f", "false", "n", "no", "off"}


@lru_cache(maxsize=1024)  # a schema has a few types; asked once per value
def kind_of(type_text: str) -> str:
    """int, bool, decimal, float, datetime, date, time, json, uuid, bytes, enum or text."""
    upper = (type_text or "").upper().strip()
    base = re.split(r"[\s(]", upper, maxsplit=1)[0]
    if upper == "TINYINT(1)":
        return "bool"   # MySQL's BOOLEAN
    for kind, names in _KINDS:
        if base in names:
            return kind
    return "text"


@lru_cache(maxsize=1024)
def max_length(type_text: str) -> int | None:
    """VARCHAR(40) -> 40; None when the type has no length limit."""
    if kind_of(type_text) != "text":
        return None
    m = _LENGTH.search(type_text or "")
    return int(m.group(1)) if m else None


def enum_values(type_text: str, enums: dict | None = None) -> tuple[str, ...] | None:
    """The allowed values of a MySQL ENUM('a', 'b') or a PostgreSQL enum type."""
    if enums and type_text in enums:
        return tuple(enums[type_text])
    return _inline_enum(type_text)


@lru_cache(maxsize=1024)
def _inline_enum(type_text: str) -> tuple[str, ...] | None:
    if kind_of(type_text) == "enum":
        return tuple(re.findall(r"'((?:[^']|'')*)'", type_text))
    return None


def canonical(value, type_text: str):
    """``value`` (text from a CSV, or what a driver returned) in the canonical form of
    its column's type. Raises ValueError with a short reason when it cannot be one."""
    if value is None:
        return None
    kind = kind_of(type_text)
    return _READERS.get(kind, _text)(value, type_text)


def _int(v, t):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not v.is_integer():
        raise ValueError(f"{v!r} is not a whole number")
    if isinstance(v, (int, float, Decimal)):
        return int(v)
    try:
        return int(str(v).strip())
    except ValueError:
        raise ValueError(f"{v!r} is not a whole number") from None


def _bool(v, t):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, Decimal)) and v in (0, 1):
        return bool(v)
    if isinstance(v, bytes) and len(v) == 1:
        return v != b"\x00"
    text = str(v).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{v!r} is not true or false")


def _decimal(v, t):
    try:
        return Decimal(str(v).strip()) if not isinstance(v, Decimal) else v
    except InvalidOperation:
        raise ValueError(f"{v!r} is not a number") from None


def _float(v, t):
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{v!r} is not a number") from None


def _datetime(v, t):
    if isinstance(v, dt.datetime):
        out = v
    elif isinstance(v, dt.date):
        out = dt.datetime(v.year, v.month, v.day)
    else:
        try:
            out = dt.datetime.fromisoformat(str(v).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{v!r} is not a date and time (ISO 8601)") from None
    if out.tzinfo is not None:  # compare instants: UTC, without the zone
        out = out.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return out


def _date(v, t):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        raise ValueError(f"{v!r} is not a date (YYYY-MM-DD)") from None


def _time(v, t):
    if isinstance(v, dt.time):
        return v
    if isinstance(v, dt.timedelta):  # PyMySQL returns TIME as a timedelta
        return (dt.datetime.min + v).time()
    try:
        return dt.time.fromisoformat(str(v).strip())
    except ValueError:
        raise ValueError(f"{v!r} is not a time (HH:MM:SS)") from None


def _json(v, t):
    if isinstance(v, (bytes, bytearray)):
        v = v.decode()
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            raise ValueError(f"{v!r} is not JSON") from None
    return v


def _uuid(v, t):
    try:
        return str(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v).strip()))
    except ValueError:
        raise ValueError(f"{v!r} is not a UUID") from None


def _bytes(v, t):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    return str(v).encode()


def _text(v, t):
    if isinstance(v, (bytes, bytearray)):
        v = v.decode()
    text = v if isinstance(v, str) else str(v)
    return text.rstrip(" ") if (t or "").upper().startswith("CHAR") else text


_READERS = {"int": _int, "bool": _bool, "decimal": _decimal, "float": _float,
            "datetime": _datetime, "date": _date, "time": _time, "json": _json,
            "uuid": _uuid, "bytes": _bytes}


def to_driver(value, type_text: str):
    """A canonical value as a driver takes it (JSON as text)."""
    if value is None:
        return None
    if kind_of(type_text) == "json":
        return json.dumps(value, sort_keys=True)
    return value
