"""PostgreSQL's catalog reading: pg_catalog read directly (psycopg), extensions,
enum types, identity columns, the current schema (registered on import)."""
from __future__ import annotations

import json
import re

import sqlglot
from sqlglot import exp

from ...introspect import sql as reader
from ...introspect.compare import (check_spelling, loose_spelling, same_default_reported,
                                   same_numeric_default)
from ...introspect.sql import current_schema, live_enums, read_catalog, reflected_column
from ...model.types import base_name, type_family

_ELEMENT_CAST = re.compile(r"""('(?:[^']|'')*')::(?:"(?:[^"]|"")+"|[\w ]+)(?:\[\])?""")


@same_default_reported.override("postgresql")
def _cast_or_reordered(dialect, want: str, got: str, type_: str) -> bool:
    """PostgreSQL reports ARRAY['a'::text] for ARRAY['a'], and a jsonb default in its
    own key order and spacing: the same value either way."""
    if same_numeric_default(want, got, type_):
        return True
    if want.upper().startswith("ARRAY[") and got.upper().startswith("ARRAY["):
        return loose_spelling(_ELEMENT_CAST.sub(r"\1", want)) == \
            loose_spelling(_ELEMENT_CAST.sub(r"\1", got))
    if type_family(type_) == "json" or base_name(type_) in ("JSON", "JSONB"):
        return _json_value(want) is not None and _json_value(want) == _json_value(got)
    return False


def _json_value(text: str):
    if not (len(text) >= 2 and text[0] == "'" and text[-1] == "'"):
        return None
    try:
        return json.loads(text[1:-1].replace("''", "'"))
    except ValueError:
        return None


@read_catalog.override("postgresql")
def _catalog(dialect, conn, schema, only):
    if reader.FAST_POSTGRESQL and conn.dialect.driver == "psycopg":
        from ...introspect.postgresql_fast import introspect as fast  # same Schema, ~5x faster
        return fast(conn, dialect, schema, only)
    return reader._introspect(conn, dialect, schema, only).with_extensions(
        reader.extensions(conn))


@reflected_column.override("postgresql")
def _identity(dialect, c: dict, auto: bool, default):
    identity = None
    if c.get("identity"):
        identity = "ALWAYS" if c["identity"].get("always") else "BY DEFAULT"
    return auto, default, identity


@live_enums.override("postgresql")
def _enums(dialect, insp, schema):
    """Enum types visible in ``schema`` (the search path when None)."""
    return {e["name"]: tuple(e["labels"]) for e in insp.get_enums(schema=schema or None)
            if e.get("visible", True) or schema}


@current_schema.override("postgresql")
def _current_schema(dialect, conn):
    """The schema unqualified names resolve to (``?schema=`` sets it)."""
    return conn.exec_driver_sql("SELECT current_schema()").scalar()


@check_spelling.override("postgresql")
def _in_not_any(dialect, text: str) -> str:
    """PostgreSQL reports ``x IN ('a', 'b')`` as ``x = ANY (ARRAY['a', 'b']::text[])``:
    both become the IN form."""
    if "ANY" not in text.upper():
        return text
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except sqlglot.errors.SqlglotError:
        return text
    return tree.transform(_any_to_in).sql(dialect="postgres")


def _any_to_in(node):
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        inner = node.expression.this
        while isinstance(inner, (exp.Paren, exp.Cast)):
            inner = inner.this
        if isinstance(inner, exp.Array):
            return exp.In(this=node.this.copy(),
                          expressions=[e.copy() for e in inner.expressions])
    return node
