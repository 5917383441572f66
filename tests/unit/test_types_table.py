"""The neutral type table, golden: (dialect, type as written) -> neutral -> rendered
text per dialect. A change here is a change in what users' scripts say."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dbwork.dialects import get_dialect  # noqa: E402
from dbwork.model.types import normalize_type  # noqa: E402
from dbwork.render.types import type_text  # noqa: E402

TARGETS = ("sqlite", "postgresql", "mysql", "mssql")
# written in, type text, neutral, rendered for sqlite / postgresql / mysql / mssql
TABLE = [
    ("sqlite", "VARCHAR(255)", "VARCHAR(255)", "VARCHAR(255)", "VARCHAR(255)", "VARCHAR(255)", "VARCHAR(255)"),
    ("sqlite", "INT", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER"),
    ("sqlite", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "NVARCHAR(max)"),
    ("sqlite", "BOOLEAN", "BOOLEAN", "BOOLEAN", "BOOLEAN", "BOOL", "BIT"),
    ("sqlite", "DATETIME", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP", "DATETIME2"),
    ("postgresql", "character varying(20)", "VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)"),
    ("postgresql", "int4", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER"),
    ("postgresql", "BIGSERIAL", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"),
    ("postgresql", "jsonb", "JSONB", "JSONB", "JSONB", "JSON", "NVARCHAR(max)"),
    ("postgresql", "integer[]", "INTEGER[]", "INTEGER[]", "INTEGER[]", "INTEGER[]", "INTEGER[]"),
    ("postgresql", "timestamp with time zone", "TIMESTAMPTZ", "TIMESTAMPTZ", "TIMESTAMPTZ", "TIMESTAMP", "DATETIMEOFFSET"),
    ("postgresql", "bytea", "BLOB", "BLOB", "BYTEA", "BLOB", "VARBINARY(max)"),
    ("postgresql", "double precision", "DOUBLE", "DOUBLE", "DOUBLE PRECISION", "DOUBLE", "FLOAT"),
    ("postgresql", "numeric(10,2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)"),
    ("postgresql", "uuid", "UUID", "UUID", "UUID", "CHAR(36)", "UNIQUEIDENTIFIER"),
    ("mysql", "INT(11)", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER"),
    ("mysql", "TINYINT(1)", "BOOLEAN", "BOOLEAN", "BOOLEAN", "BOOL", "BIT"),
    ("mysql", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP", "DATETIME2"),
    ("mysql", "DATETIME", "DATETIME", "DATETIME", "TIMESTAMP", "DATETIME", "DATETIME"),
    ("mysql", "LONGTEXT", "LONGTEXT", "LONGTEXT", "TEXT", "LONGTEXT", "NVARCHAR(max)"),
    ("mysql", "DECIMAL(10,2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)"),
    ("mysql", "BIGINT(20)", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"),
]


@pytest.mark.parametrize("row", TABLE, ids=[f"{r[0]}:{r[1]}" for r in TABLE])
def test_type_table(row):
    dialect, written, neutral, *rendered = row
    assert normalize_type(written, get_dialect(dialect)) == neutral
    assert [type_text(neutral, get_dialect(t)) for t in TARGETS] == list(rendered)


def test_user_defined_type_is_kept_as_written():
    assert normalize_type("mood", get_dialect("postgresql")) == "mood"
