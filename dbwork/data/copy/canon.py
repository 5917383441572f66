"""Values in one canonical spelling, so the same data hashes alike on SQLite, PostgreSQL
and MariaDB, and an order-independent checksum over every row of a table. Pure.

Numbers of every kind become normalised decimal text (1, 1.0 and Decimal('1.00') are
'1'; a 4-byte REAL keeps 6 significant digits, other floats 15), booleans '1'/'0',
datetimes ISO text in UTC without a zone, binary hex, JSON its sorted compact dump,
UUIDs lower-case text. Text is kept as it is (CHAR(n) without its trailing pad).

>>> canonical(Decimal("1.50"), "numeric"), canonical(1.5, "numeric"), canonical(True, "bool")
('1.5', '1.5', '1')
>>> canonical("2024-05-01T10:00:00", "time") == canonical(dt.datetime(2024, 5, 1, 10), "time")
True
>>> a = TableChecksum(); a.add((1, "x")); a.add((2, None))
>>> b = TableChecksum(); b.add((2, None)); b.add((Decimal("1"), "x"))
>>> a == b
True
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from itertools import repeat
from functools import partial
from operator import attrgetter, methodcaller
from decimal import Decimal, InvalidOperation

from ...model.types import base_name, type_family

_MASK = (1 << 64) - 1


def family_of(neutral_type: str) -> str:
    """How a column's values are canonicalised: type_family, plus 'real' (4-byte float),
    'char' (blank-padded), 'uuid'.

    >>> family_of("REAL"), family_of("CHAR(3)"), family_of("VARCHAR(9)"), family_of("UUID")
    ('real', 'char', 'text', 'uuid')
    """
    base = base_name(neutral_type)
    if base in ("REAL", "FLOAT4"):
        return "real"
    if base == "CHAR":
        return "char"
    if base == "UUID":
        return "uuid"
    if neutral_type.endswith("[]"):
        return "json"
    return type_family(neutral_type)


def canonical(v, family: str = "other") -> str | None:
    """The canonical text of one value of a column of ``family`` (None stays None)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float, Decimal)):
        return _number(v, family)
    if isinstance(v, dt.datetime):
        return _datetime(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return _time(v)
    if isinstance(v, dt.timedelta):
        return _number(Decimal(v.days * 86400 + v.seconds) + Decimal(v.microseconds) / 10 ** 6,
                       "numeric")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "x" + bytes(v).hex()
    if isinstance(v, (dict, list)):
        return _json(v)
    if isinstance(v, uuid.UUID):
        return str(v)
    return _text(str(v), family)


def _number(v, family: str) -> str:
    """A number of any Python type as normalised decimal text; NaN and the infinities
    as PostgreSQL spells them, whatever type carried them (a double, a numeric, a text).

    >>> [_number(v, "numeric") for v in (float("inf"), Decimal("-Infinity"), Decimal("NaN"))]
    ['Infinity', '-Infinity', 'NaN']
    >>> _number(-0.0, "numeric"), _number(Decimal("1E+2000"), "numeric")[:8]
    ('0', '1e+2000')
    """
    special = _special(v)
    if special is not None:
        return special
    if isinstance(v, float):
        v = Decimal(format(v, ".6g" if family == "real" else ".15g"))
    elif family == "real":
        v = _as_real(v)
    elif not isinstance(v, Decimal):
        return str(v)
    return _decimal_text(v)


_SPECIAL = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN", "-nan": "NaN"}


def _special(v) -> str | None:
    """'NaN', 'Infinity' or '-Infinity' for a float or Decimal that is not finite (a
    signalling or negative NaN is NaN: no engine keeps the difference); else None."""
    if isinstance(v, float):
        return None if v - v == 0 else _SPECIAL[repr(v)]
    if isinstance(v, Decimal) and not v.is_finite():
        return "NaN" if v.is_nan() else ("-Infinity" if v < 0 else "Infinity")
    return None


def _as_real(v) -> Decimal:
    """An integer or Decimal in a 4-byte REAL column: its 6 significant digits as a
    double rounds them; a finite value too large for a double stays exact (it must not
    pass for an infinity)."""
    try:
        f = float(v)
    except OverflowError:
        return Decimal(v)
    if f - f != 0:
        return Decimal(v)
    return Decimal(format(f, ".6g"))


PLAIN_DIGITS = 400   # beyond this many zeros a number is written with an exponent


def _decimal_text(v: Decimal) -> str:
    """A finite Decimal, exactly, in one spelling per value: no trailing zeros, no
    exponent (normalize() would round to 28 digits), unless it would take more than
    PLAIN_DIGITS zeros to write (1E+999999999 is 'e+999999999', not a billion zeros).

    >>> [_decimal_text(Decimal(t)) for t in ("1.50", "-0.00", "100", "0.05", "1E-500")]
    ['1.5', '0', '100', '0.05', '1e-500']
    """
    sign, digits, exponent = v.as_tuple()
    exp = int(exponent)                 # finite here: never 'n', 'N' or 'F'
    text = "".join(map(str, digits)).lstrip("0")
    if not text:
        return "0"
    kept = text.rstrip("0")
    exp += len(text) - len(kept)
    minus = "-" if sign else ""
    point = len(kept) + exp             # digits before the decimal point
    if exp >= 0:
        plain = exp <= PLAIN_DIGITS
        return minus + kept + "0" * exp if plain else f"{minus}{kept}e{exp:+d}"
    if point > 0:
        return f"{minus}{kept[:point]}.{kept[point:]}"
    if -point <= PLAIN_DIGITS:
        return f"{minus}0.{'0' * -point}{kept}"
    return f"{minus}{kept}e{exp:+d}"


def _datetime(v: dt.datetime) -> str:
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return v.isoformat(" ")


def _time(v: dt.time) -> str:
    return v.replace(tzinfo=None).isoformat()


def _json(v) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _text(s: str, family: str) -> str:
    if family in ("integer", "numeric", "real", "bool"):
        return _text_number(s, family)
    if family == "time":
        return _text_time(s)
    if family == "json":
        try:
            return _json(json.loads(s))
        except ValueError:
            return s
    if family == "uuid":
        return s.lower()
    if family == "char":
        return s.rstrip(" ")
    return s


def _text_number(s: str, family: str) -> str:
    if family == "bool" and s.lower() in ("t", "true", "f", "false"):
        return "1" if s.lower() in ("t", "true") else "0"
    try:
        return _number(Decimal(s.strip()), family)
    except InvalidOperation:
        return s


def _text_time(s: str) -> str:
    text = s.strip()
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        if isinstance(value, dt.datetime):
            # a date-only text in a timestamp column reads as midnight on both sides
            return _datetime(value)
        return canonical(value)
    return s


def _float_fast(v: float, family: str) -> str:
    text = format(v, ".6g" if family == "real" else ".15g")
    if "e" in text or "n" in text or text == "-0":
        return _number(v, family)
    return text


def _decimal_fast(v: Decimal) -> str:
    text = str(v)
    if "E" in text or "N" in text or "n" in text:
        return _number(v, "numeric")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def canonicalizer(family: str):
    """``canonical(v, family)`` as one function, with the common value types of each
    family dispatched by exact type (the same results, several times faster)."""
    def text(v):
        return v
    fast = {type(None): lambda v: None, bool: lambda v: "1" if v else "0",
            float: lambda v: _float_fast(v, family)}
    if family != "real":
        fast[int] = str
        fast[Decimal] = _decimal_fast
    fast[dt.datetime] = lambda v: v.isoformat(" ") if v.tzinfo is None else _datetime(v)
    fast[dt.date] = dt.date.isoformat
    if family in ("text", "other", "binary"):
        fast[str] = text
    slow = canonical

    def canon(v):
        f = fast.get(type(v))
        if f is not None:
            return f(v)
        return slow(v, family)
    return canon


def row_text(row, families) -> str:
    """One row's canonical text: the repr of the tuple of its canonical values
    (unambiguous: a value holding a separator or the word None cannot pass for two
    values or a NULL).

    >>> print(row_text((1, None, "a'b"), ["integer", "text", "text"]))
    ('1', None, "a'b")
    """
    return repr(tuple([canonicalizer(f)(v) for v, f in zip(row, families)]))


def row_hash(row, families) -> int:
    """A 64-bit hash of one row's canonical text."""
    digest = hashlib.blake2b(row_text(row, families).encode("utf-8", "surrogatepass"),
                             digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass
class TableChecksum:
    """Rows counted and their hashes summed modulo 2**64: the same multiset of rows
    gives the same checksum in any order; partial checksums (chunks) add up."""

    rows: int = 0
    total: int = 0

    def add(self, row, families=None) -> None:
        self.rows += 1
        self.total = (self.total + row_hash(row, families or ["other"] * len(row))) & _MASK

    def add_many(self, rows, families) -> None:
        """Add a batch of rows: the same sum as :meth:`add` row by row, canonicalised a
        column at a time (a column of only texts or only integers needs no call per
        value)."""
        rows = list(rows)
        if not rows:
            return
        cols = [_canon_column(c, f) for c, f in zip(zip(*rows), families)]
        self.rows += len(rows)
        self.total = (self.total + _hash_sum(map(repr, zip(*cols)))) & _MASK

    def merge(self, other: "TableChecksum") -> "TableChecksum":
        return TableChecksum(self.rows + other.rows, (self.total + other.total) & _MASK)

    @property
    def hex(self) -> str:
        return f"{self.total:016x}"


_ENCODE = methodcaller("encode", "utf-8", "surrogatepass")
_DIGEST = methodcaller("digest")
_BLAKE8 = partial(hashlib.blake2b, digest_size=8)
_BIG_ENDIAN = partial(int.from_bytes, byteorder="big")


def _hash_sum(texts) -> int:
    """The sum of the 64-bit hashes of ``texts`` (row_hash's, without its modulo), as
    a chain of C-level maps: no Python frame per row.

    >>> _hash_sum(["('1',)", "('2',)"]) == row_hash((1,), ["integer"]) + row_hash((2,), ["integer"])
    True
    """
    digests = map(_DIGEST, map(_BLAKE8, map(_ENCODE, texts)))
    return sum(map(_BIG_ENDIAN, digests))


_AS_IS = ("text", "other", "binary")
_BITS = {True: "1", False: "0"}


def _canon_column(values: tuple, family: str):
    """One column of a batch, canonicalised as ``canonicalizer(family)`` would, value
    by value, but where the column holds one common type, with C-level maps instead of
    a Python call per value (a value the quick spelling does not cover, an exponent,
    a NaN, a negative zero, a zone, sends the column the slow way).

    >>> _canon_column(("a", "b"), "text"), _canon_column((1, 2), "numeric")
    (('a', 'b'), ['1', '2'])
    >>> _canon_column((1.5, 2.0), "numeric")
    ['1.5', '2']
    >>> _canon_column((Decimal("1.50"), Decimal("2")), "numeric")
    ['1.5', '2']
    """
    kinds = set(map(type, values))
    quick = None
    if kinds == {int, float}:         # SQLite's NUMERIC keeps 2.0 as the integer 2
        quick = _floats(values, family)
    elif kinds == {str} and family == "time":
        quick = _iso_texts(values)
    elif len(kinds) == 1:
        kind = kinds.pop()
        if kind is str and family in _AS_IS:
            return values
        if kind is int and family != "real":
            return list(map(str, values))
        if kind is bool:
            return list(map(_BITS.__getitem__, values))
        if kind is float:
            quick = _floats(values, family)
        elif kind is Decimal and family != "real":
            quick = _decimals(values)
        elif kind is dt.datetime and set(map(attrgetter("tzinfo"), values)) == {None}:
            quick = list(map(dt.datetime.isoformat, values, repeat(" ")))
        elif kind is dt.date:
            quick = list(map(dt.date.isoformat, values))
    return quick if quick is not None else list(map(canonicalizer(family), values))


def _floats(values, family: str):
    """Doubles (and integers beside them: format() turns one below 1e15 into the same
    double exactly; a bigger one shows an exponent) as canonical() spells them, or None
    when one needs the slow way (an exponent, a NaN or infinity, a negative zero)."""
    texts = list(map(format, values, repeat(".6g" if family == "real" else ".15g")))
    joined = "".join(texts)
    if "e" in joined or "n" in joined or "-0" in set(texts):
        return None
    return texts


def _decimals(values):
    texts = list(map(str, values))
    joined = "".join(texts)
    if "E" in joined or "N" in joined or "n" in joined:
        return None
    texts = [t.rstrip("0").rstrip(".") if "." in t else t for t in texts]
    return None if "-0" in set(texts) else texts


# the texts canonical() returns unchanged for a time column: a date, or a date and a
# time with none or six fraction digits (not .000000, which it drops)
_ISO_AS_IS = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?)?")


def _iso_texts(values):
    """Times stored as text (SQLite) that are already in canonical spelling, as they
    are; None when one is not (it then goes value by value).

    >>> _iso_texts(("2024-05-01 10:00:00", "2024-05-01")), _iso_texts(("2024-05-01T10:00",))
    (('2024-05-01 10:00:00', '2024-05-01'), None)
    """
    return values if all(map(_ISO_AS_IS.fullmatch, values)) else None
