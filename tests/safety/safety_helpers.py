"""Helpers shared by the safety tests (imported by name: tests have no packages)."""
from __future__ import annotations


def dump(wb, table: str) -> list[tuple]:
    """Every row of ``table``, columns in name order, rows sorted: the byte-for-byte
    comparison the round-trip tests use."""
    from dbwork.render.data import quote
    schema = wb.schema()
    cols = sorted(c.name for c in schema.table(table).columns)
    sql = f"SELECT {', '.join(quote(c, wb.dialect) for c in cols)} FROM {quote(table, wb.dialect)}"
    with wb.backend.connect() as conn:
        rows = conn.exec_driver_sql(sql).fetchall()
        conn.rollback()
    return sorted((tuple(r) for r in rows), key=repr)


def run_sql(wb, *statements):
    with wb.backend.connect() as conn:
        for st in statements:
            conn.exec_driver_sql(st)
        conn.commit()


USERS = ("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, "
         "name VARCHAR(50), age INTEGER, code VARCHAR(20));")
USERS_ROWS = ("INSERT INTO users (id, email, name, age, code) VALUES "
              "(1, 'ann@example.com', 'Ann', 31, '10'), (2, 'bob@example.com', NULL, NULL, '20'), "
              "(3, 'cy@example.com', 'Cy ''the'' Third', 47, '30'), "
              "(4, 'dee@example.com', 'Dee', 5, NULL)")
