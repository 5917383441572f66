"""Consistency checks between PostgreSQL and the MongoDB stand-in: ids in one and not
the other, differing values, counts; ``dbwork check`` exits 1 on a difference."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pymongo
import pytest
import sqlalchemy as sa

import dbwork
from dbwork.errors import ConfigError, UnknownObjectError

ROOT = Path(__file__).resolve().parents[2]
SQL = "CREATE TABLE events (id INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL, at TIMESTAMP);"
AT = datetime(2026, 12, 1, 10, 30, 0, 250000)


def dbwork_cli(*args, cwd) -> subprocess.CompletedProcess:
    """The real entry point (dbwork.cli:main), this checkout first on the path."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "dbwork.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def filled(pg_url, mongo_url, tmp_path):
    g = dbwork.connect_many({"main": pg_url, "backup": mongo_url},
                            migrations=tmp_path / "migrations", lock_timeout=5)
    g.migrate("add_events", {"main": SQL}, mirror="main:events backup")
    eng = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with eng.begin() as c:
        c.execute(sa.text("INSERT INTO events (id, kind, at) VALUES (:i, :k, :a)"),
                  [{"i": i, "k": f"k{i}", "a": AT} for i in range(1, 6)])
    base, name = mongo_url.rsplit("/", 1)
    client = pymongo.MongoClient(base + "/", serverSelectionTimeoutMS=3000)
    coll = client[name].events
    coll.insert_many([{"id": i, "kind": f"k{i}", "at": AT} for i in range(1, 5)])
    yield g, eng, coll
    client.close()
    eng.dispose()
    g.close()


def test_check_reports_missing_extra_and_differing_values(filled):
    g, eng, coll = filled
    coll.update_one({"id": 2}, {"$set": {"kind": "changed"}})
    coll.insert_one({"id": 9, "kind": "k9", "at": AT})
    report = g.check("events", key="id")
    assert not report.ok
    assert report.counts == {"main": 5, "backup": 5}
    assert report.only_in == {"main": [5], "backup": [9]}
    assert report.differences == [{"key": 2, "field": "kind", "main": "k2", "backup": "changed"}]
    assert report.fields == ("at", "kind")          # the datetime compared equal
    frame = report.frame
    assert list(frame["kind"]) == ["only in main", "only in backup", "differs"]
    assert "1 only in main; 1 only in backup; 1 value(s) differ" in str(report)
    assert "only in main" in report._repr_html_()
    only_kind = g.check("events", key="id", fields=["at"])
    assert only_kind.differences == [] and only_kind.fields == ("at",)


def test_check_consistent_and_bad_input(filled):
    g, eng, coll = filled
    coll.insert_one({"id": 5, "kind": "k5", "at": AT})
    report = g.check("events")
    assert report.ok and report.counts == {"main": 5, "backup": 5}
    assert "consistent" in str(report)
    with pytest.raises(UnknownObjectError):
        g.check("nope")
    with pytest.raises(ConfigError, match="no column"):
        g.check("events", fields=["colour"])
    with pytest.raises(ConfigError, match="list of field names"):
        g.check("events", fields="kind")


def test_dbwork_check_exits_1_on_a_difference(filled, pg_url, mongo_url, tmp_path):
    g, eng, coll = filled
    args = ["check", "events", "--target", f"main={pg_url}", "--target", f"backup={mongo_url}"]
    out = dbwork_cli(*args, "--json", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] is False and data["only_in"] == {"main": [5], "backup": []}
    coll.insert_one({"id": 5, "kind": "k5", "at": AT})
    out = dbwork_cli(*args, cwd=tmp_path)
    assert out.returncode == 0 and "consistent" in out.stdout
    bad = dbwork_cli("check", "events", "--target", "main", cwd=tmp_path)
    assert bad.returncode == 2 and "NAME=URL" in bad.stderr
