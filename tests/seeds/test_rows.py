"""Reading seed rows (pure): formats, line numbers for errors, keys in files."""
from __future__ import annotations

import pytest

from dbwork.data.demo import progress_bar
from dbwork.data.plan import load_order
from dbwork.data.rows import parse_text, sniff
from dbwork.errors import SeedError
from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table


def test_each_format_gives_the_line_each_row_starts_on():
    js = parse_text('[\n {"id": 1},\n\n {"id": 2,\n  "a": 3}\n]', "t")
    assert [r.line for r in js.rows] == [2, 4]
    ym = parse_text("key: code\nrows:\n  - {code: a}\n  - code: b\n    n: 2\n", "t")
    assert [r.line for r in ym.rows] == [3, 4] and ym.key == ("code",)
    cs = parse_text("# key: code\ncode,n\n\na,1\nb,\n", "t")
    assert [(r.line, r.values) for r in cs.rows] == [(4, {"code": "a", "n": "1"}),
                                                      (5, {"code": "b", "n": None})]
    assert cs.key == ("code",) and cs.typed is False


def test_malformed_text_names_the_line():
    with pytest.raises(SeedError, match="line 2"):
        parse_text('[{"id": 1},\n {"id": }]', "t")
    with pytest.raises(SeedError, match="line 2"):
        parse_text("- {a: 1}\n- {a: [}\n", "t", "yaml")
    with pytest.raises(SeedError, match="column named twice"):
        parse_text("a,a\n1,2\n", "t")
    with pytest.raises(SeedError, match="row 2 is int"):
        parse_text("[{\"a\": 1}, 5]", "t")


def test_sniff():
    assert [sniff(t) for t in ("[{}]", "- a: 1", "a,b\n1,2", "rows:\n - {}")] == \
        ["json", "yaml", "csv", "yaml"]


def test_two_table_cycle_with_not_null_keys_is_refused():
    a = Table("a", (Column("id", "INTEGER", False), Column("b", "INTEGER", False)),
              PrimaryKey(("id",)), (ForeignKey(("b",), "b", ("id",)),))
    b = Table("b", (Column("id", "INTEGER", False), Column("a", "INTEGER", False)),
              PrimaryKey(("id",)), (ForeignKey(("a",), "a", ("id",)),))
    with pytest.raises(SeedError, match="foreign-key cycle"):
        load_order(["a", "b"], Schema.of(a, b))
    nullable = Table("b", (Column("id", "INTEGER", False), Column("a", "INTEGER")),
                     PrimaryKey(("id",)), (ForeignKey(("a",), "a", ("id",)),))
    order, deferred = load_order(["a", "b"], Schema.of(a, nullable))
    assert order == ["b", "a"] and [fk.ref_table for fk in deferred["b"]] == ["a"]


def test_progress_bar_only_when_asked_or_on_a_terminal():
    assert progress_bar(10, False, "x") is None
    assert progress_bar(10, None, "x") is None   # pytest's stderr is not a tty
    bar = progress_bar(10, True, "x")
    assert bar is not None and bar.total == 10
    bar.close()
