"""Every SQL direction on real servers: SQLite, PostgreSQL and MariaDB into each other
(and into their own kind). The copy must validate; the target must keep every NOT NULL,
key, index and CHECK, number new rows past the copied ids, and hold the same values."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

import dbwork
from dbwork.data.copy import dbapi, verify_copy

from . import shop

KINDS = ("sqlite", "postgresql", "mariadb")


def _rows(url: str, table: str, order: str):
    conn = dbapi.connect(url)
    try:
        return dbapi.run(conn, f"SELECT * FROM {table} ORDER BY {order}")
    finally:
        conn.close()


@pytest.mark.parametrize("target", KINDS)
@pytest.mark.parametrize("source", KINDS)
def test_copy_direction(source, target, make_db, tmp_path):
    src, dst = make_db(source), make_db(target)
    shop.build(src)
    report = dbwork.copy(src, dst, progress=False, batch_rows=7, chunk_rows=20)
    assert report.ok, report
    assert {t.name for t in report.tables} == {"users", "orders", "order_items", "notes"}
    for t in report.tables:
        assert t.checksum_match is True, (t.name, t.errors)
        assert t.rejected == 0 and t.written == t.read
    users, orders, items, notes = shop.rows()
    assert report.table("users").written == len(users)
    assert report.table("order_items").written == len(items)

    wb = dbwork.connect(dst, migrations=tmp_path / "m")
    schema = wb.schema()
    u, o, i = (schema.tables[n] for n in ("users", "orders", "order_items"))
    assert not u.column("email").nullable and not o.column("total").nullable
    assert not i.column("sku").nullable and not u.column("balance").nullable
    assert u.primary_key.columns == ("id",) and i.primary_key.columns == ("order_id", "line")
    assert any(f.ref_table == "users" for f in o.foreign_keys)
    assert any(f.ref_table == "orders" for f in i.foreign_keys)
    uniques = [x.columns for x in u.uniques] + [x.columns for x in u.indexes if x.unique]
    assert ("email",) in uniques
    assert any(x.columns == ("user_id",) for x in o.indexes)
    assert u.checks and i.checks
    assert not dbapi.run(dbapi.connect(dst), "SELECT 1 FROM order_items WHERE qty <= 0")

    # a new row gets an id past the copied ones; the CHECK and NOT NULL still hold
    with wb.backend.connect() as conn:
        conn.execute(sa.text("INSERT INTO users (email) VALUES ('new@example.org')"))
        new_id = conn.execute(sa.text(
            "SELECT id FROM users WHERE email = 'new@example.org'")).scalar()
        conn.commit()
        assert new_id > max(r[0] for r in users)
        with pytest.raises(sa.exc.DBAPIError):
            conn.execute(sa.text("INSERT INTO users (email, balance) VALUES ('x@y.z', -1)"))
        conn.rollback()
        with pytest.raises(sa.exc.DBAPIError):
            conn.execute(sa.text("INSERT INTO users (name) VALUES ('no email')"))
        conn.rollback()
    wb.close()

    # the values themselves, read back through the target's own driver
    got = _rows(dst, "users", "id")[:len(users)]
    assert [r[2] for r in got] == [r[2] for r in users]          # awkward text intact
    assert [Decimal(str(r[6])) for r in got] == [r[6] for r in users]  # decimals exact
    assert [tuple(r) for r in _rows(dst, "order_items", "order_id, line")] == [tuple(r) for r in items]
    assert not dbapi.run(dbapi.connect(dst),
                         "SELECT 1 FROM _dbwork_copy_checkpoints") if _has_checkpoints(dst) else True

    # validation on this pair catches one altered value and one lost row
    _tamper(dst)
    again = verify_copy(src, dst)
    assert not again.ok
    assert again.table("orders").checksum_match is True       # (users got a new row above)
    assert again.table("order_items").checksum_match is False
    notes = again.table("notes")
    assert notes.checksum_match is False
    assert any("rows in the source" in e for e in notes.errors), notes.errors


def _tamper(url: str) -> None:
    conn = dbapi.connect(url)
    dbapi.run(conn, "UPDATE order_items SET qty = qty + 1 WHERE order_id = 2 AND line = 1")
    dbapi.run(conn, "DELETE FROM notes WHERE substr(body, 1, 7) = 'note 4 '")  # keyless: one row
    conn.commit()
    conn.close()


def _has_checkpoints(url: str) -> bool:
    from dbwork.data.copy.ddl import existing_tables
    conn = dbapi.connect(url)
    try:
        return "_dbwork_copy_checkpoints" in existing_tables(conn, dbwork.connect(url).dialect.name)
    finally:
        conn.close()
