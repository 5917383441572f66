"""The command line against DynamoDB, in a subprocess (as CI and deploys run it): the
fake credentials live only in the child's environment and never show in its output."""
from __future__ import annotations

import json
import os
import subprocess
import sys

SECRET = "fakeSecretKey0123456789xyz"


def cli(url: str, migrations, *args: str, stdin: str | None = None):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKE", "AWS_SECRET_ACCESS_KEY": SECRET}
    env.pop("AWS_SESSION_TOKEN", None)
    done = subprocess.run([sys.executable, "-m", "dbwork.cli", "--url", url, "--migrations",
                           str(migrations), *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)
    assert SECRET not in done.stdout + done.stderr
    return done


def test_migrate_history_rollback_through_the_cli(ddb_url, tmp_path):
    url, p = ddb_url
    change = tmp_path / "users.ddb"
    change.write_text(f"CREATE TABLE {p}users KEY (id S HASH)\n"
                      f"  GSI by_email (email S HASH) PROJECTION KEYS_ONLY\n"
                      f"STREAM ON {p}users NEW_IMAGE\n")
    done = cli(url, tmp_path / "m", "migrate", "users", str(change))
    assert done.returncode == 0, done.stderr
    done = cli(url, tmp_path / "m", "history", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    rows = rows if isinstance(rows, list) else rows.get("history", rows)
    assert [(r["name"], r["status"]) for r in rows] == [("users", "applied")]
    done = cli(url, tmp_path / "m", "rollback")
    assert done.returncode == 0, done.stderr
    import dbwork
    assert dbwork.connect(url, migrations=tmp_path / "m").schema().tables == {}


def test_bad_input_exits_2_with_line_and_column(ddb_url, tmp_path):
    url, p = ddb_url
    done = cli(url, tmp_path / "m", "migrate", "bad", "-",
               stdin=f"CREATE TABLE {p}t1 KEY (id S HASH)\nDROP GSI x ON\n")
    assert done.returncode == 2
    assert "line 2" in done.stderr + done.stdout


def test_dry_run_prints_the_api_calls(ddb_url, tmp_path):
    url, p = ddb_url
    done = cli(url, tmp_path / "m", "migrate", "t", "-", "--dry-run",
               stdin=f"CREATE TABLE {p}t1 KEY (id S HASH) BILLING PROVISIONED (READ 1, WRITE 1)\n")
    assert done.returncode == 0, done.stderr
    assert '"CreateTable"' in done.stdout and "billed every hour" in done.stdout
