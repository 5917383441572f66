"""One named PostgreSQL schema per connection: ``?schema=app`` on the URL. Tables,
introspection, history and rollback stay inside it; ``app.users`` in a cell is the
same table; another qualifier, or an absent schema, is a clear error."""
from __future__ import annotations

import pytest

import dbwork
from dbwork.errors import ConfigError, UnsupportedError
from dbwork.introspect.compare import schema_differences
from dbwork.ops.schema_ops import apply_all


@pytest.fixture
def app(make_wb, tmp_path):
    plain = make_wb("postgresql")
    with plain.backend.connect() as conn:
        conn.exec_driver_sql("CREATE SCHEMA app")
        conn.exec_driver_sql("CREATE TABLE public.users (other_id INT)")  # must stay unseen
        conn.commit()
    wb = dbwork.connect(plain.url.sqlalchemy_url() + "?schema=app",
                        migrations=tmp_path / "app_migrations")
    yield wb, plain
    wb.close()


def where(plain, table):
    with plain.backend.connect() as conn:
        return sorted(r[0] for r in conn.exec_driver_sql(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s",
            (table,)).all())


def test_tables_history_and_rollback_stay_in_the_named_schema(app):
    wb, plain = app
    assert wb.schema().tables == {} and wb.schema().namespace == "app"
    m = wb.migrate("users", "CREATE TABLE app.users (id INT PRIMARY KEY, email TEXT);\n"
                            "CREATE INDEX ix_users_email ON app.users (email);")
    assert "app." not in m.up                       # runs under search_path app
    assert where(plain, "users") == ["app", "public"]
    assert where(plain, "dbwork_migrations") == ["app"]
    assert [r.name for r in wb.backend.history()] == ["users"]
    assert plain.backend.history() == []
    start = wb.schema()
    assert list(start.tables) == ["users"] and start.table("users").has_column("email")
    m2 = wb.migrate("age", "ALTER TABLE users ADD COLUMN age INT;")
    assert schema_differences(apply_all([s.op for s in m2.steps], start), wb.schema(),
                              wb.dialect) == []
    wb.rollback()
    assert schema_differences(start, wb.schema(), wb.dialect) == []
    wb.rollback()
    assert where(plain, "users") == ["public"]


def test_another_schema_in_a_cell_is_refused(app):
    wb, _ = app
    with pytest.raises(UnsupportedError, match=r"works in schema app; connect with \?schema=public"):
        wb.migrate("x", "CREATE TABLE public.things (id INT);")


def test_absent_schema_is_a_clear_error(make_wb):
    plain = make_wb("postgresql")
    wb = dbwork.connect(plain.url.sqlalchemy_url() + "?schema=nowhere", migrations="unused")
    with pytest.raises(ConfigError, match="schema nowhere does not exist"):
        wb.schema()
    with pytest.raises(ConfigError, match="PostgreSQL option|unknown option .schema."):
        dbwork.connect("mariadb://root@127.0.0.1/test?schema=x").schema()
