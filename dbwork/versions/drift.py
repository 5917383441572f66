"""Drift: the live schema against what the applied migrations say it should be.

The applied migrations (their scripts, from history) are replayed on a throwaway
shadow database of the same engine (SQLite: a temporary file; PostgreSQL and MariaDB:
``CREATE DATABASE`` with a unique name, dropped afterwards, also when the replay
fails). The shadow's schema and the live one are compared with dbwork's diff; each
operation that turns the expected schema into the live one is a difference (added,
changed or dropped by hand), and together they are the migration that absorbs it.

>>> from dbwork.model import Column, Schema, Table
>>> from dbwork.dialects import get_dialect
>>> want = Schema.of(Table("t", (Column("id", "INTEGER", False),)))
>>> live = Schema.of(Table("t", (Column("id", "INTEGER", False), Column("note", "TEXT"))))
>>> d = compare_schemas(want, live, get_dialect("sqlite"), "migrations", "live")
>>> [(x.change, x.description) for x in d.differences]
[('added', 'add column t.note TEXT NULL')]
"""
from __future__ import annotations

import shutil
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..errors import ConfigError, DbworkError, UnsupportedError

_ADDED = ("Create", "Add")
_DROPPED = ("Drop",)


@dataclass(frozen=True)
class Difference:
    """One difference: ``change`` is added, changed or dropped (in the second schema
    compared with the first); ``description`` says what, ``tables`` where."""

    change: str
    description: str
    tables: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"change": self.change, "description": self.description,
                "tables": list(self.tables)}


@dataclass
class Drift:
    """The differences between an expected schema and an actual one.

    ``clean`` is True when there are none; ``migration()`` is the migration that
    turns the expected schema into the actual one (what absorbs the drift).
    """

    expected: str                       # what the first schema is ("applied migrations")
    actual: str                         # what the second is (a masked URL)
    dialect: object
    differences: list[Difference] = field(default_factory=list)
    ops: list = field(default_factory=list, repr=False)
    schema: object = field(default=None, repr=False)    # the expected schema

    @property
    def clean(self) -> bool:
        return not self.differences

    def migration(self, name: str = "absorb_drift"):
        """A planned Migration (not applied) whose up turns the expected schema into
        the actual one, with the generated down; ``wb.absorb(drift)`` records it as
        applied on the drifted database (nothing runs there)."""
        from ..migration import Migration
        from ..plan.steps import plan_steps
        steps = plan_steps(self.ops, self.schema, self.dialect) if self.ops else []
        return Migration("", name, steps, dialect=self.dialect.name, status="planned",
                         tables=tuple(sorted({t for d in self.differences for t in d.tables})))

    def to_dict(self) -> dict:
        """Stable keys: clean, expected, actual, dialect, differences [{change,
        description, tables}], migration (the up script, "" when clean)."""
        return {"clean": self.clean, "expected": self.expected, "actual": self.actual,
                "dialect": self.dialect.name,
                "differences": [d.to_dict() for d in self.differences],
                "migration": self.migration().up if self.ops else ""}

    def __str__(self) -> str:
        head = f"{self.actual} against {self.expected}"
        if self.clean:
            return f"no drift: {head}"
        lines = [f"drift: {len(self.differences)} difference(s), {head}"]
        lines += [f"  {d.change:<8} {d.description}" for d in self.differences]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Drift {'clean' if self.clean else f'{len(self.differences)} difference(s)'}>"

    def _repr_html_(self) -> str:
        e = escape
        if self.clean:
            return f"<div><b>no drift</b>: {e(self.actual)} against {e(self.expected)}</div>"
        rows = "".join(f"<tr><td>{e(d.change)}</td><td>{e(d.description)}</td></tr>"
                       for d in self.differences)
        up = e(self.migration().up)
        return (f"<div><b>drift</b>: {e(self.actual)} against {e(self.expected)}"
                f"<table><tr><th>change</th><th>what</th></tr>{rows}</table>"
                f"<details><summary>the migration that absorbs it</summary>"
                f"<pre>{up}</pre></details></div>")


# -- pure ----------------------------------------------------------------------------
def compare_schemas(expected, actual, dialect, expected_label: str,
                    actual_label: str) -> Drift:
    """The Drift from ``expected`` to ``actual`` (neutral schemas; pure)."""
    from ..diff import diff
    ops = diff(expected, actual, dialect)
    found = [Difference(_change(op), op.describe(), tuple(op.tables())) for op in ops]
    return Drift(expected_label, actual_label, dialect, found, ops, expected)


def _change(op) -> str:
    kind = type(op).__name__
    if kind.startswith(_ADDED):
        return "added"
    if kind.startswith(_DROPPED):
        return "dropped"
    return "changed"


def applied_rows(rows) -> list:
    """History rows of applied migrations, in the order they were applied."""
    done = [r for r in rows if r.status == "applied"]
    return sorted(done, key=lambda r: (r.applied_at or "", r.version))


# -- I/O: the shadow database ----------------------------------------------------------
def drift(wb) -> Drift:
    """The live schema of ``wb`` against its applied migrations replayed on a shadow."""
    _sql_only(wb, "drift")
    rows = applied_rows(wb.backend.history())
    with shadow_database(wb.url) as url:
        expected = _replay(wb, url, rows)
    return compare_schemas(expected, wb.schema(), wb.dialect,
                           f"{len(rows)} applied migration(s) replayed", wb.display_url)


def absorb(wb, found: Drift | None = None, name: str = "absorb_drift"):
    """Record the migration that absorbs ``wb``'s drift as applied, without running it
    (the change is already in the live schema): its file is written, so other databases
    run it on upgrade, and the drift of ``wb`` is clean afterwards. ``found``: a Drift
    from ``wb.drift()`` (the user reviewed it); refused when the live schema drifted
    further since then, or when there is nothing to absorb."""
    from ..execute.runner import now_iso, record
    from ..parse.cell import validate_name
    validate_name(name)
    now = drift(wb)
    if now.clean:
        raise ConfigError("no drift to absorb: the live schema is what the applied "
                          "migrations say")
    if found is not None and found.differences != now.differences:
        raise ConfigError("the live schema changed since that drift report was made: "
                          "look at wb.drift() again and absorb that")
    m = now.migration(name)
    with wb.backend.session(wb.lock_timeout) as s:
        m.version = wb._new_version(s)
        m.parents = _head_of(wb, s)
        m.parent = m.parents[0] if m.parents else None
        m.created, m.source_checksum = now_iso(), m.checksum
        m.status, m.applied_at, m.duration_ms, m.steps_done = "applied", now_iso(), 0, len(m.steps)
        record(s, m, "applied", "applied")   # its history row and event; nothing runs
        s.commit()
        wb._write_file(s, m)
    m.notes.append(f"absorbed {len(now.differences)} difference(s): recorded as applied, "
                   "nothing ran here; other databases run it on upgrade")
    return m


def _head_of(wb, s) -> tuple[str, ...]:
    """The one head the absorbing migration builds on (refused while branches are open)."""
    from .actions import session_graph
    g = session_graph(wb, s)
    if len(g.heads) > 1:
        raise ConfigError(f"the migration graph has {len(g.heads)} heads: merge them "
                          "(wb.merge()) before absorbing drift")
    if g.pending:
        raise ConfigError(f"{len(g.pending)} migration file(s) not applied here: "
                          "upgrade() first, then absorb the drift that is left")
    return tuple(g.heads)


def diff_databases(wb, other) -> Drift:
    """``other`` (a Workbench or URL) against ``wb``: what other has that wb has not
    (added), has otherwise (changed), lacks (dropped)."""
    from ..workbench import Workbench
    theirs = other if isinstance(other, Workbench) else Workbench(other)
    try:
        if theirs.dialect.name != wb.dialect.name:
            raise ConfigError(f"diff compares databases of one engine: {wb.dialect.name} "
                              f"and {theirs.dialect.name}")
        _sql_only(wb, "diff")
        return compare_schemas(wb.schema(), theirs.schema(), wb.dialect, wb.display_url,
                               theirs.display_url)
    finally:
        if theirs is not other:
            theirs.close()


def _sql_only(wb, what: str) -> None:
    if not wb.dialect.relational:
        raise UnsupportedError(f"{what} compares SQL schemas; {wb.dialect.name} is not one")


def _replay(wb, url, rows):
    from ..execute.runner import run_up
    from ..workbench import Workbench
    shadow = Workbench(url, tempfile.mkdtemp(prefix="dbwork_shadow_files_"))
    try:
        with shadow.backend.session(shadow.lock_timeout) as s:
            for row in rows:
                m = wb._from_history(row)
                try:
                    run_up(s, m)
                except DbworkError as e:
                    raise DbworkError(
                        f"drift: migration {row.version}_{row.name} does not replay on an "
                        f"empty shadow database ({e}); the live database may hold objects "
                        "made outside dbwork that it depends on") from None
        return shadow.schema()
    finally:
        shadow.close()
        shutil.rmtree(shadow.files.directory, ignore_errors=True)


def shadow_name(database: str) -> str:
    """A unique, recognisable name for a shadow database (pure apart from uuid)."""
    return f"{(database or 'db')[:30]}_shadow_{uuid.uuid4().hex[:10]}"


@contextmanager
def shadow_database(url):
    """Yields the URL of an empty database of the same engine as ``url``; it is
    dropped on leaving, whatever happened inside."""
    from ..backends import get_backend
    spec = get_backend(url.dialect)
    if spec.dialect.relational and spec.local_file:
        maker = _sqlite_shadow
    elif spec.dialect.relational and spec.dialect.can_run_here:
        maker = _server_shadow
    else:
        raise UnsupportedError(f"no shadow database for {url.dialect}")
    with maker(url) as shadow:
        yield shadow


@contextmanager
def _sqlite_shadow(url):
    folder = tempfile.mkdtemp(prefix="dbwork_shadow_")
    try:
        yield url.with_database(str(Path(folder) / "shadow.sqlite"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _server_shadow(url):
    from ..dialects import get_dialect
    from ..execute.sql import schema_option
    from ..safety.rehearse import _admin_engine
    d = get_dialect(url.dialect)
    q = d.quote
    name = shadow_name(url.database)
    namespace, _ = schema_option(url)
    admin_db = d.admin_database or url.database
    engine = _admin_engine(url.with_database(admin_db))
    try:
        with engine.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {q(name)}")
        shadow = url.with_database(name)
        if namespace:
            _create_schema(shadow, namespace, q)
        yield shadow
    finally:
        with engine.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {q(name)}{d.drop_database_force}")
        engine.dispose()


def _create_schema(url, namespace: str, quote) -> None:
    from ..safety.rehearse import _admin_engine
    engine = _admin_engine(url)
    try:
        with engine.connect() as c:
            c.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {quote(namespace)}")
    finally:
        engine.dispose()
