"""SQLite's connections: no pool, transaction control taken from the sqlite3 module
(so DDL is transactional), a busy timeout, and BEGIN IMMEDIATE for the locked
session (registered on import)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from ...errors import LockTimeout
from ...execute.backend import Timeouts
from ...execute.sql import _info, _reason, begin_session, make_engine


@make_engine.override("sqlite")
def _engine(dialect, url, timeouts: Timeouts) -> sa.Engine:
    engine = sa.create_engine(url.sqlalchemy_url(), poolclass=NullPool)
    event.listen(engine, "connect", _sqlite_connect(timeouts))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


@begin_session.override("sqlite")
def _begin_immediate(dialect, conn) -> None:
    if conn.in_transaction():
        conn.rollback()
    conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
    try:
        conn.exec_driver_sql("SELECT 1")  # autobegins: takes the write lock
    except sa.exc.OperationalError as e:
        raise LockTimeout("the SQLite database write lock (another migrator or "
                          "writer holds it)", _info(conn).get(
                              "dbwork_lock_timeout"), detail=_reason(e)) from None


def _sqlite_connect(t: Timeouts):
    def connect(dbapi_conn, record):
        # take transaction control away from the sqlite3 module, so DDL is transactional
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout = {int(t.lock * 1000)}")
    return connect


def _sqlite_begin(conn):
    conn.exec_driver_sql(conn.info.get("sqlite_begin", "BEGIN"))
