"""MariaDB table details a rollback must keep: engine, charset and collation, table and
column comments, ON UPDATE CURRENT_TIMESTAMP, inline index syntax, AUTO_INCREMENT."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.introspect.compare import schema_differences
from dbwork.ops.schema_ops import apply_all

MY = get_dialect("mysql")

EVENTS = ("CREATE TABLE events (\n"
          "  id INT AUTO_INCREMENT PRIMARY KEY,\n"
          "  name VARCHAR(40) NOT NULL COMMENT 'what happened',\n"
          "  code VARCHAR(10),\n"
          "  changed TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
          "  touched DATETIME NULL ON UPDATE CURRENT_TIMESTAMP,\n"
          "  INDEX ix_name (name), KEY k_changed (changed), UNIQUE KEY uq_code (code)\n"
          ") ENGINE=MyISAM DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='log';")


@pytest.fixture
def my(make_wb):
    return make_wb("mariadb")


def run(wb, *statements):
    with wb.backend.connect() as conn:
        for st in statements:
            conn.exec_driver_sql(st)
        conn.commit()


def rows(wb, sql):
    with wb.backend.connect() as conn:
        return conn.exec_driver_sql(sql).all()


def test_create_table_keeps_options_on_update_and_inline_indexes(my):
    empty = my.schema()
    m = my.migrate("events", EVENTS)
    wanted = apply_all([s.op for s in m.steps], empty)
    assert schema_differences(wanted, my.schema(), MY) == []
    t = my.schema().table("events")
    assert dict(t.options)["engine"] == "MyISAM"
    assert dict(t.options)["collate"] == "latin1_swedish_ci"
    assert t.comment == "log" and t.column("name").comment == "what happened"
    assert t.column("changed").on_update == "CURRENT_TIMESTAMP"
    assert t.column("touched").on_update == "CURRENT_TIMESTAMP"
    assert {i.name: i.unique for i in t.indexes} == {"ix_name": False, "k_changed": False,
                                                     "uq_code": True}


def test_dropped_table_comes_back_with_engine_charset_and_next_id(my):
    my.migrate("events", EVENTS)
    run(my, "INSERT INTO events (name, code) VALUES ('a', 'x'), ('b', 'y'), ('c', 'z')",
        "DELETE FROM events WHERE name = 'c'")
    start = my.schema()
    before = rows(my, "SELECT id, name, code, changed FROM events ORDER BY id")
    m = my.migrate("drop", "DROP TABLE events;", allow_data_loss=True)
    assert "ENGINE=MyISAM" in m.down and "COLLATE latin1_swedish_ci" in m.down
    my.rollback()
    assert schema_differences(start, my.schema(), MY) == []
    assert rows(my, "SELECT id, name, code, changed FROM events ORDER BY id") == before
    run(my, "INSERT INTO events (name) VALUES ('d')")
    assert rows(my, "SELECT id FROM events WHERE name = 'd'") == [(4,)]   # 3 not reused


def test_on_update_survives_a_change_to_its_column_and_the_rollback(my):
    my.migrate("events", EVENTS)
    start = my.schema()
    m = my.migrate("rename", "ALTER TABLE events RENAME COLUMN changed TO modified;")
    assert my.schema().table("events").column("modified").on_update == "CURRENT_TIMESTAMP"
    assert schema_differences(apply_all([s.op for s in m.steps], start), my.schema(), MY) == []
    my.rollback()
    assert schema_differences(start, my.schema(), MY) == []


def test_table_and_column_comments_set_and_restored(my):
    my.migrate("events", EVENTS)
    start = my.schema()
    m = my.migrate("comments", "ALTER TABLE events COMMENT = 'the event log';\n"
                               "ALTER TABLE events MODIFY name VARCHAR(40) NOT NULL "
                               "COMMENT 'a short name';")
    t = my.schema().table("events")
    assert (t.comment, t.column("name").comment) == ("the event log", "a short name")
    assert schema_differences(apply_all([s.op for s in m.steps], start), my.schema(), MY) == []
    my.rollback()
    assert schema_differences(start, my.schema(), MY) == []
    assert my.schema().table("events").comment == "log"
