"""Operation -> statements per dialect: ``render(op, schema_before, dialect)``.

SQL dialects render through :mod:`dbwork.render.sql` (Alembic operations, offline);
document dialects (MongoDB) through :mod:`dbwork.render.mongodb`.
"""
from __future__ import annotations

from .types import sa_type, type_text


def render(op, schema, dialect) -> list[str]:
    if dialect.family == "document":
        from .mongodb import render as render_document
        return render_document(op, schema, dialect)
    from .sql import render as render_sql
    return render_sql(op, schema, dialect)


__all__ = ["render", "sa_type", "type_text"]
