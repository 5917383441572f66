"""Backup tables (``_dbwork_bak_<version>_<n>``): list them, and drop them on request.

A backup lives while its migration is applied (its rollback restores from it and
then drops it). Purging the backup of an applied migration makes that rollback
unable to bring the values back: :func:`purge_backups` says so in its result.

>>> parse_backup_name("_dbwork_bak_20260101120000_3")
('20260101120000', 3)
>>> source_of("_dbwork_bak_1_2", "-- step 2: back up users (email) by key into _dbwork_bak_1_2")
'users'
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..errors import ConfigError
from ..render.data import quote

PREFIX = "_dbwork_bak_"
COMPANION = "_seq"   # a dropped table's id counter, kept beside its rows' backup
_NAME = re.compile(r"^_dbwork_bak_(\d+)_(\d+)$")
_COMMENT = re.compile(r"back up (?:rows of )?(\S+) .*?into (_dbwork_bak_\d+_\d+)")
COLUMNS = ["backup", "source", "version", "rows", "created", "migration", "status", "orphan"]
OWNING = ("applied", "running", "failed")   # a rollback of these may still restore from it


def parse_backup_name(name: str) -> tuple[str, int] | None:
    m = _NAME.match(name)
    return (m.group(1), int(m.group(2))) if m else None


def source_of(backup: str, up_script: str) -> str | None:
    """The table a backup was taken from, read from the step comment in the up script."""
    for m in _COMMENT.finditer(up_script or ""):
        if m.group(2) == backup:
            return m.group(1)
    return None


def backup_tables(conn) -> list[str]:
    """Backup tables; a backup's counter companion (``<backup>_seq``) is part of it."""
    return sorted(n for n in sa.inspect(conn).get_table_names()
                  if n.startswith(PREFIX) and not n.endswith(COMPANION))


def _companions(conn) -> set[str]:
    return {n for n in sa.inspect(conn).get_table_names()
            if n.startswith(PREFIX) and n.endswith(COMPANION)}


def list_backups(backend) -> list[dict]:
    """One dict per backup table in the database (see :data:`COLUMNS`)."""
    history = {r.version: r for r in backend.history()}
    out = []
    with backend.connect() as conn:
        companions = _companions(conn)
        for name in backup_tables(conn):
            parsed = parse_backup_name(name)
            version = parsed[0] if parsed else None
            row = history.get(version)
            rows = int(conn.exec_driver_sql(
                f"SELECT COUNT(*) FROM {quote(name, backend.dialect)}").scalar())
            companion = name + COMPANION if name + COMPANION in companions else None
            out.append({"backup": name, "source": source_of(name, row.up) if row else None,
                        "companion": companion,
                        "version": version, "rows": rows,
                        "created": (row.applied_at if row else None) or _version_time(version),
                        "migration": row.name if row else None,
                        "status": row.status if row else None,
                        "orphan": is_orphan(row)})
        conn.rollback()
    return out


def is_orphan(row) -> bool:
    """No migration owns the backup: none in history, or its migration is rolled back
    (a rollback restores from a backup and then drops it, so one left behind after it
    belongs to a step that a crash cut short)."""
    return row is None or row.status not in OWNING


def drop_orphans(session, dialect, versions=None) -> list[str]:
    """Inside a locked session: drop the backups (and counter companions) of rolled-back
    migrations (of ``versions`` only, when given). A backup with no history row at all
    is kept and only listed: dbwork cannot tell where it came from.
    Returns the tables dropped."""
    conn = getattr(session, "conn", None)
    if conn is None:
        return []
    status = {r.version: r.status for r in session.history()}
    dropped = []
    for name in sorted(n for n in sa.inspect(conn).get_table_names() if n.startswith(PREFIX)):
        base = name[:-len(COMPANION)] if name.endswith(COMPANION) else name
        parsed = parse_backup_name(base)
        version = parsed[0] if parsed else None
        if version is None or status.get(version) != "rolled_back":
            continue
        if versions is not None and version not in versions:
            continue
        session.execute(f"DROP TABLE {quote(name, dialect)}")
        dropped.append(name)
    if dropped and session.transactional is False:
        session.commit()
    return dropped


def _version_time(version: str | None) -> str | None:
    try:
        t = datetime.strptime(version or "", "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cutoff(older_than) -> str | None:
    if older_than is None:
        return None
    now = datetime.now(timezone.utc)
    if isinstance(older_than, timedelta):
        t = now - older_than
    elif isinstance(older_than, (int, float)):
        t = now - timedelta(days=older_than)
    elif isinstance(older_than, datetime):
        t = older_than if older_than.tzinfo else older_than.replace(tzinfo=timezone.utc)
    elif isinstance(older_than, str):
        try:
            t = datetime.fromisoformat(older_than.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"older_than must be a timedelta, a number of days or an "
                              f"ISO date, not {older_than!r}") from None
        t = t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    else:
        raise ConfigError(f"older_than must be a timedelta, a number of days or an ISO "
                          f"date, not {older_than!r}")
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def select_for_purge(backups: list[dict], version=None, older_than=None) -> list[dict]:
    """Which backups a purge drops (pure): all, one version's, or those created
    before ``older_than`` (a timedelta / days ago, or a date)."""
    cutoff = _cutoff(older_than)
    out = []
    for b in backups:
        if version is not None and b["version"] != str(version):
            continue
        if cutoff is not None and (b["created"] or "") >= cutoff:
            continue
        out.append(b)
    return out


def purge_backups(backend, lock_timeout: float, version=None, older_than=None) -> list[dict]:
    """Drop the chosen backup tables under the migration lock. Returns what was
    dropped, each with a note when its migration is still applied."""
    chosen = select_for_purge(list_backups(backend), version, older_than)
    with backend.session(lock_timeout) as s:
        for b in chosen:
            s.execute(f"DROP TABLE {quote(b['backup'], backend.dialect)}")
            if b.get("companion"):
                s.execute(f"DROP TABLE {quote(b['companion'], backend.dialect)}")
            if b["status"] == "applied":
                b["note"] = (f"migration {b['version']} is still applied: its rollback "
                             "can no longer restore these values")
    return chosen
