"""What the workbench needs from a backend: the I/O edge, nothing more.

A backend owns one connection target. It introspects (live database -> neutral model),
answers data questions, and opens a *session*: the migration lock is held for the
session's lifetime, and the session executes statements and reads/writes history.

SQL backends live in :mod:`dbwork.execute.sql`; the document backend (MongoDB) in
:mod:`dbwork.backends.mongodb.session`. Both satisfy these protocols, so the workbench, the
runner and the magics never ask which one they hold.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..dialects.base import Dialect


@dataclass(frozen=True)
class Timeouts:
    """Every wait has an end (seconds; ``statement=None`` or 0: statements may run as
    long as they need, and only TCP keepalives notice a dead server).

    - ``connect``: reaching the server and its greeting (driver connect timeout)
    - ``lock``: the migration lock, and every table or row lock a statement waits for
      (PostgreSQL lock_timeout; MariaDB lock_wait_timeout and innodb_lock_wait_timeout;
      SQLite busy_timeout)
    - ``statement``: one statement's run time, enforced by the server (PostgreSQL
      statement_timeout, MariaDB max_statement_time) and, a little later, by the
      client, for a server that stopped answering (the driver's read timeout)

    >>> Timeouts(lock=5, statement=60).client_deadline()
    62.0
    >>> Timeouts(statement=None).client_deadline() is None
    True
    """

    connect: float = 10.0
    lock: float = 30.0
    statement: float | None = 900.0

    GRACE = 2.0   # the server's own limit fires first; the client's is for silence

    def client_deadline(self, lock: float | None = None) -> float | None:
        """How long the client waits for any answer before it gives the server up."""
        if not self.statement:
            return None
        return float(max(self.statement, self.lock if lock is None else lock) + self.GRACE)

    def checked(self) -> "Timeouts":
        for name in ("connect", "lock", "statement"):
            value = getattr(self, name)
            if value is None and name == "statement":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    value != value or value < 0 or value > 86400 * 7:
                from ..errors import ConfigError
                raise ConfigError(f"{name}_timeout must be a number of seconds between 0 "
                                  f"and a week, not {value!r}")
        if self.connect <= 0:
            from ..errors import ConfigError
            raise ConfigError("connect_timeout must be more than 0 seconds")
        return self


@dataclass
class HistoryRow:
    """One row of the history store (a table, or a collection on MongoDB)."""

    version: str
    name: str
    status: str                      # planned | running | applied | failed | rolled_back
    checksum: str
    applied_at: str | None = None    # ISO 8601 UTC
    duration_ms: int | None = None
    up: str = ""
    down: str = ""
    parent: str | None = None
    dialect: str = ""
    steps_done: int = 0              # non-transactional backends: progress per step
    error: str | None = None
    source_checksum: str = ""
    extra: dict = field(default_factory=dict)   # validation results, backups, ...
    row_checksum: str = ""           # sha256 over this row's content (integrity.seal)
    group_id: str | None = None      # one change over several targets (dbwork.multi)


@dataclass
class Event:
    """One apply, rollback or failure, appended to the event log and never rewritten.
    ``hash`` covers every other field and ``prev_hash`` (the previous event's hash),
    so the log is a chain: an edited or deleted event shows (integrity.event_digest).

    To add a field: give it a default here and a column in each backend's event table
    (execute/sql.py ``_EVENT_COLUMNS``); old events keep verifying only if the new
    field's default is left out of the digest (see integrity.event_digest)."""

    seq: int
    version: str
    name: str
    event: str                       # applied | rolled_back | failed
    status: str                      # the migration's state after the event
    at: str                          # ISO 8601 UTC
    duration_ms: int | None = None
    steps_done: int = 0
    reason: str | None = None        # rollback(reason=...)
    checksum: str = ""               # the migration's checksum at that moment
    prev_hash: str = ""
    hash: str = ""


class Session(Protocol):
    """A locked conversation with the database. ``transactional`` says whether the
    statements and the history row commit together (commit() at the end) or each
    statement is final as soon as it runs (history records progress per step)."""

    transactional: bool

    def execute(self, statement: str) -> None: ...
    def query(self, statement: str) -> list[tuple]: ...
    def history(self) -> list[HistoryRow]: ...
    def write_history(self, row: HistoryRow) -> None: ...
    def events(self) -> list[Event]: ...
    def last_event(self) -> Event | None: ...   # the newest event (the chain's head)
    def write_event(self, event: Event) -> None: ...
    def commit(self) -> None: ...
    def introspect(self, only=None) -> Any: ...
    def count_rows(self, table: str) -> int: ...
    def rollback(self) -> None: ...


class Backend(Protocol):
    dialect: Dialect
    display_url: str                 # masked: safe to show anywhere

    def introspect(self) -> Any: ...             # neutral Schema (or document schema)
    def count_rows(self, table: str) -> int: ...
    def session(self, lock_timeout: float = 30.0) -> AbstractContextManager[Session]: ...
    def history(self) -> list[HistoryRow]: ...   # read without the lock
    def events(self) -> list[Event]: ...         # read without the lock, oldest first
    def close(self) -> None: ...
