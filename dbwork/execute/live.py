"""The live steps of a migration whose body differs by backend: a generic default
here, an override in the backend's package (see :mod:`dbwork.hooks`).

>>> from dbwork.dialects import get_dialect
>>> prepare_extensions(get_dialect("sqlite"), None, [], [])
[]
"""
from __future__ import annotations

from ..hooks import overridable


@overridable
def prepare_extensions(dialect, session, ops: list, warnings: list) -> list:
    """``ops`` adjusted to the extensions installed in the live database. Generic: the
    engine has no extensions, so nothing changes (PostgreSQL overrides it)."""
    return ops


@overridable
def drop_orphan_backups(dialect, session, versions=None) -> list[str]:
    """Backup tables left behind by an interrupted step whose migration is rolled back,
    dropped inside the locked session (:func:`dbwork.safety.backups.drop_orphans`);
    returns their names. Backends without backup tables override it."""
    from ..safety.backups import drop_orphans
    return drop_orphans(session, dialect, versions)


__all__ = ["drop_orphan_backups", "prepare_extensions"]
