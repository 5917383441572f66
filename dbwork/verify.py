"""Verify migration files against history, and history against itself (pure).

``check(files, rows, events, dialect)`` returns a :class:`VerifyReport` listing
:class:`Finding` objects, each naming the file or the history row it is about:

=================  =============================================================
kind               what was found
=================  =============================================================
unreadable_file    a migration file that cannot be read or is not a dbwork file
file_header        the file name's version or name differs from its header
duplicate_version  two files share a version
foreign_engine     a file written for another engine (one folder per target)
file_deleted       an applied migration has no file any more
file_edited        an applied migration's file changed (up, down or header)
row_edited         a history row does not match its own checksum
row_deleted        the event log knows a migration that history no longer has
row_state          a history row's status differs from its last event
event_chain        an event was edited or deleted (the hash chain breaks)
out_of_order       an unapplied file that would run before something applied: its
                   parent already has an applied child (a branch made before the
                   applied head), or, without a parent, a version older than the
                   newest applied migration
broken_graph       a parent that no file has, or parents that form a cycle
=================  =============================================================

>>> r = VerifyReport("sqlite:///app.sqlite", [Finding("file_deleted", "history row 1 t",
...                  "applied, but its file is gone")], files=0, rows=1, events=1)
>>> r.ok, r.kinds()
(False, ['file_deleted'])
"""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .execute.integrity import event_digest, row_intact
from .migration import checksum_of

BLOCKS_ROLLBACK = ("row_edited", "row_deleted", "row_state", "event_chain")
# findings about the graph's shape, not about changes made outside dbwork: the graph
# raises its own errors for them (VersionCollision, BrokenGraph, OutOfOrder)
GRAPH_KINDS = ("duplicate_version", "broken_graph", "out_of_order")


@dataclass
class Finding:
    kind: str
    subject: str       # the file path, or "history row VERSION NAME", or "event #N"
    message: str
    version: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}: {self.message}"

    @property
    def tampering(self) -> bool:
        """A change made outside dbwork (a file or a history row edited, deleted,
        unreadable), as opposed to a finding about the graph's shape (GRAPH_KINDS)."""
        return self.kind not in GRAPH_KINDS


@dataclass
class VerifyReport:
    """What ``wb.verify()`` found. ``ok`` when nothing; ``str()`` is the text form,
    ``_repr_html_`` the notebook table, ``to_dict()`` what ``dbwork verify --json``
    prints."""

    target: str
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    rows: int = 0
    events: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.findings})

    def to_dict(self) -> dict:
        return {"target": self.target, "ok": self.ok, "files": self.files,
                "rows": self.rows, "events": self.events,
                "findings": [asdict(f) for f in self.findings]}

    def __str__(self) -> str:
        head = (f"verify {self.target}: {self.files} file(s), {self.rows} history row(s), "
                f"{self.events} event(s): ")
        if self.ok:
            return head + "ok"
        return head + f"{len(self.findings)} finding(s)\n" + "\n".join(
            f"  - {f}" for f in self.findings)

    def __repr__(self) -> str:
        return f"<VerifyReport {'ok' if self.ok else f'{len(self.findings)} finding(s)'}>"

    def _repr_html_(self) -> str:
        e = html.escape
        head = (f"<b>verify</b> {e(self.target)}: {self.files} file(s), {self.rows} "
                f"history row(s), {self.events} event(s)")
        if self.ok:
            return f"<div>{head}: <span style='color:green'>ok</span></div>"
        rows = "".join(f"<tr><td>{e(f.kind)}</td><td><code>{e(f.subject)}</code></td>"
                       f"<td>{e(f.message)}</td></tr>" for f in self.findings)
        return (f"<div>{head}: <span style='color:#b00'>{len(self.findings)} finding(s)"
                f"</span><table><tr><th>kind</th><th>file or row</th><th>finding</th></tr>"
                f"{rows}</table></div>")


def check(files, rows, events, dialect: str, target: str = "") -> VerifyReport:
    """Every check above over ``files`` (a MigrationFiles), history ``rows`` and
    ``events`` for a database of ``dialect``."""
    migrations, findings = _read_files(files, dialect)
    findings += _check_rows(rows)
    findings += _check_events(events, rows)
    findings += _check_files_against(migrations, rows, files.directory)
    return VerifyReport(target, findings, len(migrations), len(rows), len(events))


def _read_files(files, dialect: str):
    from .errors import DbworkError
    out, findings, seen = [], [], {}
    for path in files.paths():
        try:
            m = files._read(path)
        except (DbworkError, UnicodeDecodeError, ValueError) as e:
            findings.append(Finding("unreadable_file", str(path), _first(e)))
            continue
        stem_version, _, stem_name = path.stem.partition("_")
        if (stem_version, stem_name) != (m.version, m.name):
            findings.append(Finding(
                "file_header", str(path), f"the file name says {stem_version} {stem_name} "
                f"but its header says version {m.version} name {m.name}", m.version))
        if m.version in seen:
            findings.append(Finding("duplicate_version", str(path),
                                    f"version {m.version} is also {seen[m.version]}", m.version))
        seen.setdefault(m.version, str(path))
        if m.dialect and m.dialect != dialect:
            findings.append(Finding("foreign_engine", str(path), foreign_message(m, dialect),
                                    m.version))
            continue
        out.append(m)
    return out, findings


def foreign_message(m, dialect: str) -> str:
    return (f"written for {m.dialect}, this database is {dialect}: keep one migrations "
            f"folder per target, e.g. connect(url, migrations='migrations/{dialect}') "
            f"(--migrations migrations/{dialect})")


def _check_rows(rows) -> list[Finding]:
    out = []
    for r in rows:
        legacy_ok = not r.row_checksum and r.checksum == checksum_of(r.up, r.down)
        if not (legacy_ok or row_intact(r)):
            out.append(Finding("row_edited", row_subject(r),
                               "the row does not match its own checksum: its status, version "
                               "or scripts were edited outside dbwork", r.version))
    return out


def _check_events(events, rows) -> list[Finding]:
    out, prev, last = [], None, {}
    for i, e in enumerate(events, 1):
        if e.seq != i or e.prev_hash != (prev.hash if prev else "") or \
                e.hash != event_digest(e):
            what = "missing before it" if e.seq != i else "edited, or one before it deleted"
            out.append(Finding("event_chain", f"event #{e.seq} ({e.version} {e.name})",
                               f"the event log's chain breaks here: an event is {what}",
                               e.version))
            break
        prev, last[e.version] = e, e
    by_version = {r.version: r for r in rows}
    for version, e in last.items():
        row = by_version.get(version)
        if row is None:
            out.append(Finding("row_deleted", f"history row {version} {e.name}",
                               f"the row was deleted (its last event, #{e.seq} at {e.at}, "
                               f"left it {e.status})", version))
        elif row.status in ("applied", "rolled_back") and row.status != e.status:
            out.append(Finding("row_state", row_subject(row),
                               f"the row says {row.status} but its last event (#{e.seq}) "
                               f"says {e.status}", version))
    return out


def _check_files_against(migrations, rows, directory) -> list[Finding]:
    out = []
    by_version = {m.version: m for m in migrations}
    squashed = {v for m in migrations for v in m.replaces}
    applied = [r for r in rows if r.status == "applied"]
    for r in applied:
        m = by_version.get(r.version)
        if m is None and r.version in squashed:
            continue  # its file was squashed into one that replaces it
        if m is None:
            out.append(Finding("file_deleted", row_subject(r),
                               f"applied, but its file is gone from {directory}: restore "
                               f"{r.version}_{r.name} from version control", r.version))
            continue
        parts = differences(r, m)
        if parts:
            out.append(Finding("file_edited", str(m.path),
                               f"changed after it was applied ({', '.join(parts)} differ "
                               "from history): restore it, or roll the migration back "
                               "before editing it", r.version))
    return out + _check_graph(migrations, rows)


def _check_graph(migrations, rows) -> list[Finding]:
    """The graph's own findings: broken (a missing parent, a cycle) or out of order."""
    from .errors import BrokenGraph, VersionCollision
    from .versions.graph import build_graph
    try:
        graph = build_graph(migrations, {r.version: r.status for r in rows})
    except VersionCollision:
        return []  # reported as duplicate_version
    except BrokenGraph as e:
        if e.problem == "missing_parent" and set(e.versions[1:]) & {r.version for r in rows}:
            return []  # the parent ran: its file was deleted or re-versioned (found above)
        return [Finding("broken_graph", f"migration {e.versions[0]}", str(e), e.versions[0])]
    out = []
    known = {r.version for r in rows}
    for v in graph.out_of_order():
        if v in known:  # rolled back or failed: upgrade's own rules apply
            continue
        n = graph.nodes[v]
        out.append(Finding("out_of_order", str(n.path),
                           f"not applied, and it would run before migrations already "
                           f"applied ({graph.late_reason(v)}): "
                           "upgrade(allow_out_of_order=True) (--allow-out-of-order) "
                           "applies it anyway", v))
    return out


def differences(row, m) -> list[str]:
    """Which parts of file ``m`` differ from history ``row`` ([] when none)."""
    up, down = _file_sections(m)
    if row.row_checksum and row.checksum == m.checksum and (up, down) == (
            _norm(row.up), _norm(row.down)):
        return []
    parts = [name for name, mine, theirs in (("up", up, row.up), ("down", down, row.down))
             if mine != _norm(theirs)]
    for key in ("name", "parent", "dialect"):
        if (getattr(row, key) or "") != (getattr(m, key) or ""):
            parts.append(f"{key} header")
    if not parts and row.row_checksum and row.checksum != m.checksum:
        parts.append("checksum")
    return parts


def _file_sections(m) -> tuple[str, str]:
    """The file's sections as written (a step dbwork would not read counts too)."""
    from .execute.files import raw_sections
    try:
        up, down = raw_sections(Path(m.path).read_text(encoding="utf-8"))
    except (OSError, TypeError, UnicodeDecodeError):
        return _norm(m.up), _norm(m.down)
    return _norm(up), _norm(down)


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").strip().splitlines())


def row_subject(r) -> str:
    return f"history row {r.version} {r.name}"


def _first(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


__all__ = ["Finding", "VerifyReport", "check", "differences", "BLOCKS_ROLLBACK", "GRAPH_KINDS"]
