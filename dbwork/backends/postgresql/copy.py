"""PostgreSQL for copies: psycopg's connection, a named (server-side) cursor, the
tables and types of the current schema (registered on import)."""
from __future__ import annotations

from ...data.copy import dbapi
from ...data.copy.dbapi import open_connection, open_streaming_cursor
from ...data.copy.ddl import (counter_reset, primary_key_after_data, table_names_here,
                               type_names_here)


@open_connection.override("postgresql")
def _psycopg(dialect, u, connect_timeout: float):
    import psycopg
    return psycopg.connect(host=u.host or "localhost", port=u.port or 5432,
                           user=u.username, password=u.password, dbname=u.database,
                           connect_timeout=max(2, int(connect_timeout)))


@open_streaming_cursor.override("postgresql")
def _named_cursor(dialect, conn, name: str, size: int):
    cur = conn.cursor(name=name)
    cur.itersize = size
    return cur


@table_names_here.override("postgresql")
def _current_schema_tables(dialect, conn) -> set[str]:
    rows = dbapi.run(conn, "SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = current_schema()")
    conn.rollback()
    return {r[0] for r in rows}


@type_names_here.override("postgresql")
def _current_schema_types(dialect, conn) -> set[str]:
    rows = dbapi.run(conn, "SELECT typname FROM pg_type t JOIN pg_namespace n ON "
                           "n.oid = t.typnamespace WHERE n.nspname = current_schema()")
    conn.rollback()
    return {r[0] for r in rows}


@primary_key_after_data.override("postgresql")
def _primary_key_later(dialect) -> bool:
    return True


@counter_reset.override("postgresql")
def _setval(d, table: str, column: str) -> list[str]:
    lit = d.quote(table).replace("'", "''")
    col = column.replace("'", "''")
    return [f"SELECT setval(pg_get_serial_sequence('{lit}', '{col}'), "
            f"GREATEST(COALESCE(MAX({d.quote(column)}), 0), 1), MAX({d.quote(column)}) IS NOT NULL) "
            f"FROM {d.quote(table)}"]
