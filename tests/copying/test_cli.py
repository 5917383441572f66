"""``dbwork copy`` through the real entry point, in a subprocess."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _dbwork(*args):
    code = "import sys; from dbwork.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)


def test_cli_copy_json_and_exit_codes(make_db, tmp_path):
    src = make_db("sqlite")
    conn = sqlite3.connect(src.removeprefix("sqlite:///"))
    conn.executescript("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
                       "INSERT INTO a VALUES (1, 'x'), (2, 'y');"
                       "CREATE TABLE b (id INTEGER PRIMARY KEY, n INTEGER);"
                       "INSERT INTO b VALUES (1, 'text in an integer');")
    conn.close()
    dst = make_db("postgresql")
    done = _dbwork("copy", src, dst, "--tables", "a", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["ok"] and out["tables"][0]["written"] == 2 and out["tables"][0]["checksum_match"]

    findings = _dbwork("copy", src, dst, "--tables", "b", "--no-progress")
    assert findings.returncode == 1 and "1 rejected" in findings.stdout

    error = _dbwork("copy", src, "postgresql://root:pw9@127.0.0.1:1/x", "--json")
    assert error.returncode == 2
    assert json.loads(error.stdout)["error"] == "ConnectionFailed" and "pw9" not in error.stdout
