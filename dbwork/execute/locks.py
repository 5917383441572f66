"""The migration lock, one kind per dialect, each released by the server if its holder
dies (so a crashed migrator cannot block the next one for ever):

- SQLite: ``BEGIN IMMEDIATE`` (the database write lock; the OS drops it with the process)
- PostgreSQL: a session-level advisory lock (dropped with the connection)
- MySQL/MariaDB: ``GET_LOCK`` (dropped with the connection)
"""
from __future__ import annotations

import hashlib
import zlib
from contextlib import contextmanager

from ..errors import LockTimeout

LOCK_NAME = "dbwork_migrations"


def lock_key(name: str = LOCK_NAME) -> int:
    """A stable key for PostgreSQL's advisory lock (advisory locks are per database)."""
    return zlib.crc32(name.encode())


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
def hold(conn, dialect, timeout: float):
    """Hold the migration lock on ``conn`` for the block's duration."""
    kind = dialect.lock
    if kind == "begin-immediate":
        # on the driver's connection: through SQLAlchemy this would open a transaction
        conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        yield  # the session's BEGIN IMMEDIATE is the lock
        return
    if kind == "advisory":
        with _advisory(conn, timeout):
            yield
        return
    if kind == "get_lock":
        with _get_lock(conn, timeout):
            yield
        return
    raise LockTimeout(f"no lock implementation for {dialect.name}")


@contextmanager
def _advisory(conn, timeout: float):
    key = lock_key()
    _notice_dead_client(conn)
    conn.exec_driver_sql(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
    try:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({key})")
    except Exception as e:
        conn.rollback()
        raise LockTimeout(f"another migrator holds the PostgreSQL advisory lock {key} "
                          f"(waited {timeout:g} s)") from None
    conn.commit()
    try:
        yield
    finally:
        try:
            conn.rollback()
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
            conn.exec_driver_sql("SET lock_timeout = 0")
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
    got = conn.exec_driver_sql("SELECT GET_LOCK(%s, %s)",
                               (name, int(max(timeout, 0)))).scalar()
    conn.commit()
    if got != 1:
        raise LockTimeout(f"another migrator holds the MySQL lock '{name}' "
                          f"(waited {timeout:g} s)")
    try:
        yield
    finally:
        try:
            conn.rollback()
            conn.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (name,))
            conn.commit()
        except Exception:
            pass
