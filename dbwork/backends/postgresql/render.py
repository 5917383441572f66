"""PostgreSQL's SQL rendering: identity and serial columns, USING on a type change,
operator classes and index methods, COMMENT ON (registered on import)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from ...dialects.base import quote
from ...errors import UnsupportedError
from ...model.types import type_family
from ...render.sql import (alter_column_options, column_parts, default_text, index_column_suffix,
                           index_method_options, set_column_comment, set_table_comment,
                           type_change_options, _execute, _literal)
from ...render.data import counter_backup, reset_counters, seq_backup
from ...render.types import LiteralType, type_text

_SERIALS = {"INTEGER": "SERIAL", "BIGINT": "BIGSERIAL", "SMALLINT": "SMALLSERIAL"}


@column_parts.override("postgresql")
def _identity_or_serial(dialect, c, type_, kw: dict, args: list):
    if c.autoincrement:
        if c.identity:
            args.append(sa.Identity(always=c.identity == "ALWAYS"))
        elif c.type in _SERIALS:  # written out, so a serial off the primary key keeps it too
            type_, kw["autoincrement"] = LiteralType(_SERIALS[c.type]), False
    return type_


@default_text.override("postgresql")
def _typed_default(dialect, c) -> str:
    """TRUE/FALSE, not 1/0, for a BOOLEAN (MySQL's TINYINT(1) written for PostgreSQL);
    ARRAY[...] cast to the column's type."""
    if type_family(c.type) == "bool" and c.default in ("0", "1"):
        return "TRUE" if c.default == "1" else "FALSE"
    if c.type.endswith("[]") and \
            c.default.upper().startswith("ARRAY[") and c.default.endswith("]"):
        # ARRAY[] has no type of its own: cast to the column's, as PostgreSQL reports it
        return f"{c.default}::{type_text(c.type, dialect)}"
    return c.default


@type_change_options.override("postgresql")
def _using(dialect, o) -> dict:
    b, a = o.before, o.after
    if o.using is not None:
        return {"postgresql_using": o.using}   # the user's own conversion, as written
    if o.via == "null":
        return {"postgresql_using": f"NULL::{type_text(a.type, dialect)}"}  # backup restores
    if o.via == "text" or "other" in (type_family(a.type), type_family(b.type)):
        # an enum to another enum (Prisma's X_new swap) casts only through text
        return {"postgresql_using": (f"{quote(b.name, dialect)}::text::"
                                     f"{type_text(a.type, dialect)}")}
    if type_family(a.type) != type_family(b.type):
        return {"postgresql_using": f"{quote(b.name, dialect)}::{type_text(a.type, dialect)}"}
    return {}


@alter_column_options.override("postgresql")
def _serial_change(dialect, o, kw: dict) -> None:
    b, a = o.before, o.after
    if b.autoincrement != a.autoincrement and "server_default" not in kw:
        kw["server_default"] = sa.text(serial_default(o.table, b.name, dialect)) \
            if a.autoincrement else None


def serial_default(table: str, column: str, dialect) -> str:
    """The default of a PostgreSQL serial column: nextval of the sequence it owns,
    named ``<table>_<column>_seq`` as PostgreSQL names it.

    >>> from dbwork.dialects import get_dialect
    >>> serial_default("t", "id", get_dialect("postgresql"))
    "nextval('t_id_seq'::regclass)"
    """
    seq = dialect.quote(f"{table}_{column}_seq").replace("'", "''")
    return f"nextval('{seq}'::regclass)"


@index_column_suffix.override("postgresql")
def _operator_class(dialect, column: str, opts: dict) -> str:
    return " " + _opclass(opts[f"ops:{column}"]) if f"ops:{column}" in opts else ""


def _opclass(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", name):
        raise UnsupportedError(f"not an operator class name: {name!r}")
    return name


@index_method_options.override("postgresql")
def _index_method(dialect, using: str) -> dict:
    return {"postgresql_using": using} if using and using != "btree" else {}


def _comment_on(op, target: str, text: str | None) -> None:
    """PostgreSQL drops a comment set to '' (spelled so, because sqlglot, and so the
    rollback check, cannot parse ``IS NULL``)."""
    _execute(op, f"COMMENT ON {target} IS {_literal(text or '')}")


@set_table_comment.override("postgresql")
def _table_comment(dialect, op, o) -> None:
    _comment_on(op, f"TABLE {quote(o.table, dialect)}", o.after)


@set_column_comment.override("postgresql")
def _column_comment(dialect, op, o, schema) -> None:
    _comment_on(op, f"COLUMN {quote(o.table, dialect)}.{quote(o.column, dialect)}", o.after)


# -- backups and restores (render/data.py)
@counter_backup.override("postgresql")
def _sequence_positions(d, op, cols: list[str]) -> list[str]:
    target = quote(seq_backup(op.backup), d)
    table = _literal(quote(op.table, d))
    parts = [f"SELECT CAST({_literal(c)} AS TEXT) AS column_name, "
             "last_value + increment_by AS next_value FROM pg_sequences WHERE "
             "format('%I.%I', schemaname, sequencename) = "
             f"pg_get_serial_sequence({table}, {_literal(c)})" for c in cols]
    return [f"CREATE TABLE {target} AS " + " UNION ALL ".join(parts)]


@reset_counters.override("postgresql")
def _setval(d, op, schema, kept: list[str]) -> list[str]:
    if not schema.has_table(op.table):
        return []
    out = []
    t = quote(op.table, d)
    for c in schema.table(op.table).columns:
        if c.autoincrement:
            col = quote(c.name, d)
            nxt = f"COALESCE(MAX({col}), 0) + 1"
            if c.name in kept:
                nxt = (f"GREATEST({nxt}, (SELECT MAX(next_value) FROM "
                       f"{quote(seq_backup(op.backup), d)} WHERE column_name = "
                       f"{_literal(c.name)}))")
            out.append(f"SELECT setval(pg_get_serial_sequence({_literal(t)}, "
                       f"{_literal(c.name)}), {nxt}, false) FROM {t}")
    return out
