"""SQLite's seeding: foreign keys switched on for the session, values stored as
SQLite keeps them (registered on import)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...data.sql_io import enforce_foreign_keys, stored_value


@enforce_foreign_keys.override("sqlite")
def _foreign_keys_on(dialect, s) -> None:
    # off unless a connection asks, and a seed must not load an orphan
    s.conn.rollback()
    s.conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
    s.begin()


@stored_value.override("sqlite")
def _as_stored(dialect, v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return v
