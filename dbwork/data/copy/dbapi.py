"""Plain DB-API connections for bulk copying (sqlite3, psycopg, PyMySQL), opened from a
URL in whichever process runs a chunk (a local thread or a Dask worker), with every
driver error turned into a dbwork error whose text never holds the password."""
from __future__ import annotations

import sqlite3

from ...errors import ConnectionFailed
from ...hooks import overridable
from ...url import DatabaseURL, scrub

DIALECTS = ("sqlite", "postgresql", "mysql")


def connect(url: str | DatabaseURL, connect_timeout: float = 10):
    """A DB-API connection in a transaction of its own (no autocommit)."""
    u = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
    try:
        return open_connection(u.dialect, u, connect_timeout)
    except Exception as e:  # the driver's OperationalError, a refused socket
        raise ConnectionFailed(u.masked(), scrub(str(e).strip().splitlines()[0]
                                                 if str(e).strip() else type(e).__name__,
                                                 u.password)) from None


@overridable
def open_connection(dialect: str, u: DatabaseURL, connect_timeout: float):
    """The driver's own connection to ``u`` (each backend that copies overrides it)."""
    from ...errors import UnsupportedError
    raise UnsupportedError(f"no copy connection for {dialect}")


def driver_errors() -> tuple[type, ...]:
    """The base error classes of the installed drivers."""
    out: list[type] = [sqlite3.Error]
    try:
        import psycopg
        out.append(psycopg.Error)
    except ImportError:
        pass
    try:
        import pymysql
        out.append(pymysql.Error)
    except ImportError:
        pass
    return tuple(out)


def is_disconnect(e: BaseException) -> bool:
    """Whether a driver error means the connection is gone (a resume is the remedy),
    as opposed to a row the database refused."""
    name = type(e).__name__
    if name in ("OperationalError", "InterfaceError") and not isinstance(e, sqlite3.Error):
        text = str(e).lower()
        return any(w in text for w in ("connection", "server closed", "gone away", "lost",
                                       "broken pipe", "terminat", "timeout", "timed out"))
    return False


def run(conn, sql: str, params=()):
    """Execute one statement; its rows (or [] when it returns none)."""
    cur = conn.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []
    finally:
        cur.close()


def streaming_cursor(conn, dialect: str, name: str = "dbwork_copy", size: int = 20_000):
    """A cursor that streams a big result instead of holding all of it: a named
    (server-side) cursor on PostgreSQL, PyMySQL's unbuffered SSCursor on MariaDB."""
    return open_streaming_cursor(dialect, conn, name, size)


@overridable
def open_streaming_cursor(dialect: str, conn, name: str, size: int):
    """The driver's streaming cursor; by default a plain one (SQLite reads lazily)."""
    return conn.cursor()
