"""Point 2: live data checks refuse a change the rows would break, before anything
runs, naming the problem with counts and examples; point 3: consent with counts."""
from __future__ import annotations

import pytest

from dbwork.errors import DataCheckFailed, DataLossRefused

from safety_helpers import dump, run_sql


def refused(wb, name, sql):
    before_rows, before_schema = dump(wb, "users"), wb.schema()
    with pytest.raises(DataCheckFailed) as e:
        wb.migrate(name, sql)
    assert dump(wb, "users") == before_rows and wb.schema() == before_schema
    assert name not in wb.history()["name"].tolist()
    return e.value


def test_duplicates_before_unique_index(users):
    run_sql(users, "UPDATE users SET name = 'Ann' WHERE id = 2")
    err = refused(users, "uniq_name", "CREATE UNIQUE INDEX ux_users_name ON users (name);")
    assert err.problem == "duplicates" and err.count == 2
    assert "duplicates" in str(err) and "Ann" in str(err)


def test_duplicates_before_unique_constraint(users):
    run_sql(users, "UPDATE users SET code = '10' WHERE id = 3")
    err = refused(users, "uq_code", "ALTER TABLE users ADD CONSTRAINT uq_code UNIQUE (code);")
    assert err.problem == "duplicates" and err.count == 2


def test_orphans_before_foreign_key(users):
    users.migrate("orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);")
    run_sql(users, "INSERT INTO orders (id, user_id) VALUES (1, 1), (2, 99), (3, 98), (4, NULL)")
    sql = "ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);"
    with pytest.raises(DataCheckFailed) as e:
        users.migrate("fk", sql)
    assert e.value.problem == "orphans" and e.value.count == 2
    assert "orphans" in str(e.value) and "99" in str(e.value)
    run_sql(users, "DELETE FROM orders WHERE user_id > 90")
    m = users.migrate("fk", sql)
    assert any(c["result"] == "ok" and "orphans" in c["check"] for c in m.checks)


def test_nulls_before_not_null(users):
    sql = "ALTER TABLE users ALTER COLUMN name SET NOT NULL;"
    if users.dialect.name == "mysql":
        sql = "ALTER TABLE users MODIFY name VARCHAR(50) NOT NULL;"
    err = refused(users, "nn_name", sql)
    assert err.problem == "NULLs" and err.count == 1 and "NULL" in str(err)


def test_values_that_do_not_fit_a_shorter_varchar(users):
    sql = "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(14);"
    if users.dialect.name == "mysql":
        sql = "ALTER TABLE users MODIFY email VARCHAR(14) NOT NULL;"
    if users.dialect.name == "sqlite":
        sql = "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(14);"
    err = refused(users, "short_email", sql)
    assert err.problem == "values that do not fit" and err.count == 3
    assert "do not fit" in str(err) and "ann@example.com" in str(err)


def test_text_that_is_not_an_integer(users):
    run_sql(users, "UPDATE users SET code = '4x' WHERE id = 4")
    sql = "ALTER TABLE users ALTER COLUMN code TYPE INTEGER;"
    if users.dialect.name == "mysql":
        sql = "ALTER TABLE users MODIFY code INTEGER;"
    err = refused(users, "code_int", sql)
    assert err.problem == "values that do not fit" and err.count == 1 and "4x" in str(err)


def test_checks_pass_and_are_recorded(users):
    m = users.migrate("ux_email", "CREATE UNIQUE INDEX ux_users_email ON users (email);")
    dup = [c for c in m.checks if c["check"].startswith("duplicates")]
    assert dup == [{"check": dup[0]["check"], "result": "ok", "count": 0}]
    extra = users.backend.history()[-1].extra
    assert any(c["check"].startswith("duplicates") for c in extra["checks"])


def test_consent_refusal_counts_and_allowed_warning(users):
    with pytest.raises(DataLossRefused) as e:
        users.migrate("drop_users", "DROP TABLE users;")
    assert "drop table users over 4 row(s)" in str(e.value)
    assert dump(users, "users")
    m = users.migrate("drop_users", "DROP TABLE users;", allow_data_loss=True)
    assert "data loss allowed: drop table users over 4 row(s)" in m.warnings


def test_no_consent_needed_for_an_empty_table(wb):
    wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);")
    m = wb.migrate("drop_a", "ALTER TABLE t DROP COLUMN a;")
    assert m.status == "applied"
    assert not any(w.startswith("data loss allowed") for w in m.warnings)
