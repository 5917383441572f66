"""Point 4: every destructive change's rollback restores the data exactly (full row
dumps before/after); backups of the rows an UPDATE/DELETE changes; listing and
purging backups; the backup goes only after the restore succeeded."""
from __future__ import annotations

import pytest

from dbwork.errors import MigrationFailed
from dbwork.execute.runner import run_down, run_up
from dbwork.migration import Migration
from dbwork.parse.sql import parse_sql
from dbwork.plan.steps import plan_steps
from dbwork.safety.dml import add_dml_backups

from safety_helpers import dump, run_sql


def narrow_sql(wb):
    if wb.dialect.name == "mysql":
        return "ALTER TABLE users MODIFY code VARCHAR(5);"
    return "ALTER TABLE users ALTER COLUMN code TYPE VARCHAR(5);"


DESTRUCTIVE = {
    "drop_column": lambda wb: "ALTER TABLE users DROP COLUMN name;",
    "drop_not_null_column": lambda wb: "ALTER TABLE users DROP COLUMN email;",
    "drop_table": lambda wb: "DROP TABLE users;",
    "narrow": narrow_sql,
    "drop_two_columns": lambda wb: "ALTER TABLE users DROP COLUMN age;\nALTER TABLE users DROP COLUMN code;",
}


@pytest.mark.parametrize("change", sorted(DESTRUCTIVE))
def test_rollback_restores_rows_exactly(users, change):
    before_rows, before_schema = dump(users, "users"), users.schema()
    m = users.migrate(change, DESTRUCTIVE[change](users), allow_data_loss=True)
    assert m.status == "applied"
    assert not users.backups().empty           # the values wait in a backup table
    users.rollback()
    assert dump(users, "users") == before_rows
    after = users.schema().table("users")
    assert sorted(after.columns, key=lambda c: c.name) == \
        sorted(before_schema.table("users").columns, key=lambda c: c.name)
    assert users.backups().empty                # dropped once restored


def test_backups_listed_and_purged(users):
    users.migrate("drop_name", "ALTER TABLE users DROP COLUMN name;", allow_data_loss=True)
    users.migrate("drop_age", "ALTER TABLE users DROP COLUMN age;", allow_data_loss=True)
    df = users.backups()
    assert list(df.columns)[:5] == ["backup", "source", "version", "rows", "created"]
    assert df["source"].tolist() == ["users", "users"]
    assert df["rows"].tolist() == [4, 4]
    assert all(b.startswith("_dbwork_bak_") for b in df["backup"])
    first = df["version"].iloc[0]
    dropped = users.purge_backups(version=first)
    assert [d["backup"] for d in dropped] == [df["backup"].iloc[0]]
    assert "can no longer restore" in dropped[0]["note"]
    assert users.backups()["version"].tolist() == [df["version"].iloc[1]]
    assert users.purge_backups(older_than="2000-01-01") == []
    assert len(users.purge_backups()) == 1 and users.backups().empty


def _dml_migration(wb, text, version="20990101000000"):
    """The DML backup pass on its own (the workbench wires it in at its call site)."""
    schema = wb.schema()
    ops = parse_sql(text, wb.dialect, schema, allow_raw=True).ops
    ops = add_dml_backups(ops, schema, wb.dialect, version)
    steps = plan_steps(ops, schema, wb.dialect)
    return Migration(version, "dml", steps, dialect=wb.dialect.name)


@pytest.mark.parametrize("text", [
    "UPDATE users SET name = 'X', age = age + 1 WHERE id IN (1, 2)",
    "DELETE FROM users WHERE age > 30 OR age IS NULL",
    "UPDATE users SET code = NULL",
    "DELETE FROM users",
])
def test_dml_backup_and_restore(users, text):
    before = dump(users, "users")
    m = _dml_migration(users, text)
    assert m.steps[0].comment.startswith("back up rows of users")
    with users.backend.session() as s:
        run_up(s, m)
    assert dump(users, "users") != before
    assert users.backups()["rows"].iloc[0] > 0
    with users.backend.session() as s:
        run_down(s, m)
    assert dump(users, "users") == before
    assert users.backups().empty


def test_backup_dropped_only_after_restore_succeeds(users):
    """Break the restore (the table it writes to is gone): the backup must survive."""
    m = users.migrate("drop_name", "ALTER TABLE users DROP COLUMN name;", allow_data_loss=True)
    backup = users.backups()["backup"].iloc[0]
    run_sql(users, "CREATE TABLE users_keep AS SELECT * FROM users", "DROP TABLE users",
            "CREATE TABLE users (uid INTEGER PRIMARY KEY, other INTEGER)")
    with pytest.raises(MigrationFailed):
        users.rollback()
    assert users.backups()["backup"].tolist() == [backup]
    assert m.down.index("UPDATE users") < m.down.index(f"DROP TABLE {backup}")
