"""Issue 13, attacked through the real ``dbwork`` entry point on PostgreSQL: two
``dbwork upgrade`` processes at once with a branch merge pending, an applied migration
file edited by hand, a history row deleted by hand. Each gives a clear error (or one
clean run) and loses nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

import dbwork

ROOT = Path(__file__).resolve().parents[2]
ENTRY = Path(sys.executable).with_name("dbwork")


def _environ(url: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DBWORK_URL")}
    environ.update(PYTHONPATH=str(ROOT), DATABASE_URL=url)
    return environ


def _start(url, folder, *args):
    return subprocess.Popen([str(ENTRY), "--migrations", str(folder), *args],
                            env=_environ(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _cli(url, folder, *args):
    p = _start(url, folder, *args)
    out, err = p.communicate(timeout=240)
    return p.returncode, out, err


def _branch(wb, name, sql, parent, suffix):
    m = wb.migrate(name, sql, dry_run=True)
    m.version, m.parents, m.parent = parent.version[:14] + suffix, (parent.version,), parent.version
    wb.files.write(m)
    return m


def _cli_url(wb) -> str:
    return wb.url.sqlalchemy_url().replace("+psycopg", "")


def _with_branches(make_wb):
    wb = make_wb("postgresql")
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));")
    base = wb.files.all()[-1]
    _branch(wb, "add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(100);", base, "000002")
    _branch(wb, "create_orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
            "user_id INTEGER REFERENCES users (id));", base, "000001")
    return wb


def test_two_upgrades_at_once_with_a_pending_merge_apply_each_file_once(make_wb):
    wb = _with_branches(make_wb)
    url, folder = _cli_url(wb), wb.files.directory
    runs = [_start(url, folder, "upgrade", "--json") for _ in range(2)]
    results = [(p.wait(timeout=240), *p.communicate()) for p in runs]
    for code, out, err in results:
        assert code == 0, (out, err)
    applied = [m["name"] for _, out, _ in results for m in json.loads(out)["applied"]]
    assert sorted(applied) == ["add_email", "create_orders"]    # each ran once, in one process
    rows = wb.backend.history()
    assert [r.name for r in rows].count("add_email") == 1
    merges = [r for r in rows if (r.extra or {}).get("parents")]
    assert len(merges) == 1 and len([m for m in wb.files.all() if m.is_merge]) == 1
    assert all(r.status == "applied" for r in rows) and wb.verify().ok
    assert {"orders", "users"} <= set(wb.schema().tables) and len(wb.graph().heads) == 1


def test_an_edited_applied_file_refuses_upgrade_and_rollback(make_wb):
    wb = _with_branches(make_wb)
    url, folder = _cli_url(wb), wb.files.directory
    first = Path(next(m.path for m in wb.files.all() if m.name == "create_users"))
    first.write_text(first.read_text().replace("name VARCHAR(50)", "name VARCHAR(80)"))
    before, rows = wb.schema(), [(r.version, r.status) for r in wb.backend.history()]
    code, out, err = _cli(url, folder, "upgrade", "--json")
    error = json.loads(out)["error"]
    assert code == 1 and error["type"] == "TamperDetected"
    assert [f["kind"] for f in error["findings"]] == ["file_edited"]
    assert first.name in error["findings"][0]["subject"] and "create_users" in err
    code, out, _ = _cli(url, folder, "rollback", "--json")        # the row it would undo
    assert code == 1 and json.loads(out)["error"]["type"] == "TamperDetected"
    code, out, _ = _cli(url, folder, "verify", "--json")
    assert code == 1 and [f["kind"] for f in json.loads(out)["findings"]] == ["file_edited"]
    assert wb.schema() == before and [(r.version, r.status) for r in wb.backend.history()] == rows


def test_a_deleted_history_row_refuses_upgrade_and_keeps_the_rest(make_wb):
    wb = _with_branches(make_wb)
    url, folder = _cli_url(wb), wb.files.directory
    assert _cli(url, folder, "upgrade")[0] == 0
    gone = wb.backend.history()[1]
    engine = sa.create_engine(wb.url.sqlalchemy_url())
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM dbwork_migrations WHERE version = :v"), {"v": gone.version})
    engine.dispose()
    _branch(wb, "add_nick", "ALTER TABLE users ADD COLUMN nick VARCHAR(20);",
            next(m for m in wb.files.all() if m.is_merge), "000009")
    before = wb.schema()
    code, out, err = _cli(url, folder, "upgrade", "--json")
    error = json.loads(out)["error"]
    assert code == 1 and error["type"] == "TamperDetected" and gone.name in err
    assert "row_deleted" in [f["kind"] for f in error["findings"]]
    code, out, _ = _cli(url, folder, "rollback", "--json")
    assert code == 1 and json.loads(out)["error"]["type"] == "TamperDetected"
    assert wb.schema() == before and "nick" not in {c.name for c in before.table("users").columns}
    assert gone.version in {e.version for e in wb.backend.events()}  # the event log kept it
    assert isinstance(dbwork.errors.TamperDetected("x", []), dbwork.MigrationConflict)
