"""Migration versions: the UTC second they were made, then a random 6-digit suffix.

A timestamp alone is not unique: two people on two machines who make a migration in
the same second get the same one, and after a git merge the folder holds two files
with one version. The suffix makes that a one-in-a-million event, and
:func:`check_unique` turns the rare remaining case into a clear error naming both
files. The suffix is digits so a version still fits in a backup table's name
(``_dbwork_bak_<version>_<n>``); old 14-digit versions stay valid and sort first.

>>> v = new_version(set(), now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
>>> v[:14], len(v), is_version(v), is_version("20260102030405"), is_version("2026-01")
('20260102030405', 20, True, True, False)
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta, timezone

from ..errors import VersionCollision

_VERSION = re.compile(r"^\d{14}(?:\d{6})?$")


def is_version(text: str) -> bool:
    return isinstance(text, str) and bool(_VERSION.match(text))


def new_version(taken: set[str], now: datetime | None = None) -> str:
    """A version not in ``taken`` and later than every one of them (so versions made
    on one machine keep the order they were made in)."""
    now = now or datetime.now(timezone.utc)
    latest = max(taken) if taken else ""
    for _ in range(1000):
        version = now.strftime("%Y%m%d%H%M%S") + f"{secrets.randbelow(10**6):06d}"
        if version not in taken and version > latest:
            return version
        if version[:14] < latest[:14]:
            now = datetime.strptime(latest[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        elif version[:14] == latest[:14] and latest[14:] >= "999000":
            now += timedelta(seconds=1)
    raise VersionCollision(latest, ["(could not find a free version after 1000 tries)"])


def check_unique(migrations) -> None:
    """Raise VersionCollision when two migration files share a version.

    >>> from dbwork.migration import Migration
    >>> check_unique([Migration("1", "a", path="1_a.sql"), Migration("1", "b", path="1_b.sql")])
    Traceback (most recent call last):
    ...
    dbwork.errors.VersionCollision: two migration files have version 1: 1_a.sql, 1_b.sql ...
    """
    seen: dict[str, list[str]] = {}
    for m in migrations:
        seen.setdefault(m.version, []).append(m.path or f"{m.version}_{m.name}")
    for version, paths in sorted(seen.items()):
        if len(paths) > 1:
            raise VersionCollision(version, paths)
