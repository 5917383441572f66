"""Protected environments: an upgrade needs an explicit confirmation AND a rehearsal
that passed for the same migration checksums.

A rehearsal of the pending files runs them up, down and up again on a throwaway copy
(dbwork.safety.rehearse's copies and snapshots); its verdict per file checksum is
recorded in the target itself (table ``dbwork_rehearsals``), so a deploy on another
machine sees it. A file edited after its rehearsal has another checksum: refused.

>>> # wb = dbwork.connect(env="prod"); wb.rehearse_pending().ok -> True
>>> # wb.upgrade(confirm="prod")
"""
from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from ..errors import ProtectedEnvironment
from ..safety.rehearse import RehearsalReport, _timed, compare, scratch_copy, snapshot

TABLE = "dbwork_rehearsals"
_DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (checksum VARCHAR(64) NOT NULL, "
        "version VARCHAR(64) NOT NULL, name VARCHAR(128) NOT NULL, ok INTEGER NOT NULL, "
        "at VARCHAR(32) NOT NULL)")


def to_apply(wb, include_reverted: bool = False) -> list:
    """The files an upgrade would apply, oldest first."""
    return [m for m in wb.pending() if include_reverted or m.status != "rolled_back"]


def guard(wb, confirm, include_reverted: bool = False) -> None:
    """Refuse an upgrade of a protected environment unless ``confirm`` is its name and
    every file to apply has a passed rehearsal for its checksum."""
    env = wb.environment
    if confirm != env.name:
        raise ProtectedEnvironment(
            f"environment {env.name!r} is protected: confirm with "
            f"upgrade(confirm={env.name!r}) (CLI: --confirm {env.name})")
    passed = rehearsed(wb)
    missing = [m for m in to_apply(wb, include_reverted) if m.checksum not in passed]
    if missing:
        names = ", ".join(f"{m.version}_{m.name}" for m in missing)
        raise ProtectedEnvironment(
            f"environment {env.name!r} is protected: no passed rehearsal for the current "
            f"content of {names}; run rehearse_pending() (CLI: dbwork --env {env.name} "
            "rehearse) first")


def refuse_migrate(wb, dry_run: bool) -> None:
    """A protected environment takes changes through files and upgrade() only."""
    if not dry_run:
        raise ProtectedEnvironment(
            f"environment {wb.environment.name!r} is protected: migrate() does not apply "
            "here; write the migration in another environment, rehearse the file, "
            "then upgrade(confirm=...)")


def rehearsed(wb) -> set[str]:
    """Checksums with a passed rehearsal recorded in ``wb``'s database."""
    with wb.backend.connect() as conn:
        if not sa.inspect(conn).has_table(TABLE):
            return set()
        rows = conn.execute(sa.text(f"SELECT checksum FROM {TABLE} WHERE ok = 1")).fetchall()
        conn.rollback()
    return {r[0] for r in rows}


def record(wb, files: list, ok: bool) -> None:
    """One row per rehearsed file in ``wb``'s database."""
    at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with wb.backend.connect() as conn:
        conn.execute(sa.text(_DDL))
        for m in files:
            conn.execute(sa.text(f"INSERT INTO {TABLE} (checksum, version, name, ok, at) "
                                 "VALUES (:c, :v, :n, :ok, :at)"),
                         {"c": m.checksum, "v": m.version, "n": m.name, "ok": int(ok),
                          "at": at})
        conn.commit()


def rehearse_pending(wb, allow_data_loss: bool = False,
                     include_reverted: bool = False) -> RehearsalReport:
    """Up, down, up of every pending file on a copy; the verdict is recorded per file
    checksum in the real database (nothing else there is written)."""
    from ..workbench import Workbench
    files = to_apply(wb, include_reverted)
    label = ", ".join(f"{m.version}_{m.name}" for m in files) or "(no pending files)"
    report = RehearsalReport(label, wb.dialect.name)
    if not files:
        report.schema_restored = report.rows_restored = report.reapplied = True
        return report
    folder = tempfile.mkdtemp(prefix="dbwork_rehearsal_files_")
    try:
        shutil.copytree(wb.files.directory, Path(folder) / "m")
        with scratch_copy(wb) as (url, sampled):
            report.sampled = sampled
            copy = Workbench(url, Path(folder) / "m", lock_timeout=wb.lock_timeout)
            try:
                _up_down_up(copy, report, allow_data_loss, include_reverted)
            finally:
                copy.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    record(wb, files, report.ok)
    return report


def _up_down_up(copy, report, allow_data_loss: bool, include_reverted: bool) -> None:
    def up():
        return copy.upgrade(allow_data_loss=allow_data_loss,
                            include_reverted=include_reverted)
    start = snapshot(copy)
    done = _timed(report, "up", up)
    if not done:
        if done is not None:
            report.differences.append("up applied nothing on the copy")
        return
    applied = snapshot(copy)
    if _timed(report, "down", lambda: copy.rollback(steps=len(done))) is None:
        return
    report.schema_restored, report.rows_restored, diffs = compare(start, snapshot(copy))
    report.differences += diffs

    def again():
        return copy.upgrade(allow_data_loss=allow_data_loss, include_reverted=True)
    redone = _timed(report, "up again", again)
    report.reapplied = bool(redone) and compare(applied, snapshot(copy))[0]


__all__ = ["guard", "rehearse_pending", "rehearsed", "record", "refuse_migrate"]
