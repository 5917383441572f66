"""Pure checks of what the backends features parse into (no server needed)."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import ConfigError, ObjectExistsError, ParseError, UnsupportedError
from dbwork.execute.sql import schema_option
from dbwork.model import Column, Schema, Table
from dbwork.ops.comment_ops import SetColumnComment, SetTableComment
from dbwork.ops.enum_ops import AddEnumValue, RemoveEnumValue
from dbwork.parse.sql import parse_sql
from dbwork.plan.concurrency import is_concurrent_statement
from dbwork.render import render
from dbwork.url import DatabaseURL

PG, MY = get_dialect("postgresql"), get_dialect("mysql")
MOOD = Schema.of(Table("p", (Column("m", "mood"),))).with_enums({"mood": ("a", "b")})


def test_add_value_with_quotes_and_position_round_trips_its_inverse():
    [op] = parse_sql("ALTER TYPE mood ADD VALUE 'it''s' AFTER 'a';", PG, MOOD).ops
    assert op == AddEnumValue("mood", "it's", ("a", "b"), None, "a")
    back = op.reverse()
    assert isinstance(back, RemoveEnumValue) and back.remaining == ("a", "b")
    assert back.reverse() == op
    assert "USING m::text::mood" in " ".join(render(back, op.apply(MOOD), PG))


def test_add_value_checks_the_type_and_the_value():
    with pytest.raises(ObjectExistsError):
        parse_sql("ALTER TYPE mood ADD VALUE 'a';", PG, MOOD)
    assert parse_sql("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'a';", PG, MOOD).ops == []


def test_comments_parse_with_the_comment_they_replace():
    s = Schema.of(Table("t", (Column("c", "TEXT", comment="old"),), comment="was"))
    ops = parse_sql("COMMENT ON TABLE t IS NULL;\nCOMMENT ON COLUMN t.c IS 'new';", PG, s).ops
    assert ops == [SetTableComment("t", "was", None), SetColumnComment("t", "c", "old", "new")]
    [op] = parse_sql("ALTER TABLE t COMMENT = 'x';", MY, s).ops
    assert op == SetTableComment("t", "was", "x")
    with pytest.raises(UnsupportedError, match="not modelled"):
        parse_sql("ALTER TABLE t ENGINE = MyISAM;", MY, s)
    with pytest.raises(UnsupportedError, match="SQLite keeps no comments"):
        parse_sql("COMMENT ON TABLE t IS 'x';", get_dialect("sqlite"), s)


def test_enum_value_used_in_the_same_migration_names_the_line():
    with pytest.raises(ParseError) as err:
        parse_sql("ALTER TYPE mood ADD VALUE 'c';\nUPDATE p SET m = 'c';", PG, MOOD, allow_dml=True)
    assert err.value.line == 2


def test_concurrent_statements_and_schema_option():
    assert is_concurrent_statement("DROP INDEX CONCURRENTLY ix")
    assert not is_concurrent_statement("CREATE INDEX ix ON t (concurrently)")
    url = DatabaseURL.parse("postgresql://u@h/db?schema=app&sslmode=disable")
    name, rest = schema_option(url)
    assert (name, rest.query) == ("app", "sslmode=disable")
    with pytest.raises(ConfigError, match="plain identifier"):
        schema_option(DatabaseURL.parse("postgresql://u@h/db?schema=a;drop"))
