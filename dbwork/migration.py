"""The planned change: steps (forward, reverse, comment, source operation) and the
migration that holds them. The card, the file, the history row and the runner all
read these objects, so the documentation cannot drift from what ran.

>>> s = Step(1, "create table t (1 columns)", ["CREATE TABLE t (id INTEGER)"], ["DROP TABLE t"])
>>> m = Migration("20260101000000", "create_t", steps=[s], dialect="sqlite")
>>> print(m.up)
-- step 1: create table t (1 columns)
CREATE TABLE t (id INTEGER);
>>> print(m.down)
-- step 1: create table t (1 columns)
DROP TABLE t;
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("planned", "running", "applied", "failed", "rolled_back")


@dataclass
class Step:
    number: int
    comment: str
    forward: list[str]
    reverse: list[str]
    op: Any = None            # the source operation (None when read back from a file)
    kind: str = ""            # additive / renaming / changing / destructive / data
    transactional: bool = True  # False: must run outside a transaction (CONCURRENTLY)
    forward_only: bool = False  # no reverse: applied with irreversible=True


@dataclass
class Migration:
    """A migration: its identity, its steps and what happened to it.

    ``up`` and ``down`` are the scripts as text, exactly what runs; ``warnings`` what
    a reviewer should read first; ``status`` one of planned, applied, failed,
    rolled_back.
    """

    version: str
    name: str
    steps: list[Step] = field(default_factory=list)
    parent: str | None = None
    dialect: str = ""
    created: str = ""
    source: str = ""
    source_checksum: str = ""
    warnings: list[str] = field(default_factory=list)
    status: str = "planned"
    applied_at: str | None = None
    duration_ms: int | None = None
    steps_done: int = 0
    error: str | None = None
    dry_run: bool = False
    path: str | None = None
    explicit_down: bool = False
    checks: list[dict] = field(default_factory=list)   # data checks and validation
    notes: list[str] = field(default_factory=list)     # what happened ("already applied")
    erd: Any = None            # graphviz diagram around the touched tables, if drawn
    tables: tuple[str, ...] = ()
    forward_only: tuple[int, ...] = ()   # steps without a reverse (irreversible=True)
    schema_before: Any = field(default=None, repr=False)   # the schema it was planned on
    # what the apply changed, as the state a rollback must return to: {object: digest
    # before, or None} (integrity.changed); kept in the history row's extra
    restores: dict | None = field(default=None, repr=False)
    reason: str | None = None  # why it was rolled back (rollback(reason=...))
    restored: list[dict] = field(default_factory=list)  # after a rollback: rows put back
    group_id: str | None = None  # one change over several targets (dbwork.multi)
    # the migration graph (dbwork.versions): every parent (a merge has two or more;
    # ``parent`` is the first) and, for a squash, the versions it stands for
    parents: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.parents:
            self.parents = tuple(self.parents)
            self.parent = self.parents[0]
        elif self.parent:
            self.parents = (self.parent,)

    @property
    def up(self) -> str:
        return script(self.steps, "forward")

    @property
    def down(self) -> str:
        return script(list(reversed(self.steps)), "reverse")

    @property
    def checksum(self) -> str:
        """sha256 over the whole migration (version, name, parent, dialect, up and
        down): what upgrade() and verify() compare with history."""
        return migration_checksum(self.version, self.name, " ".join(self.parents) or None,
                                  self.dialect, self.up, self.down)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def id(self) -> str:
        return f"{self.version}_{self.name}"

    def _repr_html_(self) -> str:
        from .docs.card import migration_html
        return migration_html(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The card (HTML that survives JupyterLab's sanitizer), its diagram as
        image/svg+xml of its own, and the short text form."""
        from .docs.card import migration_bundle
        return migration_bundle(self)

    def __repr__(self) -> str:
        return (f"<Migration {self.version} {self.name} [{self.status}] "
                f"{len(self.steps)} step(s), {len(self.warnings)} warning(s)>")

    def __str__(self) -> str:
        from .docs.card import migration_text
        return migration_text(self)


def script(steps: list[Step], direction: str) -> str:
    parts = []
    for s in steps:
        stmts = s.forward if direction == "forward" else s.reverse
        body = "\n".join(terminate(st) for st in stmts)
        parts.append(f"-- step {s.number}: {one_line(s.comment)}\n{body}")
    return "\n\n".join(parts)


_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(comment: str) -> str:
    r"""A step comment as one line: a name with a line break in it would otherwise end
    the ``--`` comment and turn the rest into a statement of the script.

    >>> print(one_line("drop column t.\ra"))
    drop column t.\u000da
    """
    return comment.translate(_BREAKS)


def terminate(statement: str) -> str:
    statement = statement.rstrip()
    return statement if statement.endswith(";") else statement + ";"


def migration_checksum(version: str, name: str, parent: str | None, dialect: str,
                       up: str, down: str) -> str:
    """The checksum of a whole migration: its header and both scripts.

    >>> a = migration_checksum("1", "t", None, "sqlite", "CREATE TABLE t (a INT);", "DROP TABLE t;")
    >>> a == migration_checksum("2", "t", None, "sqlite", "CREATE TABLE t (a INT);", "DROP TABLE t;")
    False
    """
    header = f"version: {version}\nname: {name}\nparent: {parent or ''}\ndialect: {dialect or ''}"
    return hashlib.sha256((header + "\n--\n" + checksum_of(up, down)).encode()).hexdigest()


def checksum_of(up: str, down: str) -> str:
    """The scripts' checksum (up and down only; what history rows held before rows
    carried the whole-migration checksum)."""
    norm = "\n".join(line.rstrip() for line in (up.strip() + "\n--\n" + down.strip()).splitlines())
    return hashlib.sha256(norm.encode()).hexdigest()
