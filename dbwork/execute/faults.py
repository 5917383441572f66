"""Driver errors that are about the connection, a lock or a time limit, as dbwork errors.

One function, :func:`translate_driver_error`, reads the engine's own code (PostgreSQL
SQLSTATE, MySQL/MariaDB error number, SQLite's message) and returns a
:class:`LockTimeout`, :class:`StatementTimeout` or :class:`ConnectionFailed`, or
``None`` when the error is about the statement itself (a syntax error, a violated
constraint), which the caller reports as a failed step. Nothing here ever quotes a
password: every message passes through :func:`dbwork.url.scrub`.

>>> import sqlite3
>>> e = sqlite3.OperationalError("database is locked")
>>> print(translate_driver_error(e, "sqlite:///app.sqlite", lock_timeout=5))
timed out after 5 s waiting for the SQLite database write lock
  database is locked
>>> translate_driver_error(sqlite3.OperationalError("no such table: t"), "sqlite:///x") is None
True
"""
from __future__ import annotations

from ..errors import ConnectionFailed, DbworkError, LockTimeout, StatementTimeout
from ..hooks import overridable
from ..url import scrub

# PostgreSQL SQLSTATE codes
_PG_LOCK = {"55P03", "40P01"}            # lock_not_available, deadlock_detected
_PG_TIMEOUT = {"57014"}                  # query_canceled (statement_timeout, cancel)
_PG_GONE = {"57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"}
# MySQL / MariaDB error numbers
_MY_LOCK = {1205, 1213}                  # lock wait timeout (row or metadata), deadlock
_MY_TIMEOUT = {1969, 3024, 1317}         # max_statement_time, MySQL's, query interrupted
_MY_GONE = {2003, 2006, 2013, 2055, 1927, 1053, 2002, 2005}


def translate_driver_error(e: BaseException, url: str, *, lock_timeout: float | None = None,
                           statement_timeout: float | None = None, during: str = "",
                           password: str | None = None, holder: str = "") -> DbworkError | None:
    """The dbwork error for a driver error about a lock, a time limit or the connection,
    or None. ``url`` is the masked URL; ``during`` says what was running (e.g.
    "at step 2 of migration 2024... (ALTER TABLE ...)"); ``password`` is scrubbed from
    the driver's text; ``holder`` names who holds the lock if the caller found out."""
    orig = getattr(e, "orig", None) or e
    if isinstance(orig, DbworkError):
        return orig
    kind = classify(orig)
    if kind is None:
        return None
    reason = scrub(first_line(orig), password)
    detail = f"{during}: {reason}" if during else reason
    if kind == "lock":
        return LockTimeout(_lock_name(orig, reason), lock_timeout, holder, detail)
    if kind == "timeout":
        return StatementTimeout(statement_timeout, detail)
    return ConnectionFailed(url, reason, during or ("while talking to the server"
                                                    if _mid_conversation(orig) else ""))


def classify(e: BaseException) -> str | None:
    """'lock', 'timeout', 'gone' or None for a driver's own exception."""
    import socket
    if isinstance(e, (socket.timeout, TimeoutError, ConnectionError)):
        return "gone"
    if _module(e).startswith("pymysql"):   # (PyMySQL 1.2 errors carry a sqlstate too)
        return _classify_mysql(e)
    sqlstate = getattr(e, "sqlstate", None)
    if sqlstate is not None or _module(e).startswith("psycopg"):
        return _classify_pg(e, sqlstate)
    if _module(e) in ("sqlite3", "_sqlite3"):
        text = str(e).lower()
        return "lock" if "database is locked" in text or "database is busy" in text else None
    return None


def _classify_pg(e, sqlstate: str | None) -> str | None:
    if sqlstate in _PG_LOCK:
        return "lock"
    if sqlstate in _PG_TIMEOUT:
        return "timeout"
    if sqlstate in _PG_GONE:
        return "gone"
    if sqlstate is None and type(e).__name__ in ("OperationalError", "InterfaceError",
                                                  "ConnectionTimeout"):
        return "gone"   # no SQLSTATE: the driver lost the socket (closed, reset, timed out)
    return None


def _classify_mysql(e) -> str | None:
    code = e.args[0] if e.args and isinstance(e.args[0], int) else None
    if code in _MY_LOCK:
        return "lock"
    if code in _MY_TIMEOUT:
        return "timeout"
    if code in _MY_GONE or type(e).__name__ == "InterfaceError":
        return "gone"
    return None


def _lock_name(e, reason: str) -> str:
    code = e.args[0] if getattr(e, "args", None) and isinstance(e.args[0], int) else None
    if code == 1213 or (not _module(e).startswith("pymysql") and
                        getattr(e, "sqlstate", None) == "40P01"):
        return "a lock (deadlock: the server chose this transaction as the victim)"
    if _module(e) in ("sqlite3", "_sqlite3"):
        return "the SQLite database write lock"
    return "a table or row lock"


def _mid_conversation(e) -> bool:
    code = e.args[0] if getattr(e, "args", None) and isinstance(e.args[0], int) else None
    if _module(e).startswith("pymysql"):
        return code in (2013, 2006, 2055, 1927)
    return getattr(e, "sqlstate", None) in ("57P01", "57P02")


def first_line(e: BaseException) -> str:
    """The driver's message, first line only (the rest is often a hint or a caret)."""
    if _module(e).startswith("pymysql") and len(getattr(e, "args", ())) >= 2:
        text = str(e.args[1])
    else:
        text = str(e)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else type(e).__name__


def _module(e) -> str:
    return type(e).__module__ or ""


def lock_holders(conn, dialect_name: str, limit: int = 3) -> str:
    """Who else holds locks in this database, as the engine reports it (best effort:
    "" when it cannot tell)."""
    try:
        return describe_lock_holders(dialect_name, conn, limit)
    except Exception:  # the connection may be gone: the error says what it can
        return ""


@overridable
def describe_lock_holders(dialect, conn, limit: int) -> str:
    """The sessions that hold locks in this database, one phrase each (PostgreSQL:
    pg_locks with pg_stat_activity; MySQL/MariaDB: the process list of the same
    database); by default "" (the engine cannot tell)."""
    return ""


def _fallback(e: BaseException) -> DbworkError | None:
    """For the runner's one mapping (runner.TRANSLATORS): errors that escaped a backend
    without its URL at hand still come out typed."""
    return translate_driver_error(e, "the database")


def _register() -> None:
    from .runner import TRANSLATORS
    if _fallback not in TRANSLATORS:
        TRANSLATORS.append(_fallback)


_register()
