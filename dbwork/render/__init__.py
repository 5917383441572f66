"""Operation -> statements per dialect: ``render(op, schema_before, dialect)``.

SQL dialects render through :mod:`dbwork.render.sql` (Alembic operations, offline), the
generic body of the :func:`render_statements` hook; a backend with another language
overrides it in its package (MongoDB: :mod:`dbwork.backends.mongodb.render`).
"""
from __future__ import annotations

from ..hooks import overridable
from .types import sa_type, type_text


def render(op, schema, dialect) -> list[str]:
    """The statements that perform ``op`` on ``schema`` in ``dialect``."""
    return render_statements(dialect, op, schema)


@overridable
def render_statements(dialect, op, schema) -> list[str]:
    """Generic: SQL through Alembic's operations (:func:`dbwork.render.sql.render`)."""
    from .sql import render as render_sql
    return render_sql(op, schema, dialect)


__all__ = ["render", "render_statements", "sa_type", "type_text"]
