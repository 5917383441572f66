"""Drift (issue 13 point 4) on SQLite, PostgreSQL and MariaDB: a hand-run ALTER is
found by replaying the applied migrations on a shadow database, the shadow is dropped
(also when the replay fails), the offered migration absorbs the drift, and two live
databases compare the same way."""
from __future__ import annotations

import pytest

import dbwork

INIT = """CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL);
CREATE INDEX customers_email ON customers (email);"""


def _shadows(dbs) -> set[str]:
    """This test's shadow databases still on the server (others work there too)."""
    return {n for n in dbs.names() if n.startswith("dbwork_vcli_") and "_shadow_" in n}


def _wb(url, tmp_path, folder="migrations"):
    return dbwork.connect(url, migrations=tmp_path / folder)


def test_no_drift_right_after_migrating(dbs, tmp_path):
    wb = _wb(dbs.new(), tmp_path)
    wb.migrate("init", INIT)
    before = _shadows(dbs)
    found = wb.drift()
    assert found.clean, str(found)
    assert "no drift" in str(found) and "no drift" in found._repr_html_()
    assert _shadows(dbs) == before  # the shadow is gone
    wb.close()


def test_hand_run_alter_is_drift_and_the_offered_migration_absorbs_it(dbs, tmp_path):
    url = dbs.new()
    wb = _wb(url, tmp_path)
    wb.migrate("init", INIT)
    dbs.run(url, "ALTER TABLE customers ADD COLUMN note VARCHAR(50)")
    dbs.run(url, "DROP INDEX customers_email" + (" ON customers" if dbs.kind == "mysql" else ""))
    dbs.run(url, "CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY)")
    found = wb.drift()
    changes = {(d.change, d.description.split(" (")[0]) for d in found.differences}
    assert ("added", "create table audit") in changes, changes
    assert any(c == "added" and "customers.note" in what for c, what in changes), changes
    assert any(c == "dropped" and "customers_email" in what for c, what in changes), changes
    data = found.to_dict()
    assert data["clean"] is False and len(data["differences"]) == 3
    assert "audit" in data["migration"] and "<table>" in found._repr_html_()
    # the absorbing migration, replayed on a fresh database after the recorded ones,
    # gives the live schema: no difference left
    other = _wb(dbs.new(), tmp_path, "other")
    other.migrate("init", INIT)
    other.migrate("absorb", found.migration().up)
    assert wb.diff(other).clean, str(wb.diff(other))
    wb.close(), other.close()


def test_shadow_dropped_when_the_replay_fails_mid_way(dbs, tmp_path):
    url = dbs.new()
    wb = _wb(url, tmp_path)
    wb.migrate("init", INIT)
    dbs.run(url, "CREATE TABLE handmade (id INTEGER PRIMARY KEY)")   # outside dbwork
    wb.migrate("index_handmade", "CREATE INDEX handmade_id ON handmade (id);")
    before = _shadows(dbs)
    with pytest.raises(dbwork.DbworkError, match="index_handmade.*does not replay"):
        wb.drift()
    assert _shadows(dbs) == before, "a shadow database was left behind"
    wb.close()


def test_diff_of_two_live_databases(dbs, tmp_path):
    a, b = _wb(dbs.new(), tmp_path, "a"), _wb(dbs.new(), tmp_path, "b")
    a.migrate("init", INIT)
    b.migrate("init", INIT.replace("email VARCHAR(200) NOT NULL",
                                   "email VARCHAR(200) NOT NULL, age INTEGER"))
    found = a.diff(b)
    assert [d.change for d in found.differences] == ["added"]
    assert "customers.age" in found.differences[0].description
    assert b.diff(a).differences[0].change == "dropped"
    assert a.diff(a).clean
    a.close(), b.close()


def test_diff_refuses_two_engines(tmp_path):
    a = _wb(f"sqlite:///{tmp_path / 'a.sqlite'}", tmp_path)
    with pytest.raises(dbwork.ConfigError, match="one engine"):
        a.diff("postgresql://root@127.0.0.1:5432/postgres")
    a.close()


def test_absorbing_the_drift_records_it_and_other_databases_run_it(dbs, tmp_path):
    """wb.absorb(drift): the hand change becomes a migration file recorded as applied
    here (nothing runs: it is live already), drift is clean after it, and another
    database that upgrades from the folder runs it and ends with the same schema."""
    url = dbs.new()
    wb = _wb(url, tmp_path)
    wb.migrate("init", INIT)
    dbs.run(url, "ALTER TABLE customers ADD COLUMN phone VARCHAR(20)")
    found = wb.drift()
    dbs.run(url, "CREATE TABLE later (id INTEGER NOT NULL PRIMARY KEY)")
    with pytest.raises(dbwork.errors.ConfigError, match="changed since"):
        wb.absorb(found)                       # the report is stale: nothing recorded
    assert [r.name for r in wb.backend.history()] == ["init"]
    dbs.run(url, "DROP TABLE later")
    before = wb.schema()
    m = wb.absorb(found, name="absorb_phone")
    assert m.status == "applied" and "phone" in m.up and m.parents == (wb.files.all()[0].version,)
    assert wb.schema() == before               # nothing ran here
    assert wb.drift().clean and wb.verify().ok and wb.pending() == []
    with pytest.raises(dbwork.errors.ConfigError, match="no drift"):
        wb.absorb()
    other = _wb(dbs.new(), tmp_path, "migrations")   # the same folder: a teammate's database
    assert [x.name for x in other.upgrade()] == ["init", "absorb_phone"]
    assert wb.diff(other).clean and other.drift().clean
    wb.close(), other.close()
