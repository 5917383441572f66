"""MySQL/MariaDB's seeding: ON DUPLICATE KEY UPDATE (registered on import)."""
from __future__ import annotations

from ...data.documents.from_documents import column_type
from ...data.sql_io import upsert_clause, upsert_text_clause
from ...dialects.base import quote


@upsert_clause.override("mysql")
def _on_duplicate_key(dialect, stmt, key, rest):
    return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in (rest or key[:1])})


@upsert_text_clause.override("mysql")
def _on_duplicate_key_text(d, head: str, key, rest) -> str:
    sets = ", ".join(f"{quote(c, d)} = VALUES({quote(c, d)})" for c in rest or key[:1])
    return f"{head} ON DUPLICATE KEY UPDATE {sets}"


@column_type.override("mysql")
def _keyable_and_precise(dialect, kind: str, key: bool):
    if key and kind == "TEXT":
        kind = "VARCHAR(255)"   # a TEXT key needs a length
    if kind == "TIMESTAMP":     # keep BSON's milliseconds
        from sqlalchemy.dialects.mysql import DATETIME
        return DATETIME(fsp=6)
    return column_type.default(dialect, kind, key)
