"""Redis migrations across processes: a migrator killed mid-step (history says how far
it got, its lock runs out, the rollback restores every key), two migrators at once
(one applies, the other waits and reports it applied), and the command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dbwork

from redisserver import DB, SERVER
from test_redis_backend import seed, snapshot

HERE = Path(__file__).resolve().parent
CHECKOUT = str(HERE.parents[1])
DBWORK = str(Path(sys.executable).with_name("dbwork"))
RENAME = "RENAME PATTERN user:*:profile TO profile:{1}\nEXPIRE PATTERN session:* 60\n"


def _env() -> dict:
    env = {**os.environ, "PYTHONPATH": CHECKOUT}
    env.pop("DATABASE_URL", None)
    return env


def _child(url, folder, name, file, crash=None) -> subprocess.Popen:
    args = [sys.executable, str(HERE / "redis_child.py"), url, str(folder), name, str(file)]
    return subprocess.Popen(args + ([str(crash)] if crash else []), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def test_a_migrator_killed_mid_step_is_rolled_back_from_its_backup(url, r, tmp_path):
    seed(r, 30)
    before = snapshot(r)
    change = tmp_path / "change.redis"
    change.write_text(RENAME)
    # renewals: 1 (statement) + 20 batches of the backup (30 keys and 30 new names),
    # then 1 + 10 batches of the rename: the 27th is half way through the rename
    child = _child(url, tmp_path / "migrations", "reshape", change, crash=27)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 9, err
    assert r.exists("_dbwork_lock")                            # left by the dead holder
    renamed = len(list(r.scan_iter(match="profile:*")))
    assert 0 < renamed < 30                                     # it died mid-step
    wb = dbwork.connect(url, migrations=tmp_path / "migrations", lock_timeout=15)
    row = wb.history().iloc[-1]
    assert (row["status"], row["steps_done"]) == ("running", 1)
    [m] = wb.rollback()                                        # waits for it to run out
    assert m.status == "rolled_back"
    assert snapshot(r) == before and not r.exists("_dbwork_lock")


def test_two_migrators_at_once_apply_it_once(url, r, tmp_path):
    seed(r, 30)
    change = tmp_path / "change.redis"
    change.write_text(RENAME)
    children = [_child(url, tmp_path / "migrations", "reshape", change) for _ in range(2)]
    outs = [c.communicate(timeout=120) for c in children]
    assert sorted(o.strip() for o, _ in outs) == ["already", "applied"], outs
    assert r.llen("_dbwork_migration_events") == 1 and r.hlen("_dbwork_migrations") == 1
    assert len(list(r.scan_iter(match="profile:*"))) == 30


def _cli(url, folder, *args):
    p = subprocess.run([DBWORK, "--url", url, "--migrations", str(folder), *args],
                       capture_output=True, text=True, timeout=120, env=_env())
    return p.returncode, p.stdout, p.stderr


def test_the_command_line_migrates_lists_and_rolls_back(url, r, tmp_path):
    seed(r, 5)
    before = snapshot(r)
    change = tmp_path / "change.redis"
    change.write_text("CONVERT user:* FROM json TO hash\n")
    folder = tmp_path / "migrations"
    code, out, err = _cli(url, folder, "migrate", "profiles", str(change), "--dry-run")
    assert code == 0, err
    assert "CONVERT user:* FROM json TO hash" in out and r.type("user:1:profile") == b"string"
    code, out, err = _cli(url, folder, "migrate", "profiles", str(change), "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "applied" and r.type("user:1:profile") == b"hash"
    assert [p.suffix for p in folder.iterdir()] == [".redis"]
    code, out, err = _cli(url, folder, "history", "--json")
    assert code == 0 and [row["status"] for row in json.loads(out)["history"]] == ["applied"], err
    code, out, err = _cli(url, folder, "rollback")
    assert code == 0, err
    assert snapshot(r) == before
    bad = tmp_path / "bad.redis"
    bad.write_text("CONVERT user:* FROM json TO hash\nEXPIRE PATTERN x:* later\n")
    code, out, err = _cli(url, folder, "migrate", "bad", str(bad))
    assert code == 2 and "line 2, column 20" in out + err


def test_upgrade_applies_the_files_on_a_fresh_database(url, r, tmp_path):
    seed(r, 4)
    wb = dbwork.connect(url, migrations=tmp_path / "migrations")
    wb.migrate("ttl", "EXPIRE PATTERN session:* 120")
    wb.migrate("profiles", "RENAME PATTERN user:*:profile TO profile:{1}")
    wb.rollback(steps=2)
    assert not wb.pending() or all(m.status == "rolled_back" for m in wb.pending())
    done = wb.upgrade(include_reverted=True)
    assert [m.name for m in done] == ["ttl", "profiles"] and r.exists("profile:4")


def test_the_migrate_magic_applies_and_rolls_back(ip, url, r):
    seed(r, 3)
    before = snapshot(r)
    assert ip.run_cell(f"%detect {url}").success
    result = ip.run_cell("%%migrate profiles\nCONVERT user:* FROM json TO hash")
    assert result.success and result.result.status == "applied"
    assert r.type("user:2:profile") == b"hash"
    bad = ip.run_cell("%%migrate bad\nMOVE PATTERN user:* TO DB x")
    assert not bad.success and "column 27" in str(bad.error_in_exec)
    back = ip.run_cell("%rollback")
    assert back.success and back.result[0].status == "rolled_back"
    assert snapshot(r) == before
    assert DB == int(url.rsplit("/", 1)[1]) and SERVER in url
