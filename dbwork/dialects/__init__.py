"""Dialects by name. ``get_dialect`` accepts the names people use in URLs; each dialect
belongs to a backend package in :mod:`dbwork.backends` (its ``SPEC.dialect``).

>>> get_dialect("postgres").name
'postgresql'
"""
from __future__ import annotations

from .base import Dialect


def get_dialect(name: str) -> Dialect:
    """The dialect of the backend called ``name`` (or an alias or URL scheme of it)."""
    from ..backends import get_backend
    from ..errors import ConfigError
    try:
        return get_backend(name).dialect
    except ConfigError as e:
        raise ConfigError(str(e).replace("unknown backend", "unknown dialect")) from None


__all__ = ["Dialect", "get_dialect"]
