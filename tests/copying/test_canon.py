"""The canonical values behind the cross-engine checksum: the same data, as each driver
returns it, hashes alike; different data does not; the fast path agrees with the plain
definition on every value."""
from __future__ import annotations

import pytest

import datetime as dt
import uuid
from decimal import Decimal

from hypothesis import given, strategies as st

from dbwork.data.copy.canon import TableChecksum, canonical, canonicalizer, row_hash

SAME = [  # (family, values that mean the same thing on different engines)
    ("numeric", [Decimal("12.30"), 12.3, "12.30", Decimal("12.3")]),
    ("integer", [7, Decimal("7"), 7.0, "7"]),
    ("bool", [True, 1, "1", "t"]),
    ("time", [dt.datetime(2024, 5, 1, 10, 0, 0, 120000), "2024-05-01 10:00:00.12",
              "2024-05-01T10:00:00.120000",
              dt.datetime(2024, 5, 1, 12, 0, 0, 120000,
                          tzinfo=dt.timezone(dt.timedelta(hours=2)))]),
    ("time", [dt.date(2024, 5, 1), "2024-05-01"]),
    ("json", [{"b": 1, "a": [1, 2]}, '{"a": [1, 2], "b": 1}', '{"b":1,"a":[1,2]}']),
    ("uuid", [uuid.UUID(int=5), str(uuid.UUID(int=5)).upper()]),
    ("binary", [b"\x00\xff", memoryview(b"\x00\xff"), bytearray(b"\x00\xff")]),
    ("real", [0.1, 0.10000000149011612]),       # a 4-byte float read back widened
    ("char", ["ab  ", "ab"]),
    # what PostgreSQL, psycopg, SQLite and text spell for the special numbers
    ("numeric", [float("inf"), Decimal("Infinity"), "Infinity", "inf", "+Infinity"]),
    ("numeric", [float("-inf"), Decimal("-Infinity"), "-Infinity", "-inf"]),
    ("numeric", [float("nan"), Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), "NaN", "nan"]),
    ("real", [float("inf"), Decimal("Infinity"), "Infinity"]),
    ("real", [float("nan"), Decimal("NaN"), "NaN"]),
    # MariaDB, SQLite's REAL and PostgreSQL's numeric all store -0 as 0
    ("numeric", [-0.0, 0.0, 0, Decimal("-0.00"), "-0"]),
    ("numeric", [Decimal("1E+500"), Decimal("1" + "0" * 500), "1e500"]),
]


def test_the_same_data_canonicalises_alike():
    for family, values in SAME:
        assert len({canonical(v, family) for v in values}) == 1, (family, values)


def test_different_data_does_not():
    extremes = [float("inf"), float("-inf"), float("nan"), 1.7976931348623157e308,
                -1.7976931348623157e308, 5e-324, 0.0, Decimal("1E+400"), Decimal("-1E+400"),
                Decimal("1E-400"), Decimal("1E+999999999"), Decimal("1E+999999998"),
                10 ** 400 + 1, "Infinity1"]
    for family in ("numeric", "real", "other"):
        # a 4-byte REAL keeps 6 digits: 1E-400 is its zero (no engine stores it otherwise)
        texts = [canonical(v, family) for v in extremes
                 if family != "real" or v != Decimal("1E-400")]
        assert len(set(texts)) == len(texts), (family, texts)
    assert canonical(Decimal("1.5"), "numeric") != canonical(Decimal("1.05"), "numeric")
    assert canonical("", "text") != canonical(None, "text")
    assert row_hash(("a", None), ["text"] * 2) != row_hash((None, "a"), ["text"] * 2)
    assert row_hash(("a\x1fb",), ["text"]) != row_hash(("a", "b"), ["text"] * 2)
    assert row_hash(("None",), ["text"]) != row_hash((None,), ["text"])


def test_checksum_is_order_independent_and_counts_duplicates():
    rows = [(1, "x"), (2, "y"), (2, "y")]
    a, b, c = TableChecksum(), TableChecksum(), TableChecksum()
    a.add_many(rows, ["integer", "text"])
    b.add_many(list(reversed(rows)), ["integer", "text"])
    c.add_many(rows[:2], ["integer", "text"])
    assert a == b and a != c and a.rows == 3


values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                   st.floats(), st.decimals(), st.integers(min_value=10 ** 300),
                   st.sampled_from(["inf", "-Infinity", "NaN", "1e999", "-0"]),
                   st.binary(), st.datetimes(), st.dates())


@given(values, st.sampled_from(["text", "integer", "numeric", "real", "bool", "time", "json",
                                "binary", "other", "char", "uuid"]))
def test_fast_path_agrees_with_the_definition(v, family):
    expected = canonical(v, family)
    assert canonicalizer(family)(v) == expected


def _column_of_one_kind():
    kinds = [st.integers(), st.text(), st.floats(), st.booleans(), st.decimals(),
             st.datetimes(timezones=st.none()),
             st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=-3)))), st.dates()]
    iso = st.one_of(st.datetimes().map(lambda d: d.isoformat(" ")),
                    st.datetimes().map(lambda d: d.isoformat()), st.dates().map(str),
                    st.sampled_from(["2024-05-01 10:00:00.000000", "2024-02-30 10:00:00",
                                     "2024-05-01 24:00:00", "0999-01-01", "x"]))
    kinds += [st.one_of(st.integers(), st.floats()), iso]   # SQLite's NUMERIC; text times
    return st.one_of(*[st.lists(k, min_size=1, max_size=6) for k in kinds])


@given(_column_of_one_kind(), st.sampled_from(["text", "integer", "numeric", "real", "bool",
                                               "time", "other", "char"]))
def test_a_batch_sums_as_its_rows_one_by_one(column, family):
    """add_many canonicalises a column at a time (quick C-level maps where the column
    holds one type); the sum must equal adding each row through the definition."""
    rows = [(i, v) for i, v in enumerate(column)]
    batch, one_by_one = TableChecksum(), TableChecksum()
    batch.add_many(rows, ["integer", family])
    for r in rows:
        one_by_one.add(r, ["integer", family])
    assert batch == one_by_one


@pytest.mark.parametrize("family", ["numeric", "real", "other"])
def test_special_numbers_hash_alike_across_types_and_a_change_shows(family):
    """A double, a numeric and a text read from different engines carry the same
    infinity or NaN: one checksum; turning one into another, or losing the row, is a
    different checksum (add and add_many agree)."""
    a, b = TableChecksum(), TableChecksum()
    a.add_many([(1, float("inf")), (2, float("nan")), (3, float("-inf"))], ["integer", family])
    for r in [(3, Decimal("-Infinity")), (1, Decimal("Infinity")), (2, Decimal("NaN"))]:
        b.add(r, ["integer", family])
    assert a == b
    for changed in ([(1, float("-inf")), (2, float("nan")), (3, float("-inf"))],
                    [(1, float("inf")), (2, None), (3, float("-inf"))],
                    [(1, float("inf")), (2, 1.7976931348623157e308), (3, float("-inf"))],
                    [(1, float("inf")), (3, float("-inf"))]):
        c = TableChecksum()
        c.add_many(changed, ["integer", family])
        assert c != a, changed
