"""How PostgreSQL reports expressions: the casts and parentheses it adds to defaults
and checks, taken off so parsed and reported spellings compare equal (registered on
import)."""
from __future__ import annotations

import re

import sqlglot

from ...model.expressions import drop_reported_casts, unwrap_reported_default

# a trailing cast (::text, ::"Role"[], ::character varying(20)); never the "]" that
# closes ARRAY['a'::text]
_PG_CAST = re.compile(r"::[\w\s\".]+(\(\d+(,\s*\d+)?\))?(\[\])?$")

_TEXTUAL = {"TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "BPCHAR"}

def _drop_reported_cast(node):
    """PostgreSQL reports ``(status)::text = 'new'::text`` for ``status = 'new'``: the
    casts it adds to text and to literals are noise, not meaning."""
    if isinstance(node, sqlglot.exp.Cast):
        inner = node.this
        while isinstance(inner, sqlglot.exp.Paren):
            inner = inner.this
        kind = node.to.this  # a DataType.Type, or a str for a type sqlglot does not know
        textual = getattr(kind, "name", kind) in _TEXTUAL
        if isinstance(inner, sqlglot.exp.Literal) or (textual and isinstance(inner, sqlglot.exp.Column)):
            return inner.copy()
    return node


@unwrap_reported_default.override("postgresql")
def _without_casts(dialect, text: str) -> str:
    while _PG_CAST.search(text) and not text.endswith("'"):
        text = _PG_CAST.sub("", text).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


@drop_reported_casts.override("postgresql")
def _drop_casts(dialect, node):
    return node.transform(_drop_reported_cast)
