"""Issue 11 points 3, 4 and 9 on every SQL backend: concurrent upgrades through the
command line, tampering with files and history, and a revert that stays reverted."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbwork.errors import DataLossRefused, OutOfOrder, RollbackMismatch, TamperDetected
from dbwork.execute import integrity

DBWORK = str(Path(sys.executable).with_name("dbwork"))


def _files(src) -> list[Path]:
    return src.files.paths()


def _three_files(make_wb, backend):
    """A workbench whose migrations folder holds three applied files."""
    src = make_wb(backend)
    src.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200));")
    src.migrate("add_name", "ALTER TABLE users ADD COLUMN name VARCHAR(100);")
    src.migrate("create_orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                                 "user_id INTEGER REFERENCES users (id));")
    return src


def _cli(*args, env=None, timeout=120):
    return subprocess.run([DBWORK, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _sql(wb, statement: str, params=None):
    with wb.backend.engine.begin() as conn:
        return conn.execute(sa.text(statement), params or {})


# -- point 3: concurrent upgrades --------------------------------------------------------
def test_eight_concurrent_cli_upgrades_apply_each_file_once(backend, make_wb):
    """Before: in 5 of 10 rounds on SQLite one or two exited with 'already exists'."""
    src = _three_files(make_wb, backend)
    folder = str(src.files.directory)
    for _ in range(3 if backend == "sqlite" else 2):
        target = make_wb(backend)
        target.files = src.files
        url = target.url.sqlalchemy_url() if backend != "sqlite" else str(target.url)
        url = url.replace("+psycopg", "").replace("mysql+pymysql", "mariadb")
        procs = [subprocess.Popen([DBWORK, "--url", url, "--migrations", folder, "upgrade"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(8)]
        deadline = time.monotonic() + 180
        results = []
        for p in procs:
            out, err = p.communicate(timeout=max(1, deadline - time.monotonic()))
            results.append((p.returncode, out, err))
        assert [r[0] for r in results] == [0] * 8, [r[2] for r in results if r[0]]
        applied = [r for r in results if "up to date" not in r[1]]
        assert len(applied) == 1, "exactly one migrator applies; the others find nothing to do"
        rows = target.backend.history()
        assert [(r.name, r.status) for r in rows] == [
            ("create_users", "applied"), ("add_name", "applied"), ("create_orders", "applied")]
        assert [e.event for e in target.backend.events()] == ["applied"] * 3
        assert target.verify().ok


# -- point 4: tampering ------------------------------------------------------------------
def test_an_applied_file_deleted_is_found_and_refused(backend, make_wb):
    wb = _three_files(make_wb, backend)
    gone = _files(wb)[1]
    gone.unlink()
    report = wb.verify()
    assert report.kinds() == ["file_deleted"]
    assert "add_name" in report.findings[0].subject
    with pytest.raises(TamperDetected, match="add_name"):
        wb.upgrade()
    with pytest.raises(TamperDetected, match="add_name"):
        wb.rollback(2)  # the second one rolled back is add_name
    assert "add_name" in str(report) and "add_name" in report._repr_html_()


def test_an_older_file_added_after_newer_ones_is_out_of_order(backend, make_wb):
    wb = _three_files(make_wb, backend)
    scratch = make_wb(backend)
    late = scratch.migrate("create_extra", "CREATE TABLE extra (id INTEGER PRIMARY KEY);",
                           dry_run=True)
    late.version = _before(_files(wb)[0].name[:14])   # written "before" the applied ones
    wb.files.write(late)
    report = wb.verify()
    assert report.kinds() == ["out_of_order"] and "create_extra" in report.findings[0].subject
    with pytest.raises(OutOfOrder, match="create_extra") as e:   # a graph finding, not tampering
        wb.upgrade()
    assert not isinstance(e.value, TamperDetected) and len(e.value.versions) == 1
    assert "extra" not in wb.schema().tables
    done = wb.upgrade(allow_out_of_order=True)
    assert [m.name for m in done] == ["create_extra"] and "extra" in wb.schema().tables
    assert wb.verify().ok


def _before(version: str) -> str:
    from datetime import datetime, timedelta
    fmt = "%Y%m%d%H%M%S"
    return (datetime.strptime(version, fmt) - timedelta(seconds=1)).strftime(fmt)


@pytest.mark.parametrize("edit", ["down", "name", "version"])
def test_an_applied_files_down_or_header_edited_is_found(backend, make_wb, edit):
    wb = _three_files(make_wb, backend)
    path = _files(wb)[1]
    text = path.read_text()
    if edit == "down":
        text = text.replace("-- migrate:down\n", "-- migrate:down\n-- step 9: nothing\nSELECT 1;\n")
        text = text.replace("DROP COLUMN name", "DROP COLUMN email")
    elif edit == "name":
        text = text.replace("-- name: add_name", "-- name: add_names")
    else:
        version = path.name.split("_")[0]
        text = text.replace(f"-- version: {version}", f"-- version: {int(version) - 1}")
    path.write_text(text)
    report = wb.verify()
    assert not report.ok
    assert any(str(path) == f.subject or "add_name" in f.subject for f in report.findings)
    expected = {"down": {"file_edited"}, "name": {"file_header", "file_edited"},
                "version": {"file_header"}}[edit]
    assert expected <= set(report.kinds()), report
    with pytest.raises(TamperDetected, match="add_name"):
        wb.upgrade()
    r = _cli("--url", _plain(wb), "--migrations", str(wb.files.directory), "verify", "--json")
    assert r.returncode == 1, r.stderr
    assert not json.loads(r.stdout)["ok"]


def _plain(wb) -> str:
    if wb.url.dialect == "sqlite":
        return str(wb.url)
    return wb.url.sqlalchemy_url().replace("+psycopg", "").replace("mysql+pymysql", "mariadb")


@pytest.mark.parametrize("edit", ["delete", "status", "version"])
def test_a_history_row_edited_or_deleted_is_found(backend, make_wb, edit):
    wb = _three_files(make_wb, backend)
    v = wb.backend.history()[1].version
    if edit == "delete":
        _sql(wb, "DELETE FROM dbwork_migrations WHERE version = :v", {"v": v})
        kind = "row_deleted"
    elif edit == "status":
        _sql(wb, "UPDATE dbwork_migrations SET status = 'rolled_back' WHERE version = :v", {"v": v})
        kind = "row_edited"
    else:
        _sql(wb, "UPDATE dbwork_migrations SET version = :n WHERE version = :v",
             {"v": v, "n": "19990101000000"})
        kind = "row_edited"
    report = wb.verify()
    assert kind in report.kinds(), report
    assert any("add_name" in f.subject for f in report.findings if f.kind == kind)
    with pytest.raises(TamperDetected, match="add_name"):
        wb.upgrade()
    with pytest.raises(TamperDetected, match="add_name"):
        wb.rollback()


def test_a_corrupted_down_script_never_reports_rolled_back(backend, make_wb):
    wb = make_wb(backend)
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY);")
    wb.migrate("add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(200);")
    v = wb.backend.history()[-1].version
    _sql(wb, "UPDATE dbwork_migrations SET down_script = :d WHERE version = :v",
         {"d": "-- step 1: nothing\nSELECT 1;", "v": v})
    with pytest.raises(TamperDetected, match="add_email"):
        wb.rollback()
    # even when the row is re-sealed (its checksum recomputed), the rollback checks
    # that the schema is back where the migration started, and fails loudly
    row = [r for r in wb.backend.history() if r.version == v][0]
    path = wb.files.find("add_email").path  # and the file says the same
    text = Path(path).read_text()
    Path(path).write_text(text[:text.index("-- migrate:down")] + "-- migrate:down\n" + row.down)
    row.checksum = wb.files.find("add_email").checksum
    with wb.backend.session() as s:
        s.write_history(integrity.seal(row))
        s.commit()
    with pytest.raises(RollbackMismatch, match="users"):
        wb.rollback()
    assert "email" in {c.name for c in wb.schema().table("users").columns}
    status = [r for r in wb.backend.history() if r.version == v][0].status
    assert status == ("failed" if backend == "mariadb" else "applied")


def test_history_written_by_the_previous_version_is_brought_forward(backend, make_wb):
    """Rows without row_checksum, holding the old up+down checksum, still read; the
    table gains its column in place, once."""
    from dbwork.migration import checksum_of
    wb = make_wb(backend)
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY);")
    m = wb.files.all()[0]
    _sql(wb, "DROP TABLE dbwork_migration_events")
    if backend == "sqlite":  # SQLite before 3.35 has no DROP COLUMN: rebuild the old shape
        _sql(wb, "CREATE TABLE old AS SELECT version, name, status, checksum, applied_at, "
                 "duration_ms, up_script, down_script, parent, dialect, steps_done, error, "
                 "source_checksum, extra FROM dbwork_migrations")
        _sql(wb, "DROP TABLE dbwork_migrations")
        _sql(wb, "ALTER TABLE old RENAME TO dbwork_migrations")
    else:
        _sql(wb, "ALTER TABLE dbwork_migrations DROP COLUMN row_checksum")
    _sql(wb, "UPDATE dbwork_migrations SET checksum = :c", {"c": checksum_of(m.up, m.down)})
    assert [r.name for r in wb.backend.history()] == ["create_users"]  # old table reads
    assert wb.verify().ok
    assert wb.upgrade() == []     # a session brings the table forward
    assert wb.upgrade() == []     # and again: idempotent
    [row] = wb.backend.history()
    assert integrity.row_intact(row) and row.checksum == m.checksum
    wb.migrate("add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(200);")
    assert [r.status for r in wb.rollback()] == ["rolled_back"]
    assert wb.verify().ok


def test_verify_cli_exit_codes(backend, make_wb, tmp_path):
    wb = _three_files(make_wb, backend)
    folder = str(wb.files.directory)
    r = _cli("--url", _plain(wb), "--migrations", folder, "verify")
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr
    r = _cli("--url", "postgresql://nobody@127.0.0.1:1/none", "--migrations", folder, "verify")
    assert r.returncode == 2 and "ConnectionFailed" in r.stderr


# -- point 9: a revert stays reverted ----------------------------------------------------
def test_a_reverted_migration_stays_reverted_until_reapproved(backend, make_wb):
    wb = make_wb(backend)
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, token VARCHAR(64));")
    _sql(wb, "INSERT INTO users (id, token) VALUES (1, 'a'), (2, 'b')")
    wb.migrate("drop_token", "ALTER TABLE users DROP COLUMN token;", allow_data_loss=True)
    [back] = wb.rollback(reason="broke user authentication")
    assert back.status == "rolled_back"
    assert wb.upgrade() == []                       # not re-applied without asking
    assert "token" in {c.name for c in wb.schema().table("users").columns}
    [p] = wb.pending()
    assert p.name == "drop_token" and p.status == "rolled_back" and "reverted" in p.notes[0]
    r = _cli("--url", _plain(wb), "--migrations", str(wb.files.directory), "pending")
    assert "drop_token (reverted" in r.stdout
    r = _cli("--url", _plain(wb), "--migrations", str(wb.files.directory), "upgrade")
    assert r.returncode == 0 and "not re-applied (reverted)" in r.stdout
    events = wb.history(events=True)
    assert list(events["event"]) == ["applied", "applied", "rolled_back"]
    assert list(events["reason"])[-1] == "broke user authentication"
    frame = wb.history()
    assert {"version", "name", "status", "applied_at", "checksum", "duration_ms"} <= set(frame)
    assert list(frame["status"]) == ["applied", "rolled_back"]
    # re-approval: consent for data loss is asked exactly as migrate asks it
    with pytest.raises(DataLossRefused, match="token"):
        wb.upgrade(include_reverted=True)
    with pytest.raises(DataLossRefused, match="token"):
        wb.reapply("drop_token")
    m = wb.reapply("drop_token", allow_data_loss=True)
    assert m.status == "applied"
    assert "token" not in {c.name for c in wb.schema().table("users").columns}
    assert list(wb.history(events=True)["event"]) == ["applied", "applied", "rolled_back",
                                                       "applied"]
    assert wb.verify().ok


def test_upgrade_asks_consent_for_data_loss_like_migrate(backend, make_wb):
    src = make_wb(backend)
    src.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, token VARCHAR(64));")
    src.migrate("drop_token", "ALTER TABLE users DROP COLUMN token;")  # no rows: no question
    target = make_wb(backend)
    target.files = src.files
    target.upgrade()   # an empty database: nothing is lost, nothing asked
    prod = make_wb(backend)
    prod.files = src.files
    first = src.files.all()[0]
    with prod.backend.session() as s:     # only the first file, then data arrives
        from dbwork.execute.runner import run_up
        run_up(s, first)
    _sql(prod, "INSERT INTO users (id, token) VALUES (1, 'secret')")
    with pytest.raises(DataLossRefused, match="drop column users.token over 1 row"):
        prod.upgrade()
    assert "token" in {c.name for c in prod.schema().table("users").columns}
    r = _cli("--url", _plain(prod), "--migrations", str(src.files.directory), "upgrade")
    assert r.returncode == 1 and "DataLossRefused" in r.stderr
    r = _cli("--url", _plain(prod), "--migrations", str(src.files.directory), "upgrade",
             "--allow-data-loss")
    assert r.returncode == 0, r.stderr
    assert "token" not in {c.name for c in prod.schema().table("users").columns}


def test_no_second_migrator_gets_in_between_two_migrations_of_an_upgrade(make_wb):
    """SQLite's BEGIN IMMEDIATE ends with every commit, and an upgrade commits after each
    migration: a migrator polling the lock without waiting could take it in between
    (then both apply the next file: 'already exists'). Every time this test holds the
    lock, history must show the upgrade not started or finished, never half way."""
    from dbwork.errors import LockTimeout
    src = make_wb("sqlite")
    for i in range(25):
        src.migrate(f"t{i}", f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY);")
    target = make_wb("sqlite")
    target.files = src.files
    proc = subprocess.Popen([DBWORK, "--url", str(target.url), "--migrations",
                             str(src.files.directory), "upgrade"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, deadline = set(), time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with target.backend.session(lock_timeout=0) as s:
                seen.add(sum(r.status == "applied" for r in s.history()))
        except LockTimeout:
            pass
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert seen <= {0, 25}, f"took the lock half way through the upgrade: {sorted(seen)}"
    assert len(target.backend.history()) == 25
