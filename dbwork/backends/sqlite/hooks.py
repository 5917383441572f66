"""SQLite's overrides (registered on import; loaded with the backend)."""
from __future__ import annotations

from ...render.data import quote
from ...safety.checks import text_length
from ...safety.validate import fks_to_check, orphan_counts


@text_length.override("sqlite")
def _length(d, expr: str) -> str:
    return f"LENGTH({expr})"


@orphan_counts.override("sqlite")
def _foreign_key_check(d, session, schema, tables) -> dict[str, int]:
    """Orphans per foreign key from ``PRAGMA foreign_key_check`` (one per table)."""
    out: dict[str, int] = {}
    for t in sorted(set(tables) | {n for n, _ in fks_to_check(schema, tables)}):
        if schema.has_table(t):
            for r in session.query(f"PRAGMA foreign_key_check({quote(t, d)})"):
                label = f"{r[0]} -> {r[2]}"
                out[label] = out.get(label, 0) + 1
    return out
