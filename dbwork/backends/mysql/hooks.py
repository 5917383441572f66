"""MySQL/MariaDB's overrides (registered on import; loaded with the backend)."""
from __future__ import annotations

from ...render.data import quote
from ...safety.checks import as_text, not_integer_text, not_number_text
from ...render.data import update_from_backup


@as_text.override("mysql")
def _as_char(d, expr: str) -> str:
    return f"CAST({expr} AS CHAR)"


@not_integer_text.override("mysql")
def _not_integer(d, c: str) -> str:
    return f"{c} NOT REGEXP '^ *[-+]?[0-9]+ *$'"


@not_number_text.override("mysql")
def _not_number(d, c: str) -> str:
    return f"{c} NOT REGEXP '^ *[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)? *$'"


@update_from_backup.override("mysql")
def _update_join(d, table: str, backup: str, on: str, columns: list, enums: dict) -> str:
    """MySQL has no UPDATE ... FROM: the backup is joined."""
    sets = ", ".join(f"{table}.{quote(c, d)} = bak.{quote(c, d)}" for c in columns)
    return f"UPDATE {table} JOIN {backup} AS bak ON {on} SET {sets}"
