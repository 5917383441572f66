"""Every failure is a dbwork error naming the migration, the step and the statement,
with the driver's exception chained as ``__cause__`` (and credentials masked)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbwork.errors import DbworkError, MigrationFailed, StatementFailed
from dbwork.execute.runner import TRANSLATORS, as_dbwork_error, failures_reported

SECRET = "s3cr3t-pw"
URL_IN_DATA = f"postgresql://app:{SECRET}@db.internal/prod"


def _driver_error(e: BaseException) -> bool:
    """The chained cause is the driver's (or SQLAlchemy's) own exception."""
    return not isinstance(e, DbworkError) and type(e).__module__.split(".")[0] in (
        "sqlite3", "psycopg", "pymysql", "sqlalchemy")


def test_failing_statement_on_apply_names_migration_step_statement(wb):
    wb.migrate("make_t", "CREATE TABLE t (id INTEGER PRIMARY KEY, note VARCHAR(200))")
    bad = f"INSERT INTO t (id, note) VALUES (1, '{URL_IN_DATA}'), (1, 'again')"
    text = f"ALTER TABLE t ADD COLUMN extra INTEGER;\n{bad}\n-- migrate:down\nDELETE FROM t"
    with pytest.raises(StatementFailed) as info:
        wb.migrate("dup_rows", text)
    e = info.value
    assert isinstance(e, MigrationFailed)
    assert e.name == "dup_rows" and e.version and e.step == 2
    assert "INSERT INTO t" in e.statement and SECRET not in e.statement
    assert SECRET not in str(e) and "dup_rows" in str(e) and "step 2" in str(e)
    assert _driver_error(e.__cause__), type(e.__cause__)


def test_failing_statement_on_rollback_names_migration_step_statement(wb):
    wb.migrate("make_v", "CREATE TABLE v (id INTEGER PRIMARY KEY)")
    with wb.backend.engine.begin() as conn:  # someone drops it behind dbwork's back
        conn.exec_driver_sql("DROP TABLE v")
    with pytest.raises(StatementFailed) as info:
        wb.rollback()
    e = info.value
    assert e.name == "make_v" and e.step == 1 and e.phase == "rolling back"
    assert e.statement.startswith("DROP TABLE v")
    assert "while rolling back" in str(e)
    assert _driver_error(e.__cause__), type(e.__cause__)


def test_a_library_error_outside_a_step_becomes_statement_failed(tmp_path):
    """What planning or validation runs (a data check, a reflection query) leaves as a
    StatementFailed carrying the statement SQLAlchemy attached to its error."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(StatementFailed) as info:
        with failures_reported("planning", name="m1"), engine.connect() as conn:
            conn.exec_driver_sql('SELECT COUNT(*) FROM "Order"')
    e = info.value
    assert e.name == "m1" and e.step is None and e.statement == 'SELECT COUNT(*) FROM "Order"'
    assert "no such table" in e.reason and "while planning" in str(e)
    assert isinstance(e.__cause__, sa.exc.OperationalError)


def test_dbwork_errors_pass_through_and_translators_come_first():
    original = DbworkError("already typed")
    assert as_dbwork_error(original) is original

    class Frozen(DbworkError):
        pass

    def translate(e):
        return Frozen("timed out") if isinstance(e, TimeoutError) else None

    TRANSLATORS.insert(0, translate)
    try:
        assert type(as_dbwork_error(TimeoutError("x"))) is Frozen
        assert type(as_dbwork_error(ValueError("y"), step=4)) is StatementFailed
    finally:
        TRANSLATORS.remove(translate)


def test_interrupts_are_not_swallowed():
    with pytest.raises(KeyboardInterrupt):
        with failures_reported("apply"):
            raise KeyboardInterrupt
