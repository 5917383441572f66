"""Squash: one migration file in place of an applied run of them.

``wb.squash(first, last, name)`` replaces the files of the straight run ``first`` ..
``last`` (each the only child of the one before, all applied here) with one file whose
``-- replaces:`` line lists their versions and whose steps are theirs, in order. On
this database the squash is recorded as applied at once (nothing runs) and the old
history rows stay as they were, so the event log stays whole. Another database that
applied the old files records the squash the same way when it upgrades; a fresh
database runs the squash like any file. Files that built on ``last`` keep their
``-- parent:`` line: the graph reads it as the squash.

>>> from dbwork.migration import Migration, Step
>>> a = Migration("1", "a", [Step(1, "create t", ["CREATE TABLE t (a INT)"], ["DROP TABLE t"])])
>>> b = Migration("2", "b", [Step(1, "index t", ["CREATE INDEX i ON t (a)"], ["DROP INDEX i"])], parent="1")
>>> s = squashed([a, b], "9", "t_v1", "sqlite", "")
>>> s.replaces, [st.number for st in s.steps], s.parent
(('1', '2'), [1, 2], None)
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError
from ..migration import Migration

SQUASH_NOTE = "squash of {n} migrations ({first} .. {last}): recorded as applied, nothing ran"


def squashed(run: list[Migration], version: str, name: str, dialect: str,
             created: str) -> Migration:
    """The migration standing for ``run`` (oldest first): their steps renumbered."""
    steps, forward_only, n = [], [], 0
    for m in run:
        for st in m.steps:
            n += 1
            steps.append(replace(st, number=n, forward=list(st.forward),
                                 reverse=list(st.reverse)))
            if st.number in m.forward_only:
                forward_only.append(n)
    warnings = [w for m in run for w in m.warnings]
    return Migration(version, name, steps, parent=run[0].parent, dialect=dialect,
                     created=created, replaces=tuple(m.version for m in run),
                     warnings=list(dict.fromkeys(warnings)), forward_only=tuple(forward_only))


def run_between(graph, first: str, last: str) -> list[str]:
    """The versions from ``first`` to ``last`` along single parents, oldest first;
    ConfigError when that is not a straight line (a merge or a branch inside)."""
    run, v = [last], last
    while v != first:
        n = graph.nodes[v]
        if len(n.parents) != 1:
            raise ConfigError(f"cannot squash: {n.id} is a merge or a root before reaching "
                              f"{first} (squash a straight run of migrations)")
        v = n.parents[0]
        run.append(v)
    run.reverse()
    for v in run[:-1]:
        if len(graph.children[v]) != 1:
            raise ConfigError(f"cannot squash: {graph.nodes[v].id} has "
                              f"{len(graph.children[v])} children (a branch point); "
                              "squash a straight run")
    return run


def squash(wb, first: str, last: str, name: str = "squashed") -> Migration:
    """See the module docstring. ``first`` and ``last``: versions or names."""
    from ..execute.runner import now_iso
    from ..parse.cell import validate_name
    from .actions import session_graph
    validate_name(name)
    with wb.backend.session(wb.lock_timeout) as s:
        g = session_graph(wb, s)
        start, end = _find(g, first), _find(g, last)
        run = run_between(g, start, end)
        files = {m.version: m for m in wb.files.all()}
        not_applied = [files[v].id for v in run if g.nodes[v].status != "applied"]
        if not_applied:
            raise ConfigError(f"cannot squash: {', '.join(not_applied)} not applied here; "
                              "squash only migrations this database has applied")
        if len(run) < 2:
            raise ConfigError("cannot squash a single migration: give the first and the last")
        m = squashed([files[v] for v in run], wb._new_version(s), name, wb.dialect.name, now_iso())
        record_squash(s, m)
        applied = {r.version for r in s.history() if r.status == "applied"}
        wb.files.write(m, applied - set(run))
        for v in run:
            Path(files[v].path).unlink()
    return m


def _find(g, item: str) -> str:
    found = [v for v, n in g.nodes.items() if item in (v, n.name)]
    if len(found) != 1:
        raise ConfigError(f"no single migration file has version or name {item!r}")
    return found[0]


def already_applied(m: Migration, rows: dict) -> bool:
    return bool(m.replaces) and all(
        rows.get(v) is not None and rows[v].status == "applied" for v in m.replaces)


def check_replaced(files: list[Migration], rows: dict) -> None:
    """Refuse, before anything runs, a squash whose run this database applied only in part."""
    for m in files:
        if not m.replaces or m.version in rows:
            continue
        done = [v for v in m.replaces if rows.get(v) is not None and rows[v].status == "applied"]
        if done and len(done) != len(m.replaces):
            raise ConfigError(
                f"{m.id} squashes {', '.join(m.replaces)}, of which this database applied only "
                f"{', '.join(done)}: upgrade it with the original files first (from version "
                "control), then with the squash")


def record_squash(s, m: Migration) -> None:
    """History: the squash applied, without running (its migrations ran one by one)."""
    from ..execute.runner import now_iso, record
    m.status, m.applied_at, m.duration_ms = "applied", now_iso(), 0
    m.steps_done = len(m.steps)
    record(s, m, "applied", "applied")
    s.commit()
    m.notes.append(SQUASH_NOTE.format(n=len(m.replaces), first=m.replaces[0],
                                      last=m.replaces[-1]))


def refuse_rollback(chosen, rows) -> None:
    """A squash recorded over migrations this database ran one by one cannot be rolled
    back as one: its history is theirs. Refused, naming it, before anything runs."""
    applied = {r.version for r in rows if r.status == "applied"}
    for r in chosen:
        replaces = (r.extra or {}).get("replaces") or []
        if replaces and set(replaces) & applied:
            raise ConfigError(
                f"cannot roll back {r.version} {r.name}: it squashes {', '.join(replaces)}, "
                "which this database applied one by one; restore their files from version "
                "control to roll them back")
