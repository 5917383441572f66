"""Dress rehearsal on a throwaway copy of the database: up, verify, down, verify, up.

The copy: SQLite, a file copy (sqlite3's backup API); PostgreSQL, ``CREATE DATABASE
... TEMPLATE`` (a full copy; needs no other session on the real database); MySQL /
MariaDB, a scratch schema built from ``SHOW CREATE TABLE`` with tables over
``sample_rows`` rows sampled. The real database, its history and its migration files
are never written; the copy is dropped at the end.

The report says whether the schema after down equals the schema before, whether the
rows' checksums after down equal those before, and how long each step took.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path


from ..errors import DbworkError
from ..hooks import overridable
from ..render.data import quote

SAMPLE_ROWS = 100_000


@dataclass
class Snapshot:
    schema: dict            # table -> normalised Table (column order ignored)
    rows: dict              # table -> (row count, sha256 of the sorted rows)


@dataclass
class RehearsalReport:
    """What a rehearsal found. ``ok`` is True when every check passed."""

    name: str
    dialect: str
    mode: str = "up-down-up"            # or "down-up" when the copy had it applied
    steps: list[dict] = field(default_factory=list)   # step, seconds, result
    schema_restored: bool = False
    rows_restored: bool = False
    reapplied: bool = False
    differences: list[str] = field(default_factory=list)
    sampled: dict = field(default_factory=dict)       # table -> rows copied (of total)
    warnings: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)  # validation results of the up

    @property
    def ok(self) -> bool:
        return self.schema_restored and self.rows_restored and self.reapplied

    def summary(self) -> str:
        verdict = "passed" if self.ok else "FAILED"
        lines = [f"rehearsal of {self.name} on a copy ({self.dialect}, {self.mode}): {verdict}",
                 f"  schema after down equals before: {self.schema_restored}",
                 f"  row checksums after down equal before: {self.rows_restored}",
                 f"  applies again after the rollback: {self.reapplied}"]
        lines += [f"  difference: {d}" for d in self.differences]
        if self.sampled:
            lines.append("  sampled: " + ", ".join(f"{t} {n}" for t, n in self.sampled.items()))
        return "\n".join(lines)

    def timings(self) -> str:
        return "\n".join(f"{s['step']}: {s['seconds']:.3f} s ({s['result']})" for s in self.steps)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<RehearsalReport {self.name} {'ok' if self.ok else 'FAILED'}>"

    def _repr_html_(self) -> str:
        from ..docs.results import rehearsal_html
        return rehearsal_html(self)


# -- snapshots (I/O at the edge, comparison pure) --------------------------------------
def normalise(schema) -> dict:
    """Tables with columns, indexes and constraints in name order (pure)."""
    out = {}
    for name, t in schema.tables.items():
        out[name] = replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)),
                            indexes=tuple(sorted(t.indexes, key=lambda i: i.name)),
                            uniques=tuple(sorted(t.uniques, key=lambda u: u.columns)),
                            foreign_keys=tuple(sorted(t.foreign_keys, key=lambda f: f.columns)),
                            checks=tuple(sorted(t.checks, key=lambda c: c.expression)))
    return out


def table_checksum(conn, table: str, columns: list[str], dialect) -> tuple[int, str]:
    """(rows, sha256) over every row, columns in name order, rows sorted."""
    cols = sorted(columns)
    q = ", ".join(quote(c, dialect) for c in cols)
    rows = conn.exec_driver_sql(f"SELECT {q} FROM {quote(table, dialect)}").fetchall()
    digest = hashlib.sha256()
    for r in sorted((tuple(map(_stable, r)) for r in rows)):
        digest.update(repr(r).encode())
    return len(rows), digest.hexdigest()


def _stable(v):
    return (type(v).__name__, repr(v)) if v is not None else ("None", "")


def snapshot(wb) -> Snapshot:
    schema = wb.backend.introspect()
    rows = {}
    with wb.backend.connect() as conn:
        for name, t in schema.tables.items():
            rows[name] = table_checksum(conn, name, [c.name for c in t.columns], wb.dialect)
        conn.rollback()
    return Snapshot(normalise(schema), rows)


def compare(a: Snapshot, b: Snapshot) -> tuple[bool, bool, list[str]]:
    """(schema equal, rows equal, differences) between two snapshots (pure)."""
    diffs = []
    for t in sorted(set(a.schema) | set(b.schema)):
        if a.schema.get(t) != b.schema.get(t):
            diffs.append(f"table {t}: schema differs" if t in a.schema and t in b.schema
                         else f"table {t}: only {'before' if t in a.schema else 'after'}")
    schema_ok = not diffs
    for t in sorted(set(a.rows) | set(b.rows)):
        if a.rows.get(t) != b.rows.get(t):
            na, nb = (a.rows.get(t) or (None,))[0], (b.rows.get(t) or (None,))[0]
            diffs.append(f"table {t}: rows differ ({na} -> {nb} rows)")
    return schema_ok, all("rows differ" not in d for d in diffs), diffs


# -- scratch copies ------------------------------------------------------------------
@contextmanager
def scratch_copy(wb, sample_rows: int = SAMPLE_ROWS):
    """Yields (url of a throwaway copy, {table: 'copied of total'} for sampled tables),
    made by the backend's :func:`copy_for_rehearsal`."""
    with copy_for_rehearsal(wb.dialect, wb, sample_rows) as got:
        yield got


@overridable
def copy_for_rehearsal(dialect, wb, sample_rows: int):
    """A context manager yielding a throwaway copy of ``wb``'s database. Generic: there
    is no way to copy it, so a rehearsal is refused (backends override it)."""
    raise DbworkError(f"rehearsal is not available for {dialect.name}")


def _scratch_name(db: str) -> str:
    return f"{db[:40]}_rh_{uuid.uuid4().hex[:8]}"


def _admin_engine(url):
    from ..execute.sql import _make_engine
    return _make_engine(url).execution_options(isolation_level="AUTOCOMMIT")


# -- the rehearsal ---------------------------------------------------------------------
def rehearse(wb, name: str, text: str, allow_data_loss: bool = False,
             sample_rows: int = SAMPLE_ROWS) -> RehearsalReport:
    """Run up, verify, down, verify, up on a copy of ``wb``'s database."""
    from ..workbench import Workbench
    report = RehearsalReport(name, wb.dialect.name)
    files = tempfile.mkdtemp(prefix="dbwork_rehearsal_files_")
    try:
        if Path(wb.files.directory).exists():
            shutil.copytree(wb.files.directory, Path(files) / "m")
        with scratch_copy(wb, sample_rows) as (url, sampled):
            report.sampled = sampled
            copy = Workbench(url, Path(files) / "m", lock_timeout=wb.lock_timeout,
                             source_dialect=wb.source_dialect)
            try:
                _run(copy, report, name, text, allow_data_loss)
            finally:
                copy.close()
    finally:
        shutil.rmtree(files, ignore_errors=True)
    return report


def _timed(report, step: str, fn):
    t0 = time.perf_counter()
    try:
        out = fn()
    except DbworkError as e:
        report.steps.append({"step": step, "seconds": time.perf_counter() - t0,
                             "result": f"failed: {e}"})
        report.differences.append(f"{step} failed: {e}")
        return None
    report.steps.append({"step": step, "seconds": time.perf_counter() - t0, "result": "ok"})
    return out


def _run(copy, report, name, text, allow_data_loss) -> None:
    up = lambda: copy.migrate(name, text, allow_data_loss=allow_data_loss)  # noqa: E731
    start = snapshot(copy)
    m = _timed(report, "up", up)
    if m is None:
        return
    report.warnings, report.checks = list(m.warnings), list(m.checks)
    if any("already applied" in n for n in m.notes):
        report.mode = "down-up"
        report.steps[-1]["result"] = "already applied on the copy"
        _down_up(copy, report, up, start)
        return
    _verify(report, "verify up", m)
    applied = snapshot(copy)
    if _timed(report, "down", lambda: copy.rollback()) is None:
        return
    _compare(report, "verify down", start, snapshot(copy))
    again = _timed(report, "up again", up)
    report.reapplied = again is not None and again.status == "applied" and \
        compare(applied, snapshot(copy))[0]


def _down_up(copy, report, up, applied) -> None:
    """The copy has the migration applied: rehearse its rollback, then re-apply."""
    if _timed(report, "down", lambda: copy.rollback()) is None:
        return
    after_down = snapshot(copy)
    report.steps.append({"step": "verify down", "seconds": 0.0,
                         "result": f"{len(after_down.schema)} tables"})
    again = _timed(report, "up again", up)
    if again is None:
        return
    schema_ok, rows_ok, diffs = compare(applied, snapshot(copy))
    report.reapplied = again.status == "applied" and schema_ok
    # down-up returns to the applied state: same schema and rows as the start
    report.schema_restored, report.rows_restored = schema_ok, rows_ok
    report.differences += diffs


def _verify(report, step, m) -> None:
    bad = [c for c in m.checks if c.get("result") not in ("ok", None)]
    report.steps.append({"step": step, "seconds": 0.0,
                         "result": "ok" if not bad else f"{len(bad)} check(s) not ok"})


def _compare(report, step, before, after) -> None:
    schema_ok, rows_ok, diffs = compare(before, after)
    report.schema_restored, report.rows_restored = schema_ok, rows_ok
    report.differences += diffs
    report.steps.append({"step": step, "seconds": 0.0,
                         "result": "ok" if schema_ok and rows_ok else "; ".join(diffs)})
