"""Tamper evidence for migrations and their history: checksums, events, fingerprints.

Three things are checked, each a plain function of data already read (no I/O here):

- a history row carries ``row_checksum``, a sha256 over its own content (version,
  name, status, scripts, progress, extra), so a row edited outside dbwork (its status,
  version or down script) no longer matches;
- every apply and every rollback is also an *event*, appended to an event log whose
  entries are hash-chained (each hash covers the previous one), so a deleted history
  row is still known from its events and a deleted or edited event breaks the chain;
- a migration file's checksum covers its header (version, name, parent, dialect) and
  both scripts, so editing any of them is seen.

The checksums are integrity checks, not signatures: someone who can write the history
table can also recompute them. They catch hand edits, bad merges and tools that
rewrite rows, which is what happens in practice.

>>> from dbwork.execute.backend import HistoryRow
>>> row = seal(HistoryRow("20260101000000", "t", "applied", "abc"))
>>> row_intact(row), row_intact(HistoryRow("20260101000000", "t", "rolled_back", "abc",
...                                         row_checksum=row.row_checksum))
(True, False)
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields, is_dataclass

from .backend import Event, HistoryRow

INTERNAL = ("dbwork_", "_dbwork", "_alembic_tmp_", "sqlite_")


# -- rows -----------------------------------------------------------------------------
def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def row_digest(row: HistoryRow) -> str:
    """sha256 over every field of ``row`` except ``row_checksum`` itself, in a form
    that survives a round trip through any backend (JSON-normalised extra, None as "")."""
    d = {f.name: getattr(row, f.name) for f in fields(row) if f.name != "row_checksum"}
    if d.get("group_id") is None:  # added later: rows written before it keep verifying
        d.pop("group_id", None)
    for k in ("up", "down", "dialect", "source_checksum"):
        d[k] = d[k] or ""
    d["steps_done"] = int(d["steps_done"] or 0)
    d["extra"] = json.loads(_canonical(d["extra"] or {}))
    return hashlib.sha256(_canonical(d).encode()).hexdigest()


def seal(row: HistoryRow) -> HistoryRow:
    """``row`` with its own checksum set (what every write stores)."""
    row.row_checksum = row_digest(row)
    return row


def row_intact(row: HistoryRow) -> bool:
    return bool(row.row_checksum) and row.row_checksum == row_digest(row)


def upgrade_legacy_rows(session) -> int:
    """Rows written before rows carried their own checksum: if a row still matches
    the checksum it was written with (up and down only, the old rule), re-seal it with
    the whole-migration checksum; a row that does not is left as it is, and verify()
    reports it. Idempotent: sealed rows are not touched. Returns how many were sealed."""
    from ..migration import checksum_of, migration_checksum
    n = 0
    for row in session.history():
        if row.row_checksum:
            continue
        if row.checksum != checksum_of(row.up, row.down):
            continue
        row.checksum = migration_checksum(row.version, row.name, row.parent, row.dialect,
                                          row.up, row.down)
        session.write_history(seal(row))
        n += 1
    return n


# -- events ---------------------------------------------------------------------------
def event_digest(e: Event) -> str:
    d = asdict(e)
    d.pop("hash")
    return hashlib.sha256(_canonical(d).encode()).hexdigest()


def next_event(events: list[Event], row: HistoryRow, kind: str, reason: str | None,
               at: str) -> Event:
    """The event that follows ``events`` (chained to the last one's hash)."""
    last = events[-1] if events else None
    e = Event(seq=(last.seq + 1) if last else 1, version=row.version, name=row.name,
              event=kind, status=row.status, at=at, duration_ms=row.duration_ms,
              steps_done=row.steps_done, reason=reason, checksum=row.checksum,
              prev_hash=last.hash if last else "", hash="")
    e.hash = event_digest(e)
    return e


# -- schema fingerprints --------------------------------------------------------------
def fingerprint(schema) -> dict[str, str]:
    """{object: sha256} for the tables (and PostgreSQL enums), or collections with
    their options and indexes, of a schema; dbwork's own tables are left out. Data
    statistics (sampled document shapes, counts) are not part of it."""
    from ..model.schema import Schema
    out: dict[str, str] = {}
    if isinstance(schema, Schema):
        for name, t in schema.tables.items():
            if not name.startswith(INTERNAL):
                out[name] = _digest(_table_state(t))
        for name, values in (getattr(schema, "enums", None) or {}).items():
            out[f"enum {name}"] = _digest(list(values))
        return out
    for name, c in (getattr(schema, "collections", None) or {}).items():
        if not name.startswith(INTERNAL):
            out[name] = _digest({"options": c.options, "indexes": c.indexes})
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> dict[str, str | None]:
    """What a migration changed, as the state to return to: {object: digest before,
    or None where it did not exist}."""
    keys = set(before) | set(after)
    return {k: before.get(k) for k in sorted(keys) if before.get(k) != after.get(k)}


def mismatches(expected: dict[str, str | None], now: dict[str, str]) -> list[str]:
    """Objects whose state now differs from ``expected`` (from :func:`changed`)."""
    out = []
    for name, digest in expected.items():
        if now.get(name) != digest:
            state = "should not exist" if digest is None else (
                "is missing" if name not in now else "differs from before the migration")
            out.append(f"{name} {state}")
    return out


def _table_state(t) -> dict:
    """A table as a set of facts: column order is left out (PostgreSQL brings a
    restored column back last; the fidelity checks own order), and so is the order in
    which the engine lists keys, checks and indexes."""
    d = asdict(t)
    d["columns"] = sorted(d["columns"], key=lambda c: c["name"])
    for key in ("foreign_keys", "uniques", "checks", "indexes"):
        d[key] = sorted(d[key], key=_canonical)
    return d


def _digest(value) -> str:
    if is_dataclass(value):
        value = asdict(value)
    return hashlib.sha256(_canonical(value).encode()).hexdigest()


__all__ = ["row_digest", "seal", "row_intact", "upgrade_legacy_rows", "event_digest",
           "next_event", "fingerprint", "changed", "mismatches"]
