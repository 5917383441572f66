"""What the Workbench offers outside a migration (lint, verify, schema, history,
backups) and the migration entry points (migrate, rollback, upgrade) leave every
failure as a dbwork error, the driver's exception chained as ``__cause__``, never a
raw sqlalchemy.exc error."""
from __future__ import annotations

import pytest

import dbwork
from dbwork.errors import DbworkError, StatementFailed

from dbwork.url import DatabaseURL

CALLS = {
    "lint": lambda wb: wb.lint("ALTER TABLE \"Order\" ADD COLUMN note INTEGER"),
    "verify": lambda wb: wb.verify(),
    "schema": lambda wb: wb.schema(),
    "history": lambda wb: wb.history(),
    "backups": lambda wb: wb.backups(),
    "migrate": lambda wb: wb.migrate("make_order", 'CREATE TABLE "Order" (id INTEGER)'),
    "rollback": lambda wb: wb.rollback(),
    "upgrade": lambda wb: wb.upgrade(),
}
PHASES = {"lint": "linting", "verify": "verifying", "schema": "reading the schema",
          "history": "reading history", "backups": "listing backups",
          "migrate": "planning", "rollback": "rolling back", "upgrade": "upgrading"}


def _driver_error(e: BaseException | None) -> bool:
    return e is not None and not isinstance(e, DbworkError) and \
        type(e).__module__.split(".")[0] in ("sqlite3", "psycopg", "pymysql", "sqlalchemy")


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_file_that_is_not_a_database_gives_a_dbwork_error(call, tmp_path):
    path = tmp_path / "not_a_database.sqlite"
    path.write_bytes(b"this is not a SQLite file " * 200)
    wb = dbwork.connect(f"sqlite:///{path}", migrations=tmp_path / "migrations")
    with pytest.raises(StatementFailed) as info:
        CALLS[call](wb)
    e = info.value
    assert f"while {PHASES[call]}" in str(e) and "not a database" in e.reason
    assert _driver_error(e.__cause__), type(e.__cause__)
    assert (e.name == "make_order") == (call == "migrate")


def _drop_behind_dbwork(url: str) -> None:
    """Drop the test's own database over a plain driver connection (FORCE on PostgreSQL
    ends dbwork's sessions too)."""
    u = DatabaseURL.parse(url)
    if u.dialect == "postgresql":
        import psycopg
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                             dbname="postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {u.database} WITH (FORCE)")
        return
    import pymysql
    c = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                        password=u.password or "", autocommit=True)
    with c, c.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {u.database}")


@pytest.mark.parametrize("server", ["postgresql", "mariadb"], indirect=True)
def test_a_database_dropped_behind_dbwork_gives_dbwork_errors(server, tmp_path):
    wb = dbwork.connect(server, migrations=tmp_path / "migrations")
    mark = '"' if server.startswith("postgresql") else "`"
    wb.migrate("make_order", f"CREATE TABLE {mark}Order{mark} (id INTEGER PRIMARY KEY)")
    _drop_behind_dbwork(server)  # every call now fails in the driver
    for call in sorted(CALLS):
        with pytest.raises(DbworkError) as info:
            CALLS[call](wb)
        cause = info.value.__cause__
        assert cause is None or _driver_error(cause) or isinstance(cause, DbworkError), \
            (call, type(cause))
