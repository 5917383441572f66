"""Plain DB-API connections for bulk copying (sqlite3, psycopg, PyMySQL), opened from a
URL in whichever process runs a chunk (a local thread or a Dask worker), with every
driver error turned into a dbwork error whose text never holds the password."""
from __future__ import annotations

import sqlite3

from ...errors import ConnectionFailed
from ...url import DatabaseURL, scrub

DIALECTS = ("sqlite", "postgresql", "mysql")


def connect(url: str | DatabaseURL, connect_timeout: float = 10):
    """A DB-API connection in a transaction of its own (no autocommit)."""
    u = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
    try:
        if u.dialect == "sqlite":
            return _sqlite(u)
        if u.dialect == "postgresql":
            import psycopg
            return psycopg.connect(host=u.host or "localhost", port=u.port or 5432,
                                   user=u.username, password=u.password, dbname=u.database,
                                   connect_timeout=max(2, int(connect_timeout)))
        import pymysql
        return pymysql.connect(host=u.host or "localhost", port=u.port or 3306,
                               user=u.username or "root", password=u.password or "",
                               database=u.database, charset="utf8mb4", autocommit=False,
                               connect_timeout=connect_timeout, local_infile=True)
    except Exception as e:  # the driver's OperationalError, a refused socket
        raise ConnectionFailed(u.masked(), scrub(str(e).strip().splitlines()[0]
                                                 if str(e).strip() else type(e).__name__,
                                                 u.password)) from None


def _sqlite(u: DatabaseURL):
    from pathlib import Path
    if u.database not in (None, "", ":memory:") and not Path(u.database).parent.exists():
        raise FileNotFoundError(f"no folder {Path(u.database).parent}")
    conn = sqlite3.connect(u.database or ":memory:", check_same_thread=False, timeout=60)
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


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
    if dialect == "postgresql":
        cur = conn.cursor(name=name)
        cur.itersize = size
        return cur
    if dialect == "mysql":
        import pymysql.cursors
        return conn.cursor(pymysql.cursors.SSCursor)
    return conn.cursor()
