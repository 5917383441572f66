"""Point 5: rehearsal on a throwaway copy; point 6: validation after apply."""
from __future__ import annotations

import os

import pytest

from dbwork.errors import DataCheckFailed

from safety_helpers import dump, run_sql


def state(wb):
    hist = wb.history()[["version", "name", "status"]].values.tolist()
    files = sorted(os.listdir(wb.files.directory)) if os.path.isdir(wb.files.directory) else []
    return wb.schema(), dump(wb, "users"), hist, files


def test_rehearsal_round_trip_leaves_real_database_alone(users):
    before = state(users)
    report = users.rehearse("drop_name", "ALTER TABLE users DROP COLUMN name;",
                            allow_data_loss=True)
    assert report.ok, report.summary()
    assert report.schema_restored and report.rows_restored and report.reapplied
    assert [s["step"] for s in report.steps] == ["up", "verify up", "down", "verify down",
                                                 "up again"]
    assert all(s["seconds"] >= 0 for s in report.steps)
    assert "passed" in report.summary()
    assert state(users) == before
    assert users.backups().empty


def test_rehearsal_reports_a_rollback_that_loses_rows(users):
    """An explicit down that does not undo the change: the rehearsal says so."""
    text = "DELETE FROM users WHERE id = 1;\n-- migrate:down\nSELECT 1;"
    before = state(users)
    report = users.rehearse("lose", text)
    assert not report.ok and not report.rows_restored and report.schema_restored
    assert any("rows differ (3 -> 4 rows)" in d or "rows differ" in d for d in report.differences)
    assert state(users) == before


def test_rehearsal_of_an_applied_migration_rolls_back_on_the_copy(users):
    users.migrate("drop_age", "ALTER TABLE users DROP COLUMN age;", allow_data_loss=True)
    before = state(users)
    report = users.rehearse("drop_age", "ALTER TABLE users DROP COLUMN age;",
                            allow_data_loss=True)
    assert report.mode == "down-up" and report.ok, report.summary()
    assert state(users) == before


def test_refused_rehearsal_reports_the_refusal(users):
    report = users.rehearse("drop_users", "DROP TABLE users;")
    assert not report.ok and "refused" in report.steps[0]["result"]


def test_validation_recorded_in_migration_and_history(users):
    users.migrate("orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER "
                  "REFERENCES users (id));")
    run_sql(users, "INSERT INTO orders (id, user_id) VALUES (1, 1), (2, 2)")
    m = users.migrate("orders_note", "ALTER TABLE orders ADD COLUMN note VARCHAR(20);")
    names = [c["check"] for c in m.checks]
    assert any(n.startswith("foreign key integrity") for n in names)
    assert {"check": "row count orders", "result": "ok", "count": 2, "before": 2} in m.checks
    rb = [c for c in m.checks if c["check"].startswith("rollback script valid")]
    assert rb and rb[0]["result"] == "ok" and rb[0]["count"] >= 1
    extra = users.backend.history()[-1].extra
    assert [c["check"] for c in extra["checks"]] == names


def test_validation_failure_undoes_the_migration(users):
    """SQLite does not enforce foreign keys by default: a data statement that leaves
    orphans is caught after the last step and the migration is rolled back."""
    if users.dialect.name != "sqlite":
        pytest.skip("PostgreSQL and MariaDB refuse orphans themselves")
    users.migrate("orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER "
                  "REFERENCES users (id));")
    text = ("INSERT INTO orders (id, user_id) VALUES (7, 777);\n"
            "-- migrate:down\nDELETE FROM orders WHERE id = 7;")
    with pytest.raises(DataCheckFailed) as e:
        users.migrate("orphan", text)
    assert e.value.problem == "orphans"
    assert "orphan" not in users.history()["name"].tolist()
    assert dump(users, "orders") == []
