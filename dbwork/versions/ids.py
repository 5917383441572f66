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
    on one machine keep the order they were made in). In the second of the latest
    version, the suffix is drawn from above the latest one's; when none is left, the
    next second is used.

    >>> t = {"20260102030405999999"}
    >>> new_version(t, now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))[:14]
    '20260102030406'
    """
    now = now or datetime.now(timezone.utc)
    latest = max(taken) if taken else ""
    second = max(now.strftime("%Y%m%d%H%M%S"), latest[:14])
    for _ in range(1000):
        low = int(latest[14:] or -1) + 1 if second == latest[:14] else 0
        if low >= 10**6:
            second = _next_second(second)
            continue
        version = second + f"{low + secrets.randbelow(10**6 - low):06d}"
        if version not in taken and version > latest:
            return version
    raise VersionCollision(latest, ["(could not find a free version after 1000 tries)"])


def _next_second(second: str) -> str:
    t = datetime.strptime(second, "%Y%m%d%H%M%S") + timedelta(seconds=1)
    return t.strftime("%Y%m%d%H%M%S")


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
