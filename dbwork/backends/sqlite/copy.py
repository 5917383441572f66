"""SQLite for copies: the sqlite3 connection, the tables of the file, the column-level
UNIQUEs the inspector does not report (registered on import)."""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from ...data.copy import dbapi
from ...data.copy.dbapi import open_connection
from ...data.copy.ddl import at_create, constraints_after_data, table_names_here
from ...data.copy.runner import with_unreported_uniques
from ...model.schema import Table, Unique


@open_connection.override("sqlite")
def _sqlite(dialect, u, connect_timeout: float):
    from pathlib import Path
    if u.database not in (None, "", ":memory:") and not Path(u.database).parent.exists():
        raise FileNotFoundError(f"no folder {Path(u.database).parent}")
    conn = sqlite3.connect(u.database or ":memory:", check_same_thread=False, timeout=60)
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


@table_names_here.override("sqlite")
def _sqlite_master(dialect, conn) -> set[str]:
    rows = dbapi.run(conn, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows}


@at_create.override("sqlite")
def _every_key_at_create(dialect, t: Table) -> Table:
    return replace(t, indexes=())   # SQLite cannot add keys to an existing table


@constraints_after_data.override("sqlite")
def _no_constraints_later(dialect) -> bool:
    return False


@with_unreported_uniques.override("sqlite")
def _with_column_uniques(dialect, wb, schema):
    conn = dbapi.connect(wb.url.sqlalchemy_url())
    try:
        tables = {n: _sqlite_uniques(conn, t) for n, t in schema.tables.items()}
    finally:
        conn.close()
    return replace(schema, tables=tables)


def _sqlite_uniques(conn, t: Table) -> Table:
    from ...dialects import get_dialect
    q = get_dialect("sqlite").quote
    have = {u.columns for u in t.uniques} | {i.columns for i in t.indexes if i.unique}
    extra = []
    for _, name, unique, origin, *_ in dbapi.run(conn, f"PRAGMA index_list({q(t.name)})"):
        if unique and origin == "u":
            cols = tuple(r[2] for r in dbapi.run(conn, f"PRAGMA index_info({q(name)})"))
            if cols not in have:
                extra.append(Unique(cols, None))
                have.add(cols)
    return replace(t, uniques=t.uniques + tuple(extra)) if extra else t
