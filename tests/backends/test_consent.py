"""Consent for big data statements (issue 11 point 8): an UPDATE or DELETE that touches
every row of a non-empty table, or more than ``consent_rows`` rows (10,000 by default),
is refused without allow_data_loss, with the count; smaller ones apply as before, and
the card says what each backup holds. Before: all of them applied without asking."""
from __future__ import annotations

import pytest

from dbwork.errors import DataLossRefused

SETUP = "CREATE TABLE users (id INTEGER PRIMARY KEY, status VARCHAR(10), note VARCHAR(20));"


def seeded(wb, n=5):
    wb.migrate("setup", SETUP)
    with wb.backend.connect() as conn:
        for i in range(1, n + 1):
            conn.exec_driver_sql(f"INSERT INTO users VALUES ({i}, '{'old' if i % 2 else 'new'}', "
                                 f"'n:{i}')")
        conn.commit()
    return wb


def rows(wb):
    with wb.backend.connect() as conn:
        return conn.exec_driver_sql("SELECT id, status, note FROM users ORDER BY id").all()


@pytest.mark.parametrize("statement", ["DELETE FROM users;",
                                       "UPDATE users SET status = 'gone';",
                                       "DELETE FROM users WHERE id > 0;"])
def test_a_statement_over_every_row_asks_for_consent(wb, statement):
    seeded(wb)
    start = rows(wb)
    with pytest.raises(DataLossRefused) as err:
        wb.migrate("wipe", statement)
    assert "changes 5 of 5 row(s) of users" in str(err.value)
    assert rows(wb) == start                        # nothing ran
    m = wb.migrate("wipe", statement, allow_data_loss=True)
    assert any("holds 5 of 5 row(s) of users" in w for w in m.warnings), m.warnings
    assert rows(wb) != start
    wb.rollback()
    assert rows(wb) == start                        # and the rollback restores every value


def test_a_statement_over_some_rows_applies_and_says_what_the_backup_holds(wb):
    seeded(wb)
    start = rows(wb)
    m = wb.migrate("tidy", "DELETE FROM users WHERE status = 'old' AND note <> 'n:10:00';")
    assert m.status == "applied"
    assert any("holds 3 of 5 row(s) of users" in w for w in m.warnings), m.warnings
    wb.rollback()
    assert rows(wb) == start


def test_the_threshold_is_configurable(backend_url, tmp_path):
    import dbwork
    wb = dbwork.connect(backend_url, migrations=tmp_path / "m", consent_rows=2)
    try:
        seeded(wb)
        with pytest.raises(DataLossRefused, match="changes 3 of 5 row"):
            wb.migrate("tidy", "UPDATE users SET note = 'x' WHERE status = 'old';")
        wb.consent_rows = None
        wb.consent_all_rows = False
        assert wb.migrate("all", "DELETE FROM users;").status == "applied"
    finally:
        wb.close()


def test_an_empty_table_needs_no_consent(wb):
    wb.migrate("setup", SETUP)
    assert wb.migrate("wipe", "DELETE FROM users;").status == "applied"


def test_a_where_that_needs_an_earlier_statement_is_not_counted_and_still_applies(wb):
    seeded(wb)
    m = wb.migrate("two", "CREATE TABLE gone (id INTEGER PRIMARY KEY);\n"
                          "DELETE FROM users WHERE id IN (SELECT id FROM gone);")
    assert m.status == "applied"
    assert any("not counted before it runs" in w for w in m.warnings), m.warnings
    wb.rollback()
    assert len(rows(wb)) == 5
