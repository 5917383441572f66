"""The ``dbwork`` command through its real entry point, in a subprocess (issue 13
point 7, issue 10 point 8): exit codes 0 / 1 / 2, JSON parsed, ``--help`` of every
command with help text for every option, lint offline, passwords never printed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY = Path(sys.executable).with_name("dbwork")
INIT = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));\n"
RISKY = """ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;
CREATE INDEX users_email ON users (email);
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE users RENAME COLUMN name TO full_name;
DROP TABLE legacy;
"""


def dbwork_cmd(*args, cwd, env=None, stdin=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DBWORK_URL")}
    environ["PYTHONPATH"] = str(ROOT)          # this checkout's dbwork, through the entry point
    environ.update(env or {})
    return subprocess.run([str(ENTRY), *args], cwd=cwd, env=environ, input=stdin,
                          capture_output=True, text=True, timeout=240)


def as_json(done):
    return json.loads(done.stdout)


def test_every_command_has_help_for_every_option(tmp_path):
    from dbwork.cli import build_parser
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    expected = {"status", "plan", "upgrade", "rollback", "lint", "rehearse", "drift", "diff",
                "graph", "history", "squash", "baseline", "export", "detect", "verify", "copy",
                "merge"}
    assert expected <= set(commands)
    for name, sub in commands.items():
        for action in sub._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"dbwork {name} {action.option_strings[0]} has no help"
    for name in sorted(expected):
        done = dbwork_cmd(name, "--help", cwd=tmp_path)
        assert done.returncode == 0 and "usage: dbwork" in done.stdout, (name, done.stderr)
        if name != "copy":   # issue 13's commands: every one takes --json and --env
            assert "--json" in done.stdout and "--env" in done.stdout, name


def test_lint_offline_reports_every_statement_finding(tmp_path):
    (tmp_path / "change.sql").write_text(RISKY)
    done = dbwork_cmd("lint", "change.sql", "--json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    data = as_json(done)
    rules = {f["rule"] for f in data["findings"]}
    assert data["offline"] is True and {"DW108", "DW102", "DW111", "DW101"} <= rules
    dw108 = next(f for f in data["findings"] if f["rule"] == "DW108")
    assert "with rows" not in dw108["message"] + dw108["title"]
    assert "unknown table" not in done.stdout + done.stderr
    assert not list(tmp_path.glob("*.sqlite")), "offline lint created a database"
    for dialect in ("postgresql", "mysql"):
        assert dbwork_cmd("lint", "change.sql", "--dialect", dialect, cwd=tmp_path).returncode == 1
    (tmp_path / "safe.sql").write_text("CREATE TABLE notes (id INTEGER PRIMARY KEY);\n")
    assert dbwork_cmd("lint", "safe.sql", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("text, line, column", [
    ("SELECT 1;\nCREATE TABLEE oops (id INT);\n", 2, 1),
    ("CREATE TABLE t (a INT,, b INT);\n", 1, 22),
    ("CREATE TABLE t (id INT);\n\n  INSERT INTO t VALUES (1\n", 3, None),
])
def test_malformed_sql_is_exit_2_with_line_and_column(tmp_path, text, line, column):
    (tmp_path / "bad.sql").write_text(text)
    done = dbwork_cmd("lint", "bad.sql", "--json", cwd=tmp_path)
    assert done.returncode == 2
    error = as_json(done)["error"]
    assert error["type"] == "ParseError" and error["line"] == line
    if column:
        assert error["column"] == column
    assert f"line {line}" in done.stderr


def test_status_plan_upgrade_drift_history_through_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    env = {"DATABASE_URL": url}
    (tmp_path / "init.sql").write_text(INIT)
    seed = dbwork_cmd("--url", f"sqlite:///{tmp_path / 'dev.sqlite'}", "migrate", "init",
                      "init.sql", "--json", cwd=tmp_path)
    assert seed.returncode == 0 and as_json(seed)["status"] == "applied", seed.stderr
    status = dbwork_cmd("status", "--check", "--json", cwd=tmp_path, env=env)
    assert status.returncode == 1 and [m["name"] for m in as_json(status)["pending"]] == ["init"]
    plan = dbwork_cmd("plan", "--json", cwd=tmp_path, env=env)
    assert plan.returncode == 0 and "CREATE TABLE users" in as_json(plan)["migrations"][0]["up"]
    up = dbwork_cmd("upgrade", "--json", cwd=tmp_path, env=env)
    assert up.returncode == 0 and as_json(up)["applied"][0]["status"] == "applied"
    assert dbwork_cmd("status", "--check", cwd=tmp_path, env=env).returncode == 0
    drift = dbwork_cmd("drift", "--json", cwd=tmp_path, env=env)
    assert drift.returncode == 0 and as_json(drift)["clean"] is True
    import sqlite3
    c = sqlite3.connect(tmp_path / "app.sqlite")
    c.execute("ALTER TABLE users ADD COLUMN note TEXT")
    c.commit(), c.close()
    drift = dbwork_cmd("drift", "--json", cwd=tmp_path, env=env)
    assert drift.returncode == 1
    assert [d["change"] for d in as_json(drift)["differences"]] == ["added"]
    assert "note" in as_json(drift)["migration"]
    diff = dbwork_cmd("diff", f"sqlite:///{tmp_path / 'dev.sqlite'}", "--json", cwd=tmp_path,
                      env=env)
    assert diff.returncode == 1 and as_json(diff)["differences"][0]["change"] == "dropped"
    history = dbwork_cmd("history", "--json", cwd=tmp_path, env=env)
    assert [r["name"] for r in as_json(history)["history"]] == ["init"]
    rb = dbwork_cmd("rollback", "--json", cwd=tmp_path, env=env)
    assert rb.returncode in (0, 2)  # the hand-added column may block an exact rollback


def test_password_in_database_url_never_printed(tmp_path):
    secret = "pa55-w0rd-xyz"
    env = {"DATABASE_URL": f"postgresql://app:{secret}@127.0.0.1:1/shop"}
    for args in (["status"], ["status", "--json"], ["drift", "--json"], ["history"]):
        done = dbwork_cmd(*args, cwd=tmp_path, env=env)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert secret not in done.stdout + done.stderr
        assert "***" in done.stdout + done.stderr


def test_env_option_and_protected_upgrade_on_the_command_line(tmp_path):
    (tmp_path / "dbwork.toml").write_text(
        '[environments.prod]\nurl = "${PROD_URL}"\nmigrations = "migrations"\nprotected = true\n')
    (tmp_path / "init.sql").write_text(INIT)
    dev = dbwork_cmd("--url", f"sqlite:///{tmp_path / 'dev.sqlite'}", "--migrations",
                     "migrations", "migrate", "init", "init.sql", cwd=tmp_path)
    assert dev.returncode == 0, dev.stderr
    unset = dbwork_cmd("--env", "prod", "status", cwd=tmp_path)
    assert unset.returncode == 2 and "PROD_URL" in unset.stderr
    env = {"PROD_URL": f"sqlite:///{tmp_path / 'prod.sqlite'}"}
    refused = dbwork_cmd("upgrade", "--env", "prod", "--json", cwd=tmp_path, env=env)
    assert refused.returncode == 2
    assert as_json(refused)["error"]["type"] == "ProtectedEnvironment"
    refused = dbwork_cmd("--env", "prod", "upgrade", "--confirm", "prod", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "rehearsal" in refused.stderr
    rehearsed = dbwork_cmd("--env", "prod", "rehearse", "--json", cwd=tmp_path, env=env)
    assert rehearsed.returncode == 0 and as_json(rehearsed)["ok"] is True, rehearsed.stdout
    done = dbwork_cmd("--env", "prod", "upgrade", "--confirm", "prod", "--json", cwd=tmp_path,
                      env=env)
    assert done.returncode == 0, done.stderr
    assert [m["name"] for m in as_json(done)["applied"]] == ["init"]
    (tmp_path / "dbwork.toml").write_text("[environments.prod\n")
    broken = dbwork_cmd("--env", "prod", "status", cwd=tmp_path, env=env)
    assert broken.returncode == 2 and "not valid TOML" in broken.stderr


def test_rehearse_a_file_and_bad_arguments(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    (tmp_path / "init.sql").write_text(INIT)
    import sqlite3
    sqlite3.connect(tmp_path / "app.sqlite").close()   # a rehearsal copies an existing file
    done = dbwork_cmd("--url", url, "rehearse", "init.sql", "--name", "init", "--json",
                      cwd=tmp_path)
    assert done.returncode == 0 and as_json(done)["ok"] is True, done.stdout + done.stderr
    assert dbwork_cmd("--url", url, "nosuchcommand", cwd=tmp_path).returncode == 2
    assert dbwork_cmd("--url", url, "diff", cwd=tmp_path).returncode == 2
    missing = dbwork_cmd("--url", url, "lint", "missing.sql", "--json", cwd=tmp_path)
    assert missing.returncode == 2 and as_json(missing)["error"]["type"] == "ConfigError"
