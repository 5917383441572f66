"""Column values to BSON values and back, and one fingerprint per value that both sides
of a copy compute alike (the checksum is a sum of row fingerprints). Pure.

A column's neutral type decides the BSON type (see :data:`BSON_TYPES`): integers stay
integers, NUMERIC becomes Decimal128 (or text, or a double, as the design says),
timestamps and dates become BSON dates (milliseconds, UTC), TIME and UUID text, JSON
its parsed value.

>>> to_bson("2024-01-02 10:00:00.123456", "TIMESTAMP")
datetime.datetime(2024, 1, 2, 10, 0, 0, 123000)
>>> to_bson("9.50", "NUMERIC(10, 2)", decimals="string"), to_bson(1, "BOOLEAN")
('9.50', True)
>>> row_hash(("a", 1)) == row_hash(("a", 1)), row_hash(("a", 1)) == row_hash((1, "a"))
(True, False)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from ..copy.canon import canonical   # exact: normalize() would round to 28 digits

from .. import values as sql_values

DECIMAL_MODES = ("decimal128", "string", "double")
MASK = (1 << 64) - 1


def bson_type(type_text: str, decimals: str = "decimal128") -> str | None:
    """The $jsonSchema bsonType name of a column type (None: any JSON value).

    >>> bson_type("VARCHAR(20)"), bson_type("BIGINT"), bson_type("JSONB")
    ('string', 'int', None)
    """
    kind = sql_values.kind_of(type_text)
    if type_text.endswith("[]"):
        return "array"
    if kind == "decimal":
        return {"decimal128": "decimal", "string": "string", "double": "double"}[decimals]
    return BSON_TYPES.get(kind, "string")


BSON_TYPES = {"int": "int", "bool": "bool", "float": "double", "datetime": "date",
              "date": "date", "time": "string", "json": None, "uuid": "string",
              "bytes": "binData", "enum": "string", "text": "string"}


def to_bson(value, type_text: str, decimals: str = "decimal128"):
    """A value as a SQL driver returned it, as the BSON value the design stores."""
    if value is None:
        return None
    if type_text.endswith("[]"):
        return [to_bson(v, type_text[:-2], decimals) for v in value]
    kind = sql_values.kind_of(type_text)
    if (kind == "int" and type(value) is int) or (kind == "float" and type(value) is float):
        return value                                   # the common case, as the driver gave it
    v = sql_values.canonical(value, type_text)
    if kind == "decimal":
        return _decimal(v, decimals)
    if kind == "datetime":
        return _millis(v)
    if kind == "date":
        return dt.datetime(v.year, v.month, v.day)
    if kind == "time":
        return v.isoformat()
    return v


def _decimal(v: Decimal, mode: str):
    if mode == "string":
        return str(v)
    if mode == "double":
        return float(v)
    from bson import Decimal128
    return Decimal128(v)


def _millis(v: dt.datetime) -> dt.datetime:
    return v.replace(microsecond=v.microsecond // 1000 * 1000)


def fingerprint(value) -> str:
    """One value's text for the checksum: its kind and its content, so ``1`` and
    ``"1"`` differ, while an int and a long (or a naive UTC time and the aware one a
    server returns) agree.

    >>> fingerprint(1), fingerprint("1"), fingerprint(None)
    ('i:1', 's:1', '-')
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, float):
        return f"f:{value!r}"
    if isinstance(value, Decimal):
        return f"d:{canonical(value, 'numeric')}"
    if isinstance(value, dt.datetime):
        return f"t:{_utc(value).isoformat()}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"x:{bytes(value).hex()}"
    if isinstance(value, str):
        return f"s:{value}"
    if isinstance(value, (dict, list)):
        return "j:" + json.dumps(_plain(value), sort_keys=True, default=fingerprint)
    return _other(value)


def _other(value) -> str:
    name = type(value).__name__
    if name == "Decimal128":
        return f"d:{canonical(value.to_decimal(), 'numeric')}"
    if name == "ObjectId":
        return f"s:{value}"
    if name == "Int64":
        return f"i:{int(value)}"
    return f"{name}:{value}"


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return fingerprint(value)


def _utc(v: dt.datetime) -> dt.datetime:
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return _millis(v)


def row_hash(fingerprints) -> int:
    """A 64-bit hash of one row's fingerprints, in column order."""
    text = "\x1f".join(f if isinstance(f, str) else fingerprint(f) for f in fingerprints)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class Checksum:
    """An order-independent checksum: the count of rows and the sum of their hashes
    (mod 2**64), so rows read in any order give the same value.

    >>> a, b = Checksum(), Checksum()
    >>> a.add(("x", 1)); a.add(("y", 2)); b.add(("y", 2)); b.add(("x", 1))
    >>> a == b, a.rows
    (True, 2)
    """

    def __init__(self):
        self.rows, self.total = 0, 0

    def add(self, values) -> None:
        self.add_fingerprints([fingerprint(v) for v in values])

    def add_fingerprints(self, fingerprints) -> None:
        self.rows += 1
        self.total = (self.total + row_hash(fingerprints)) & MASK

    def __eq__(self, other) -> bool:
        return isinstance(other, Checksum) and (self.rows, self.total) == (other.rows, other.total)

    def __repr__(self) -> str:
        return f"Checksum(rows={self.rows}, sum={self.total:016x})"
