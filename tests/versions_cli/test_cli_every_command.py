"""Issue 13 point 7: every command the issue lists, through the real ``dbwork`` entry
point in a subprocess, with ``--env`` (after the command, where CI scripts put it) and
``--json``: the exit code and the parsed JSON's documented keys. One project, its
environments in dbwork.toml with URLs from environment variables."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TOML = """migrations = "migrations"
[environments.dev]
url = "${DEV_URL}"
[environments.staging]
url = "${STAGING_URL}"
[environments.legacy]
url = "${LEGACY_URL}"
migrations = "legacy_migrations"
"""
ROOT = Path(__file__).resolve().parents[2]
ENTRY = Path(sys.executable).with_name("dbwork")
USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));\n"
EMAIL_INDEX = "CREATE INDEX users_email ON users (email);\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "dbwork.toml").write_text(TOML)
    (tmp_path / "users.sql").write_text(USERS)
    (tmp_path / "index.sql").write_text(EMAIL_INDEX)
    with sqlite3.connect(tmp_path / "legacy.sqlite") as c:
        c.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, label TEXT)")
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DBWORK_URL")}
    environ["PYTHONPATH"] = str(ROOT)          # this checkout's dbwork, through the entry point
    for name in ("dev", "staging", "legacy"):
        environ[f"{name.upper()}_URL"] = f"sqlite:///{tmp_path / name}.sqlite"

    def run(*args):
        return subprocess.run([str(ENTRY), *args], cwd=tmp_path, env=environ,
                              capture_output=True, text=True, timeout=240)
    return run


def as_json(done) -> dict:
    return json.loads(done.stdout)


def _ok(done, status=0) -> dict:
    assert done.returncode == status, (done.args, done.stdout, done.stderr)
    try:
        return as_json(done)
    except ValueError:
        raise AssertionError(f"not JSON: {done.args}: {done.stdout[:300]}") from None


def test_every_listed_command_with_env_and_json(project, tmp_path):
    run = project
    assert _ok(run("migrate", "create_users", "users.sql", "--env", "dev", "--json"))["status"] \
        == "applied"
    assert _ok(run("migrate", "index_email", "index.sql", "--env", "dev", "--json"))["status"] \
        == "applied"
    # staging has the folder's files pending
    status = _ok(run("status", "--check", "--env", "staging", "--json"), 1)
    assert {"url", "head", "applied", "pending"} <= set(status) and len(status["pending"]) == 2
    plan = _ok(run("plan", "--env", "staging", "--json"))
    assert [m["name"] for m in plan["migrations"]] == ["create_users", "index_email"]
    lint = _ok(run("lint", "index.sql", "--env", "staging", "--json"))
    assert lint["offline"] is False and {"errors", "findings"} <= set(lint)
    rehearsal = _ok(run("rehearse", "--env", "staging", "--json"))
    assert rehearsal["ok"] is True and {"name", "dialect", "steps"} <= set(rehearsal)
    up = _ok(run("upgrade", "--env", "staging", "--json"))
    assert [m["name"] for m in up["applied"]] == ["create_users", "index_email"]
    assert _ok(run("status", "--check", "--env", "staging", "--json"))["pending"] == []
    graph = _ok(run("graph", "--env", "staging", "--json"))
    assert len(graph["heads"]) == 1 and len(graph["applied"]) == 2
    history = _ok(run("history", "--env", "staging", "--json"))
    assert [r["name"] for r in history["history"]] == ["create_users", "index_email"]
    assert _ok(run("drift", "--env", "staging", "--json"))["clean"] is True
    assert _ok(run("diff", "--other-env", "dev", "--env", "staging", "--json"))["clean"] is True
    (tmp_path / "fly").mkdir()                       # the project's Flyway folder
    exported = _ok(run("export", "index_email", "--format", "flyway", "--path", "fly",
                       "--env", "staging", "--json"))
    assert (tmp_path / exported["path"]).exists()
    rolled = _ok(run("rollback", "--env", "staging", "--json"))
    assert [m["name"] for m in rolled["rolled_back"]] == ["index_email"]
    assert _ok(run("upgrade", "--env", "staging", "--json"))["applied"] == []  # reverted: left
    squashed = _ok(run("squash", "create_users", "index_email", "--name", "users_v1",
                       "--env", "dev", "--json"))
    assert squashed["ok"] and len(squashed["replaces"]) == 2
    base = _ok(run("baseline", "--env", "legacy", "--json"))
    assert base["status"] == "applied" and base["name"] == "baseline"
    found = _ok(run("detect", "--env", "dev", "--json"))    # the project of dbwork.toml
    assert {"path", "technologies", "tools", "targets", "findings", "notes"} <= set(found)
    assert found["path"] == str(tmp_path)


def test_env_given_to_a_command_that_does_not_know_it(project):
    """An unknown environment is exit 2 naming the known ones, for every command."""
    for command in (["status"], ["graph"], ["drift"], ["detect"], ["history"]):
        done = project(*command, "--env", "nope", "--json")
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        error = as_json(done)["error"]
        assert error["type"] == "ConfigError" and "dev" in error["message"], command


def test_out_of_order_file_is_exit_1_until_allowed(project, tmp_path):
    """A branch made before the applied head: `upgrade` exits 1 with OutOfOrder naming
    the file (nothing runs); `--allow-out-of-order` applies it and records the merge."""
    import dbwork
    wb = dbwork.connect(f"sqlite:///{tmp_path / 'staging.sqlite'}", migrations=tmp_path / "migrations")
    base = wb.migrate("create_users", USERS)
    wb.migrate("index_email", EMAIL_INDEX)
    late = wb.migrate("create_tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY);", dry_run=True)
    late.version, late.parents, late.parent = base.version[:14] + "000001", (base.version,), base.version
    wb.files.write(late)
    wb.close()
    refused = project("upgrade", "--env", "staging", "--json")
    error = as_json(refused)["error"]
    assert refused.returncode == 1 and error["type"] == "OutOfOrder"
    assert error["versions"] == [late.version] and "create_tags" in refused.stderr
    done = _ok(project("upgrade", "--allow-out-of-order", "--env", "staging", "--json"))
    assert [m["name"] for m in done["applied"]] == ["create_tags"]
    assert _ok(project("verify", "--env", "staging", "--json"))["ok"] is True
