"""Transactions as each engine allows, and the migration lock, on every backend."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbwork.errors import MigrationFailed

CHILD = Path(__file__).with_name("migrator_child.py")
SETUP = ("CREATE TABLE users (id INTEGER PRIMARY KEY, status VARCHAR(10));")
ROWS = ("INSERT INTO users (id, status) VALUES (1, 'new');"
        "INSERT INTO users (id, status) VALUES (2, 'new');")
# the second statement fails on the server: the rows break the check
FAILING = ("CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
           "ALTER TABLE users ADD CONSTRAINT ck_users_status CHECK (status <> 'new');\n")


def seed(wb):
    wb.migrate("setup", SETUP)
    with wb.backend.connect() as conn:
        for st in ROWS.split(";")[:-1]:
            conn.exec_driver_sql(st)
        conn.commit()


def tables(wb) -> set[str]:
    return set(wb.schema().tables)


def test_failed_migration_leaves_what_the_engine_allows(backend, wb):
    seed(wb)
    with pytest.raises(MigrationFailed) as err:
        wb.migrate("bad", FAILING)
    rows = {r.name: r for r in wb.backend.history()}
    if backend in ("sqlite", "postgresql"):
        assert err.value.transactional
        assert "nothing was changed" in str(err.value)
        assert "extra" not in tables(wb)
        assert "bad" not in rows          # no history row either
    else:
        assert not err.value.transactional
        assert "1 step(s) ran before the failure and stay applied" in str(err.value)
        assert "%rollback undoes exactly those" in str(err.value)
        assert "extra" in tables(wb)      # DDL committed implicitly
        assert (rows["bad"].status, rows["bad"].steps_done) == ("failed", 1)
        [back] = wb.rollback()
        assert back.status == "rolled_back"
        assert "extra" not in tables(wb)
        assert {r.name: r.status for r in wb.backend.history()}["bad"] == "rolled_back"
    # whatever happened, the same name can be fixed and applied afterwards
    m = wb.migrate("bad", "CREATE TABLE extra (id INTEGER PRIMARY KEY);")
    assert m.status == "applied"


def slow_sql(backend: str, seconds: int) -> str:
    """A migration whose second step takes about ``seconds``."""
    create = "CREATE TABLE slow (id INTEGER PRIMARY KEY, n INTEGER);\n"
    if backend == "postgresql":
        body = f"SELECT pg_sleep({seconds});\n"
    elif backend == "mariadb":
        body = f"SELECT SLEEP({seconds});\n"
    else:  # SQLite has no sleep: a big INSERT, about a million rows a second
        body = (f"INSERT INTO slow (id, n) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                f"SELECT x + 1 FROM c WHERE x < {seconds * 1_000_000}) SELECT x, x FROM c;\n")
    return create + body + "-- migrate:down\nDROP TABLE slow;\n"


def spawn(url, migrations, name, sqlfile, ready=None):
    args = [sys.executable, str(CHILD), url, str(migrations), name, str(sqlfile)]
    return subprocess.Popen(args + ([str(ready)] if ready else []),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_migrators_apply_once(backend, backend_url, wb, tmp_path):
    sqlfile = tmp_path / "slow.sql"
    sqlfile.write_text(slow_sql(backend, 1))
    procs = [spawn(backend_url, tmp_path / "migrations", "slow", sqlfile) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    results = sorted(o[0].strip() for o in outs)
    assert results == ["already", "applied"], outs
    applied = [r for r in wb.backend.history() if r.name == "slow"]
    assert [r.status for r in applied] == ["applied"]


def wait_for(predicate, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_killed_migrator_leaves_nothing_half_done_and_no_stale_lock(backend, backend_url,
                                                                    wb, tmp_path):
    wb.migrate("setup", SETUP)
    sqlfile, ready = tmp_path / "slow.sql", tmp_path / "ready"
    sqlfile.write_text(slow_sql(backend, 20 if backend != "sqlite" else 6))
    p = spawn(backend_url, tmp_path / "migrations", "slow", sqlfile, ready)
    assert wait_for(ready.exists)
    assert wait_for(lambda: in_slow_step(backend, wb)), "the migration never got going"
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=10)

    start = time.monotonic()
    rows = {r.name: r for r in wb.backend.history()}
    # no stale lock: the next run proceeds at once
    wb.lock_timeout = 10
    m = wb.migrate("after_crash", "CREATE TABLE after_crash (id INTEGER PRIMARY KEY);")
    assert m.status == "applied"
    assert time.monotonic() - start < 10
    if backend in ("sqlite", "postgresql"):
        assert "slow" not in rows and "slow" not in tables(wb)
        return
    # MariaDB: a clear, recoverable record: step 1 ran and stays
    assert rows["slow"].status in ("running", "failed")
    assert rows["slow"].steps_done == 1 and "slow" in tables(wb)
    back = wb.rollback(to=rows["setup"].version)
    assert [b.name for b in back] == ["after_crash", "slow"]
    assert all(b.status == "rolled_back" for b in back)
    # the cell's explicit '-- migrate:down' belongs to step 1, so it runs
    assert "slow" not in tables(wb)


def in_slow_step(backend, wb) -> bool:
    """True once the child is inside the slow statement."""
    if backend == "sqlite":
        return _sqlite_busy(wb)
    q = {"postgresql": "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%%'",
         "mariadb": "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP%%'"}
    with wb.backend.connect() as conn:
        return conn.exec_driver_sql(q[backend]).scalar() > 0


def _sqlite_busy(wb) -> bool:
    import sqlite3
    c = sqlite3.connect(wb.url.database, timeout=0)
    try:
        c.execute("BEGIN IMMEDIATE")
        c.rollback()
        return False
    except sqlite3.OperationalError:
        time.sleep(0.5)  # the lock is taken; give the INSERT time to be under way
        return True
    finally:
        c.close()



@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_two_databases_on_one_server_do_not_share_the_lock(kind, make_wb):
    """MySQL's named locks are server-wide: a migrator holding database A's lock must
    not make database B's migrator wait (it did: every database shared one name)."""
    from dbwork.execute import locks
    first, second = make_wb(kind), make_wb(kind)
    second.lock_timeout = 2
    with first.backend.connect() as conn:
        with locks.hold(conn, first.backend.dialect, timeout=1):
            m = second.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
            assert m.status == "applied"
