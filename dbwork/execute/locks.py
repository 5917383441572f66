"""The migration lock, one kind per dialect, each released by the server if its holder
dies (so a crashed migrator cannot block the next one for ever):

- SQLite: ``BEGIN IMMEDIATE`` (the database write lock; the OS drops it with the process)
- PostgreSQL: a session-level advisory lock (dropped with the connection)
- MySQL/MariaDB: ``GET_LOCK`` (dropped with the connection)

A SQLite session also holds an OS file lock (``flock``) on ``<database>.dbwork-lock``
for its whole life: ``BEGIN IMMEDIATE`` ends with each commit, and an upgrade commits
after every migration, so without it a second migrator could slip in between two
migrations of the first one and both would apply the same file.
"""
from __future__ import annotations

import hashlib
import os
import time
import zlib
from contextlib import contextmanager

from ..errors import LockTimeout
from ..hooks import overridable

LOCK_NAME = "dbwork_migrations"


def lock_key(name: str = LOCK_NAME) -> int:
    """A stable key for PostgreSQL's advisory lock (advisory locks are per database)."""
    return zlib.crc32(name.encode())


@overridable
def limit_statements(dialect_name: str, lock: float, statement: float | None) -> list[str]:
    """The statements that bound a session's lock waits and statement run time
    (each server backend overrides it; by default none).

    >>> limit_statements("mysql", 5, None)
    ['SET SESSION lock_wait_timeout = 5', 'SET SESSION innodb_lock_wait_timeout = 5']
    >>> limit_statements("postgresql", 2.5, 60)
    ["SET lock_timeout = '2500ms'", "SET statement_timeout = '60000ms'"]
    """
    return []


def _lock_waits(conn, dialect, timeout: float, timeouts) -> None:
    """This session's lock waits (the migration lock and every table/row lock) last at
    most ``timeout``; the client's read deadline stretches to cover them."""
    info = conn.connection.info
    info["dbwork_lock_timeout"] = timeout
    if timeouts is not None:
        info["dbwork_deadline"] = timeouts.client_deadline(timeout)
    if timeouts is not None:
        stretch_read_timeout(dialect, conn.connection.dbapi_connection,
                             timeouts.client_deadline(timeout))
    statements = limit_statements(dialect.name, timeout, None)
    for sql in statements:
        conn.exec_driver_sql(sql)
    if statements:
        conn.commit()


@overridable
def stretch_read_timeout(dialect, raw, deadline: float | None) -> None:
    """Give the driver's own read timeout (PyMySQL's) the session's new deadline; by
    default nothing (the ``dbwork_deadline`` info covers it)."""


def server_lock_name(database: str | None) -> str:
    """The ``GET_LOCK`` name for one database. MySQL's named locks are server-wide, so
    the name carries the database: migrators of two databases on one server must not
    wait for each other. Names are capped at 64 characters; a long one is hashed.

    >>> server_lock_name("shop")
    'dbwork_migrations:shop'
    >>> len(server_lock_name("x" * 64))
    64
    """
    name = f"{LOCK_NAME}:{database or ''}"
    if len(name) <= 64:
        return name
    return f"{LOCK_NAME}:{hashlib.sha256(name.encode()).hexdigest()}"[:64]


@contextmanager
def hold(conn, dialect, timeout: float, timeouts=None):
    """Hold the migration lock on ``conn`` for the block's duration; every lock wait
    of the session is bounded by ``timeout`` seconds."""
    kind = dialect.lock
    if kind == "begin-immediate":
        # on the driver's connection: through SQLAlchemy this would open a transaction
        conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.connection.info["dbwork_lock_timeout"] = timeout
        yield  # the session's BEGIN IMMEDIATE is the lock
        return
    _lock_waits(conn, dialect, timeout, timeouts)
    if kind == "advisory":
        with _advisory(conn, timeout):
            yield
        return
    if kind == "get_lock":
        with _get_lock(conn, timeout):
            yield
        return
    from ..errors import UnsupportedError
    raise UnsupportedError(f"no migration lock implementation for {dialect.name}")


@contextmanager
def _advisory(conn, timeout: float):
    key = lock_key()
    _notice_dead_client(conn)
    try:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({key})")
    except Exception as e:
        from .faults import classify
        if classify(getattr(e, "orig", None) or e) != "lock":
            raise  # the connection, not the lock: the backend names it
        conn.rollback()
        raise LockTimeout(f"the migration lock (PostgreSQL advisory lock {key})", timeout,
                          _pg_holder(conn, key),
                          "another migrator holds it; the server frees it when that "
                          "migrator's connection ends") from None
    conn.commit()
    try:
        yield
    finally:
        try:
            conn.rollback()
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
            conn.commit()
        except Exception:
            pass  # the connection is closing; the server drops the lock with it


def _notice_dead_client(conn) -> None:
    """A killed migrator's backend would otherwise run its statement to the end (a
    long index build, a sleep) holding the advisory lock. PostgreSQL 14+ can check the
    client socket while a statement runs and end the session, lock included."""
    try:
        conn.exec_driver_sql("SET client_connection_check_interval = '1s'")
        conn.commit()
    except Exception:  # PostgreSQL 13 and older: the lock lasts until the statement ends
        conn.rollback()


@contextmanager
def _get_lock(conn, timeout: float):
    name = server_lock_name(conn.exec_driver_sql("SELECT DATABASE()").scalar())
    got = conn.exec_driver_sql(f"SELECT GET_LOCK(%s, {int(max(timeout, 0))})", (name,)).scalar()
    conn.commit()
    if got != 1:
        raise LockTimeout(f"the migration lock (MySQL GET_LOCK '{name}')", timeout,
                          _my_holder(conn, name), "another migrator holds it; the server "
                          "frees it when that migrator's connection ends")
    try:
        yield
    finally:
        try:
            conn.rollback()
            conn.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (name,))
            conn.commit()
        except Exception:
            pass


def _pg_holder(conn, key: int) -> str:
    try:
        row = conn.exec_driver_sql(
            "SELECT a.pid, a.usename, a.application_name, a.client_addr, a.state "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            f"WHERE l.locktype = 'advisory' AND l.granted AND l.objid = {key % 2**32} "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "LIMIT 1").first()
        conn.rollback()
    except Exception:
        return ""
    if row is None:
        return ""
    return f"pid {row[0]} ({row[1]}{' ' + row[2] if row[2] else ''} from {row[3] or 'local'}, {row[4]})"


def _my_holder(conn, name: str) -> str:
    try:
        row = conn.exec_driver_sql(
            "SELECT p.ID, p.USER, p.HOST, COALESCE(NULLIF(p.STATE, ''), p.COMMAND) "
            "FROM information_schema.PROCESSLIST p "
            "WHERE p.ID = IS_USED_LOCK(%s)", (name,)).first()
        conn.commit()
    except Exception:
        return ""
    return f"connection {row[0]} ({row[1]}@{row[2]}, {row[3]})" if row else ""


@contextmanager
def file_lock(url, timeout: float):
    """For a SQLite file: hold an exclusive ``flock`` on ``<database>.dbwork-lock`` for
    the block (the OS drops it when the process dies). Other targets, and systems
    without ``fcntl``, pass through (their server-side lock spans the session)."""
    try:
        import fcntl
    except ImportError:  # Windows: BEGIN IMMEDIATE alone (upgrade re-reads history)
        fcntl = None
    if not _is_local_file(url) or url.database in ("", ":memory:") or fcntl is None:
        yield
        return
    path = f"{url.database}.dbwork-lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only folder: nothing could migrate there anyway
        yield
        return
    try:
        _flock(fcntl, fd, path, timeout)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _is_local_file(url) -> bool:
    from ..backends import get_backend
    return get_backend(url.dialect).local_file


def _flock(fcntl, fd: int, path: str, timeout: float) -> None:
    deadline = time.monotonic() + max(timeout, 0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(f"another migrator holds the SQLite migration lock {path} "
                                  f"(waited {timeout:g} s)") from None
            time.sleep(0.05)
