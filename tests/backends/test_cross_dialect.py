"""A cell written for another dialect (``wb.migrate(..., dialect=...)``) is transpiled:
it applies, converges and rolls back on the target, with a warning for each type the
target cannot express exactly and a clear error for what it cannot express at all."""
from __future__ import annotations

import pytest

from dbwork.errors import UnsupportedError
from dbwork.introspect.compare import schema_differences
from dbwork.model import Schema
from dbwork.ops.schema_ops import apply_all

FOR_POSTGRES = ("CREATE TABLE t (id SERIAL PRIMARY KEY, data JSONB, "
                "at TIMESTAMPTZ NOT NULL DEFAULT now(), ok BOOLEAN DEFAULT true, "
                "name VARCHAR(20) NOT NULL DEFAULT 'x');")
FOR_MYSQL = ("CREATE TABLE `u` (`id` INT AUTO_INCREMENT PRIMARY KEY, "
             "`flag` TINYINT(1) NOT NULL DEFAULT 0, `at` DATETIME DEFAULT CURRENT_TIMESTAMP, "
             "`body` TEXT);")


def rows(wb, sql):
    with wb.backend.connect() as conn:
        return conn.exec_driver_sql(sql).all()


def run(wb, sql):
    with wb.backend.connect() as conn:
        conn.exec_driver_sql(sql)
        conn.commit()


def applies_and_rolls_back(wb, name, text, source):
    m = wb.migrate(name, text, dialect=source)
    wanted = apply_all([s.op for s in m.steps], Schema())
    assert schema_differences(wanted, wb.schema(), wb.dialect) == []
    return m


@pytest.mark.parametrize("kind", ["mariadb", "sqlite"])
def test_postgres_cell_on_another_engine(make_wb, kind):
    wb = make_wb(kind)
    m = applies_and_rolls_back(wb, "t", FOR_POSTGRES, "postgres")
    gaps = [w for w in m.warnings if "written for postgresql" in w]
    assert any(w.startswith("t.at TIMESTAMPTZ") for w in gaps)
    assert any(w.startswith("t.data JSONB") for w in gaps)
    run(wb, "INSERT INTO t (data) VALUES ('{\"a\": 1}')")
    run(wb, "INSERT INTO t (data) VALUES (NULL)")
    got = rows(wb, "SELECT id, ok, name, at IS NOT NULL FROM t ORDER BY id")
    assert got == [(1, 1, "x", 1), (2, 1, "x", 1)]      # serial, true, defaults, now()
    [back] = wb.rollback()
    assert back.status == "rolled_back" and wb.schema().tables == {}


@pytest.mark.parametrize("kind", ["mariadb", "sqlite"])
def test_postgres_only_constructs_are_refused_clearly(make_wb, kind):
    wb = make_wb(kind)
    with pytest.raises(UnsupportedError, match="array columns are PostgreSQL's"):
        wb.migrate("arr", "CREATE TABLE a (id INT PRIMARY KEY, tags TEXT[]);", dialect="postgres")
    with pytest.raises(UnsupportedError, match="enum types are PostgreSQL's"):
        wb.migrate("enum", "CREATE TYPE mood AS ENUM ('a');", dialect="postgres")
    assert wb.schema().tables == {} and not wb.backend.history()


def test_mysql_cell_on_postgres(make_wb):
    wb = make_wb("postgresql")
    m = applies_and_rolls_back(wb, "u", FOR_MYSQL, "mysql")
    assert "`" not in m.up and "flag BOOLEAN DEFAULT FALSE NOT NULL" in m.up
    t = wb.schema().table("u")
    assert (t.column("flag").type, t.column("at").type) == ("BOOLEAN", "TIMESTAMP")
    assert t.column("id").autoincrement
    run(wb, "INSERT INTO u (body) VALUES ('one')")
    run(wb, "INSERT INTO u (flag, body) VALUES (true, 'two')")
    assert rows(wb, "SELECT id, flag, at IS NOT NULL FROM u ORDER BY id") == [
        (1, False, True), (2, True, True)]
    [back] = wb.rollback()
    assert back.status == "rolled_back" and wb.schema().tables == {}


def test_mysql_cell_on_sqlite(make_wb):
    wb = make_wb("sqlite")
    applies_and_rolls_back(wb, "u", FOR_MYSQL, "mysql")
    run(wb, "INSERT INTO u (body) VALUES ('one')")
    assert rows(wb, "SELECT id, flag FROM u") == [(1, 0)]
    wb.rollback()
    assert wb.schema().tables == {}
