"""Pure parsing of constructs found in public migration histories (issue 10 point 4):
no database needed."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import UnknownObjectError
from dbwork.model.schema import Schema
from dbwork.ops.enum_ops import RenameEnum
from dbwork.ops.schema_ops import AlterColumn, RenameConstraint
from dbwork.parse.cell import split_cell
from dbwork.parse.sql import parse_sql, pg_object_name

PG = get_dialect("postgresql")


def _schema(sql: str) -> Schema:
    s = Schema()
    for op in parse_sql(sql, PG, s).ops:
        s = op.apply(s)
    return s


def test_schema_qualified_enum_rename_is_an_operation():
    s = _schema("""CREATE TYPE "Type" AS ENUM ('A', 'B');""")
    ops = parse_sql('ALTER TYPE "public"."Type" RENAME TO "Type_old"', PG, s).ops
    assert ops == [RenameEnum("Type", "Type_old")]


def test_rename_constraint_names_a_known_constraint():
    s = _schema('CREATE TABLE "T" (id INT, CONSTRAINT "Old_pkey" PRIMARY KEY (id))')
    ops = parse_sql('ALTER TABLE ONLY "T" RENAME CONSTRAINT "Old_pkey" TO "T_pkey"', PG, s).ops
    assert ops == [RenameConstraint("T", "Old_pkey", "T_pkey")]
    assert ops[0].apply(s).table("T").primary_key.name == "T_pkey"
    with pytest.raises(UnknownObjectError):
        parse_sql('ALTER TABLE "T" RENAME CONSTRAINT "missing" TO "x"', PG, s)


def test_using_is_kept_and_its_reverse_casts_back():
    s = _schema('CREATE TABLE "A" (id INT PRIMARY KEY, e INT)')
    [op] = parse_sql('ALTER TABLE "A" ALTER COLUMN e TYPE TIMESTAMP(3) USING to_timestamp(e)',
                     PG, s).ops
    assert isinstance(op, AlterColumn) and "TO_TIMESTAMP" in op.using.upper()
    assert op.reverse().using is None and op.reverse().via == "text"


def test_same_type_using_is_not_an_empty_change():
    s = _schema('CREATE TABLE "A" (id INT PRIMARY KEY, e TEXT)')
    with pytest.raises(Exception, match="irreversible"):
        parse_sql('ALTER TABLE "A" ALTER COLUMN e TYPE TEXT USING lower(e)', PG, s)


def test_postgresql_names_for_unnamed_constraints():
    assert pg_object_name("Access", "userId", "fkey") == "Access_userId_fkey"
    long = pg_object_name("a" * 50, "b" * 30, "fkey")
    assert len(long) == 63 and long.endswith("_fkey")


def test_goose_markers_split_up_and_down():
    c = split_cell("-- +goose Up\nCREATE TABLE t (id INT);\n-- +goose Down\nDROP TABLE t;\n")
    assert c.up.strip() == "CREATE TABLE t (id INT);" and c.down.strip() == "DROP TABLE t;"
