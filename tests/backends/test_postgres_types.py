"""PostgreSQL enum types and comments, applied and rolled back on a real server:
convergence (the live schema is what the parser simulated) and round trip (schema and
rows back as they were)."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import DbworkError, MigrationFailed, ParseError, UnsupportedError
from dbwork.introspect.compare import schema_differences
from dbwork.ops.schema_ops import apply_all

PG = get_dialect("postgresql")


@pytest.fixture
def pg(make_wb):
    return make_wb("postgresql")


def run(wb, *statements):
    with wb.backend.connect() as conn:
        for st in statements:
            conn.exec_driver_sql(st)
        conn.commit()


def value(wb, sql):
    with wb.backend.connect() as conn:
        return conn.exec_driver_sql(sql).all()


def converges(wb, m, before):
    wanted = apply_all([s.op for s in m.steps], before)
    return schema_differences(wanted, wb.schema(), PG)


MOODS = ("CREATE TYPE mood AS ENUM ('sad', 'happy');\n"
         "CREATE TABLE people (id INT PRIMARY KEY, m mood NOT NULL DEFAULT 'sad');")


def test_enum_type_created_introspected_and_dropped_by_rollback(pg):
    m = pg.migrate("moods", MOODS)
    s = pg.schema()
    assert s.enums == {"mood": ("sad", "happy")}
    assert s.table("people").column("m").type == "mood"
    assert converges(pg, m, type(s)()) == []
    [back] = pg.rollback()
    assert back.status == "rolled_back"
    assert pg.schema().enums == {} and pg.schema().tables == {}


def test_added_enum_value_rolls_back_by_rebuilding_the_type(pg):
    pg.migrate("moods", MOODS)
    run(pg, "INSERT INTO people VALUES (1, 'happy'), (2, 'sad')")
    before = pg.schema()
    m = pg.migrate("ok", "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';")
    assert pg.schema().enums["mood"] == ("sad", "ok", "happy")
    assert converges(pg, m, before) == []
    pg.rollback()
    after = pg.schema()
    assert after.enums == {"mood": ("sad", "happy")}
    assert schema_differences(before, after, PG) == []
    assert value(pg, "SELECT id, m::text FROM people ORDER BY id") == [(1, "happy"), (2, "sad")]
    run(pg, "INSERT INTO people (id) VALUES (3)")  # the default survived the rebuild
    assert value(pg, "SELECT m::text FROM people WHERE id = 3") == [("sad",)]


def test_rollback_refused_while_rows_hold_the_added_value(pg):
    pg.migrate("moods", MOODS)
    pg.migrate("ok", "ALTER TYPE mood ADD VALUE 'ok';")
    run(pg, "INSERT INTO people VALUES (1, 'ok')")
    with pytest.raises(MigrationFailed, match=r"people.m holds it in 1 row\(s\)"):
        pg.rollback()
    assert pg.schema().enums["mood"] == ("sad", "happy", "ok")   # nothing changed
    assert {r.name: r.status for r in pg.backend.history()}["ok"] == "applied"
    run(pg, "UPDATE people SET m = 'happy'")
    [back] = pg.rollback()
    assert back.status == "rolled_back" and pg.schema().enums["mood"] == ("sad", "happy")


def test_new_enum_value_cannot_be_used_in_the_same_migration(pg):
    pg.migrate("moods", MOODS)
    with pytest.raises(ParseError, match="cannot use a new enum value"):
        pg.migrate("ok", "ALTER TYPE mood ADD VALUE 'ok';\n"
                         "ALTER TABLE people ALTER COLUMN m SET DEFAULT 'ok';")
    assert pg.schema().enums["mood"] == ("sad", "happy")


def test_drop_type_refused_while_used_and_restored_by_rollback(pg):
    pg.migrate("moods", MOODS)
    with pytest.raises(DbworkError, match="used by people.m"):
        pg.migrate("drop", "DROP TYPE mood;")
    pg.migrate("spare", "CREATE TYPE colour AS ENUM ('red', 'it''s blue');")
    pg.migrate("drop_spare", "DROP TYPE colour;")
    assert "colour" not in pg.schema().enums
    pg.rollback()
    assert pg.schema().enums["colour"] == ("red", "it's blue")


def test_enum_types_are_refused_on_other_engines():
    from dbwork.model import Schema
    from dbwork.parse.sql import parse_sql
    with pytest.raises(UnsupportedError, match="PostgreSQL"):
        parse_sql("CREATE TYPE mood AS ENUM ('a');", get_dialect("mysql"), Schema())


def test_comments_set_changed_removed_and_restored(pg):
    pg.migrate("t", "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT);")
    before = pg.schema()
    m = pg.migrate("c1", "COMMENT ON TABLE notes IS 'what people wrote';\n"
                         "COMMENT ON COLUMN notes.body IS 'the text';")
    s = pg.schema()
    assert s.table("notes").comment == "what people wrote"
    assert s.table("notes").column("body").comment == "the text"
    assert converges(pg, m, before) == []
    mid = pg.schema()
    m2 = pg.migrate("c2", "COMMENT ON TABLE notes IS NULL;\n"
                          "COMMENT ON COLUMN notes.body IS 'the body';")
    assert converges(pg, m2, mid) == []
    assert pg.schema().table("notes").comment is None
    pg.rollback()
    assert schema_differences(mid, pg.schema(), PG) == []
    pg.rollback()
    assert schema_differences(before, pg.schema(), PG) == []
    assert pg.schema().table("notes").column("body").comment is None
