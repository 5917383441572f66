"""Fleets: 50 SQLite tenants and 10 PostgreSQL databases (dbw_multi_t0..9) take the
same migrations, each under its own lock and history; a failing tenant stops the run
or not; a re-run finishes what is left; a Dask LocalCluster runs it too."""
from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

import dbwork
from dbwork.errors import ConfigError

STEPS = [("create_accounts", "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"),
         ("create_audit", "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);")]


def write_files(template_url: str, folder) -> None:
    """Migration files, written the ordinary way (migrate on a template database)."""
    wb = dbwork.connect(template_url, migrations=folder)
    for name, sql in STEPS:
        wb.migrate(name, sql)
    wb.close()


def sqlite_tenant(path) -> tuple[set, list]:
    with sqlite3.connect(path) as c:
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = c.execute("SELECT name, status FROM dbwork_migrations ORDER BY version").fetchall() \
            if "dbwork_migrations" in tables else []
    return tables, rows


@pytest.fixture
def tenants(tmp_path):
    folder = tmp_path / "migrations"
    write_files(f"sqlite:///{tmp_path}/template.sqlite", folder)
    (tmp_path / "t").mkdir()
    for n in range(50):
        sqlite3.connect(tmp_path / "t" / f"tenant{n:02d}.sqlite").close()
    with sqlite3.connect(tmp_path / "t" / "tenant07.sqlite") as c:
        c.execute("CREATE TABLE audit (x INTEGER)")   # makes the second migration fail here
    return tmp_path, folder


def test_fifty_sqlite_tenants_continue_then_rerun_finishes_what_is_left(tenants):
    root, folder = tenants
    f = dbwork.fleet(f"sqlite:///{root}/t/tenant*.sqlite", migrations=folder)
    assert len(f.tenants) == 50 and f.tenants[0] == "tenant00"
    report = f.upgrade(workers=8, stop_at_first_failure=False)
    frame = report.frame
    assert list(frame.columns) == ["tenant", "url", "status", "applied", "versions", "error"]
    assert report.failed == ["tenant07"] and not report.ok
    assert report.counts() == {"upgraded": 49, "failed": 1}
    assert "audit" in frame.set_index("tenant").loc["tenant07", "error"]
    for n in (0, 8, 49):
        tables, rows = sqlite_tenant(root / "t" / f"tenant{n:02d}.sqlite")
        assert {"accounts", "audit"} <= tables
        assert rows == [("create_accounts", "applied"), ("create_audit", "applied")]
    # the failing tenant: the first migration applied, the second left nothing behind
    assert sqlite_tenant(root / "t" / "tenant07.sqlite")[1] == [("create_accounts", "applied")]
    with sqlite3.connect(root / "t" / "tenant07.sqlite") as c:
        c.execute("DROP TABLE audit")
    again = f.upgrade(workers=8, stop_at_first_failure=False)
    assert again.ok and again.counts() == {"up to date": 49, "upgraded": 1}
    assert again.frame.set_index("tenant").loc["tenant07", "versions"] != ""
    assert "fleet: 50 tenant(s)" in repr(again)


def test_stop_at_first_failure_skips_the_rest(tenants):
    root, folder = tenants
    urls = [f"sqlite:///{root}/t/tenant{n:02d}.sqlite" for n in range(10)]
    report = dbwork.fleet(urls, migrations=folder).upgrade(workers=1)
    assert report.names("upgraded") == [f"tenant{n:02d}" for n in range(7)]
    assert report.failed == ["tenant07"] and report.skipped == ["tenant08", "tenant09"]
    assert sqlite_tenant(root / "t" / "tenant08.sqlite")[1] == []   # never touched


def test_bad_fleet_input_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        dbwork.fleet([f"sqlite:///{tmp_path}/a.sqlite"], migrations=tmp_path / "nope")
    (tmp_path / "m").mkdir()
    with pytest.raises(ConfigError, match="no database matches"):
        dbwork.fleet(f"sqlite:///{tmp_path}/none*.sqlite", migrations=tmp_path / "m")
    with pytest.raises(ConfigError, match="workers"):
        dbwork.fleet([f"sqlite:///{tmp_path}/a.sqlite"], migrations=tmp_path / "m").upgrade(workers=0)


def test_ten_postgresql_databases_by_pattern_on_a_dask_cluster(pg, tmp_path):
    distributed = pytest.importorskip("distributed")
    urls = [pg.create(f"dbw_multi_t{n}") for n in range(10)]
    folder = tmp_path / "migrations"
    write_files(urls[0], folder)   # t0 is the template: already up to date
    eng = sa.create_engine(urls[3].replace("postgresql://", "postgresql+psycopg://"))
    with eng.begin() as c:
        c.execute(sa.text("CREATE TABLE audit (x INTEGER)"))
    f = dbwork.fleet(pg.url_of("dbw_multi_t*"), migrations=folder)
    assert f.tenants == [f"dbw_multi_t{n}" for n in range(10)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        report = f.upgrade(client=client, stop_at_first_failure=False)
        assert report.counts() == {"upgraded": 8, "up to date": 1, "failed": 1}
        assert report.failed == ["dbw_multi_t3"]
        with eng.begin() as c:
            c.execute(sa.text("DROP TABLE audit"))
        again = f.upgrade(client=client, stop_at_first_failure=False)
    assert again.ok and again.names("upgraded") == ["dbw_multi_t3"]
    with eng.connect() as c:
        rows = c.execute(sa.text("SELECT name, status FROM dbwork_migrations ORDER BY version")).all()
    eng.dispose()
    assert [tuple(r) for r in rows] == [("create_accounts", "applied"), ("create_audit", "applied")]


def test_dbwork_fleet_upgrade_on_the_command_line(tenants):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path
    root, folder = tenants
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-m", "dbwork.cli", "fleet", "upgrade", "--pattern",
                          f"sqlite:///{root}/t/tenant0*.sqlite", "--migrations", str(folder),
                          "--continue", "--json"], capture_output=True, text=True, env=env,
                         cwd=root, timeout=300)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["counts"] == {"upgraded": 9, "failed": 1}
    assert [t["tenant"] for t in data["tenants"] if t["status"] == "failed"] == ["tenant07"]


def test_a_password_never_shows_in_the_fleet_report(tmp_path):
    (tmp_path / "m").mkdir()
    secret = "s3cr3t-Pw"
    report = dbwork.fleet([f"postgresql://app:{secret}@127.0.0.1:1/t1"], migrations=tmp_path / "m",
                          connect_timeout=1).upgrade(workers=1)
    assert report.failed == ["t1"]
    assert secret not in repr(report) and secret not in report.frame.to_string()
    assert "ConnectionFailed" in report.rows[0]["error"]


def test_every_postgresql_schema_matching_a_pattern(pg, tmp_path):
    url = pg.create()
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with eng.begin() as c:
        for n in range(3):
            c.execute(sa.text(f"CREATE SCHEMA dbw_multi_s{n}"))
        c.execute(sa.text("CREATE SCHEMA other_s"))
    folder = tmp_path / "migrations"
    write_files(f"{url}?schema=dbw_multi_s0", folder)
    f = dbwork.fleet(f"{url}?schema=dbw_multi_s*", migrations=folder)
    assert f.tenants == ["dbw_multi_s0", "dbw_multi_s1", "dbw_multi_s2"]
    report = f.upgrade(workers=3)
    assert report.counts() == {"up to date": 1, "upgraded": 2}
    with eng.connect() as c:
        tables = {tuple(r) for r in c.execute(sa.text(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name IN ('accounts', 'dbwork_migrations')"))}
    eng.dispose()
    assert tables == {(f"dbw_multi_s{n}", t) for n in range(3) for t in ("accounts", "dbwork_migrations")}
