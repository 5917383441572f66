"""SQLite's SQL rendering: a restore's values compared with their storage class
(registered on import)."""
from __future__ import annotations

from ...render.data import same_value, value_fingerprint


@same_value.override("sqlite")
def _same_and_same_class(d, a: str, b: str) -> str:
    return f"({a} IS {b} AND typeof({a}) = typeof({b}))"


@value_fingerprint.override("sqlite")
def _value_and_class(d, col: str) -> str:
    return f"{col}, typeof({col})"
