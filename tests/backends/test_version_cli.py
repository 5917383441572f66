"""`dbwork graph | merge | squash | baseline` through the real entry point (the
installed `dbwork` script) in a subprocess: exit codes 0 ok / 1 findings / 2 error,
and the documented JSON keys."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DBWORK = str(Path(sys.executable).with_name("dbwork"))
CHECKOUT = str(Path(__file__).resolve().parents[2])   # this checkout's dbwork, not another
GRAPH_KEYS = {"target", "heads", "roots", "branch_points", "merges", "applied", "pending",
              "out_of_order", "nodes"}


def _cli(url, folder, *args):
    env = {**os.environ, "PYTHONPATH": CHECKOUT}
    env.pop("DATABASE_URL", None)
    p = subprocess.run([DBWORK, "--url", url, "--migrations", str(folder), *args],
                       capture_output=True, text=True, timeout=120, env=env)
    return p.returncode, p.stdout, p.stderr


def _url(wb, backend):
    url = wb.url.sqlalchemy_url() if backend != "sqlite" else str(wb.url)
    return url.replace("+psycopg", "").replace("mysql+pymysql", "mariadb")


def _branch(wb, name, sql, parent, suffix):
    m = wb.migrate(name, sql, dry_run=True)
    m.version, m.parents, m.parent = parent.version[:14] + suffix, (parent.version,), parent.version
    wb.files.write(m)
    return m


def test_graph_merge_upgrade_squash_through_the_command_line(wb, backend):
    url, folder = _url(wb, backend), wb.files.directory
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));")
    base = wb.files.all()[-1]
    a = _branch(wb, "default_a", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'a';", base, "000001")
    b = _branch(wb, "default_b", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'b';", base, "000002")

    code, out, _ = _cli(url, folder, "graph", "--json")
    data = json.loads(out)
    assert code == 1 and set(data) == GRAPH_KEYS          # two heads: a finding
    assert data["heads"] == [a.version, b.version] and data["applied"] == [base.version]
    assert {"version", "name", "parents", "status", "replaces", "head"} == set(data["nodes"][0])
    assert "password" not in out   # display URL only

    code, out, _ = _cli(url, folder, "merge", "--json")    # they conflict
    data = json.loads(out)["error"]                       # dbwork's one error shape
    assert code == 1 and data["type"] == "MergeConflict"
    assert {data["first"], data["second"]} == {a.id, b.id} and data["shared"]
    assert data["heads"] == [a.version, b.version]
    code, out, err = _cli(url, folder, "upgrade")           # nothing applied
    assert code == 1 and "MergeConflict" in err
    assert [r.name for r in wb.backend.history()] == ["create_users"]

    code, out, _ = _cli(url, folder, "merge", "--order", "nope", "--json")
    assert code == 2 and json.loads(out)["error"]["type"] == "ConfigError"
    code, out, _ = _cli(url, folder, "merge", "--order", "default_b", "default_a", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["parents"] == [b.version, a.version]
    assert _cli(url, folder, "upgrade")[0] == 0
    code, out, _ = _cli(url, folder, "graph")
    assert code == 0 and out.startswith("1 head") and "merge" in out

    code, out, _ = _cli(url, folder, "squash", "create_users", "default_a", "--json")
    assert code == 2 and "branch point" in json.loads(out)["error"]["message"]
    code, out, err = _cli(url, folder, "squash", "create_users")   # argparse: bad arguments
    assert code == 2 and "usage" in err


def test_baseline_through_the_command_line(tmp_path):
    import sqlite3
    db = tmp_path / "legacy.sqlite"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
    url, folder = f"sqlite:///{db}", tmp_path / "migrations"
    code, out, _ = _cli(url, folder, "baseline", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "applied" and data["name"] == "baseline"
    assert Path(data["path"]).exists() and data["parents"] == []
    code, out, _ = _cli(url, folder, "baseline", "--json")  # dbwork has history now
    assert code == 2 and json.loads(out)["error"]["type"] == "ConfigError"
    code, out, _ = _cli(url, folder, "graph", "--json")
    assert code == 0 and json.loads(out)["applied"] == [data["version"]]


@pytest.mark.parametrize("command", ["graph", "merge", "squash", "baseline"])
def test_every_command_has_help_for_every_option(command):
    p = subprocess.run([DBWORK, command, "--help"], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": CHECKOUT}, timeout=60)
    text = " ".join(p.stdout.split())
    assert p.returncode == 0 and "--json" in text and "--env" in text and "stable keys" in text
