"""Dialects by name. ``get_dialect`` accepts the names people use in URLs.

>>> get_dialect("postgres").name
'postgresql'
"""
from __future__ import annotations

from ..errors import ConfigError
from .base import Dialect
from . import mssql, mysql, postgresql, sqlite

DIALECTS: dict[str, Dialect] = {
    m.DIALECT.name: m.DIALECT for m in (sqlite, postgresql, mysql, mssql)
}
_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql",
            "tsql": "mssql", "sqlserver": "mssql"}


def register(dialect: Dialect) -> None:
    """Add a dialect (used by non-SQL backends such as MongoDB)."""
    DIALECTS[dialect.name] = dialect


def get_dialect(name: str) -> Dialect:
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in DIALECTS and key == "mongodb":
        from . import mongodb  # noqa: F401  registers itself
    try:
        return DIALECTS[key]
    except KeyError:
        known = ", ".join(sorted(DIALECTS))
        raise ConfigError(f"unknown dialect '{name}' (known: {known})") from None


__all__ = ["Dialect", "DIALECTS", "get_dialect", "register"]
