"""MySQL/MariaDB for copies: PyMySQL's connection (LOAD DATA LOCAL allowed) and its
unbuffered cursor (registered on import)."""
from __future__ import annotations

from dataclasses import replace

from ...data.copy.dbapi import open_connection, open_streaming_cursor
from ...data.copy.ddl import at_create
from ...model.schema import Table


@open_connection.override("mysql")
def _pymysql(dialect, u, connect_timeout: float):
    import pymysql
    return pymysql.connect(host=u.host or "localhost", port=u.port or 3306,
                           user=u.username or "root", password=u.password or "",
                           database=u.database, charset="utf8mb4", autocommit=False,
                           connect_timeout=connect_timeout, local_infile=True)


@open_streaming_cursor.override("mysql")
def _unbuffered(dialect, conn, name: str, size: int):
    import pymysql.cursors
    return conn.cursor(pymysql.cursors.SSCursor)


@at_create.override("mysql")
def _primary_key_at_create(dialect, t: Table) -> Table:
    return replace(t, indexes=(), uniques=(), foreign_keys=())   # InnoDB clusters on it
