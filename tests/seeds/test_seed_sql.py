"""Seed sets on every SQL backend (SQLite, PostgreSQL, MariaDB): idempotency, key
choice, foreign-key order, cycles, reset with backup, drift, bad input."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import dbwork
from dbwork.cli import main
from dbwork.errors import ConfigError, SeedError

SCHEMA = """
CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE,
                        population INTEGER, founded DATE, eu BOOLEAN);
CREATE TABLE cities (id INTEGER PRIMARY KEY, name VARCHAR(60) NOT NULL,
                     country CHAR(2) NOT NULL REFERENCES countries(code),
                     area NUMERIC(8, 2));
CREATE TABLE plans (id INTEGER PRIMARY KEY, code VARCHAR(20) NOT NULL UNIQUE,
                    price NUMERIC(8, 2) NOT NULL CHECK (price >= 0));
"""
COUNTRIES = [{"code": "FR", "name": "France", "population": 68, "founded": "1958-10-04",
              "eu": True},
             {"code": "DE", "name": "Germany", "population": 84, "founded": "1949-05-23",
              "eu": True}]


def rows(wb, sql: str) -> list[tuple]:
    with wb.backend.connect() as conn:
        out = [tuple(r) for r in conn.execute(sa.text(sql))]
        conn.rollback()
        return out


@pytest.fixture
def shop(wb):
    wb.migrate("shop", SCHEMA)
    return wb


def test_second_run_changes_nothing_and_a_changed_row_is_updated(shop):
    first = shop.seed("countries", COUNTRIES)
    assert (first.total("inserted"), first.changed) == (2, True)
    again = shop.seed("countries", COUNTRIES)
    assert (again.total("unchanged"), again.changed) == (2, False)
    changed = [dict(COUNTRIES[0], population=69), COUNTRIES[1]]
    third = shop.seed("countries", changed)
    assert [(t.inserted, t.updated, t.unchanged) for t in third.tables] == [(0, 1, 1)]
    assert rows(shop, "SELECT population FROM countries WHERE code = 'FR'") == [(69,)]


def test_csv_text_is_read_by_column_type_so_a_rerun_is_unchanged(shop, tmp_path):
    path = tmp_path / "countries.csv"
    path.write_text("code,name,population,founded,eu\nFR,France,68,1958-10-04,true\n"
                    "IT,Italy,,1946-06-02,1\n")
    assert shop.seed("countries", path).total("inserted") == 2
    assert shop.seed("countries", str(path)).total("unchanged") == 2
    assert rows(shop, "SELECT population FROM countries WHERE code = 'IT'") == [(None,)]


def test_dataframe_rows(shop):
    import pandas as pd
    frame = pd.DataFrame([{"id": 1, "code": "basic", "price": 9.5},
                          {"id": 2, "code": "pro", "price": None}])
    with pytest.raises(SeedError, match="NOT NULL"):  # price of a new row
        shop.seed("plans", frame)
    frame.loc[1, "price"] = 20
    assert shop.seed("plans", frame).total("inserted") == 2
    assert shop.seed("plans", frame).changed is False


def test_key_choice_named_unique_key_and_refusals(shop):
    shop.seed("plans", [{"id": 1, "code": "basic", "price": 5}])
    # rows without the primary key: the one unique key they give is the key
    report = shop.seed("plans", [{"code": "basic", "price": 7}])
    assert report.tables[0].key == ("code",) and report.tables[0].updated == 1
    report = shop.seed("plans", [{"id": 9, "code": "basic", "price": 8}], key="code")
    assert report.tables[0].updated == 1
    assert rows(shop, "SELECT id, price FROM plans") == [(9, 8)]
    with pytest.raises(SeedError, match="not its primary key or a unique"):
        shop.seed("plans", [{"id": 2, "code": "x", "price": 1}], key="price")
    with pytest.raises(SeedError, match="give no unique key"):
        shop.seed("plans", [{"price": 1}])


def test_multi_table_set_loads_parents_first(shop):
    report = shop.seed({"cities": [{"id": 1, "name": "Paris", "country": "FR", "area": "105.4"}],
                        "countries": COUNTRIES})
    assert [t.table for t in report.tables] == ["countries", "cities"]
    assert rows(shop, "SELECT country FROM cities") == [("FR",)]
    assert shop.seed({"countries": COUNTRIES, "cities": [
        {"id": 1, "name": "Paris", "country": "FR", "area": 105.40}]}).changed is False


def test_self_reference_and_cycle_are_deferred(wb):
    wb.migrate("org", """
CREATE TABLE staff (id INTEGER PRIMARY KEY, name VARCHAR(20), boss INTEGER REFERENCES staff(id));
CREATE TABLE teams (id INTEGER PRIMARY KEY, lead INTEGER);
CREATE TABLE people (id INTEGER PRIMARY KEY, team INTEGER REFERENCES teams(id));
ALTER TABLE teams ADD CONSTRAINT teams_lead_fk FOREIGN KEY (lead) REFERENCES people(id);
""")
    staff = [{"id": 2, "name": "b", "boss": 1}, {"id": 1, "name": "a", "boss": None},
             {"id": 3, "name": "c", "boss": 3}]
    assert wb.seed("staff", staff).total("inserted") == 3
    assert rows(wb, "SELECT id, boss FROM staff ORDER BY id") == [(1, None), (2, 1), (3, 3)]
    assert wb.seed("staff", staff).changed is False
    report = wb.seed({"teams": [{"id": 1, "lead": 10}],
                      "people": [{"id": 10, "team": 1}]})
    assert report.total("inserted") == 2
    assert rows(wb, "SELECT lead FROM teams") == [(10,)]
    assert rows(wb, "SELECT team FROM people") == [(1,)]


def test_not_null_self_reference_is_refused_before_writing(wb):
    wb.migrate("tree", "CREATE TABLE node (id INTEGER PRIMARY KEY, "
                       "parent INTEGER NOT NULL REFERENCES node(id));")
    with pytest.raises(SeedError, match="references itself through NOT NULL"):
        wb.seed("node", [{"id": 1, "parent": 1}])
    assert rows(wb, "SELECT COUNT(*) FROM node") == [(0,)]


def test_reset_backs_up_deleted_rows_and_names_the_backup(shop):
    shop.seed("countries", COUNTRIES + [{"code": "IT", "name": "Italy"}])
    report = shop.seed("countries", COUNTRIES[:1], reset=True)
    table = report.tables[0]
    assert (table.deleted, table.unchanged) == (2, 1)
    assert table.backup and table.backup.startswith("_dbwork_bak_")
    assert table.backup in repr(report)
    kept = rows(shop, f"SELECT code, name FROM {table.backup} ORDER BY code")
    assert kept == [("DE", "Germany"), ("IT", "Italy")]
    assert rows(shop, "SELECT code FROM countries") == [("FR",)]
    assert table.backup in set(shop.backups()["backup"])


def test_a_row_breaking_a_constraint_leaves_nothing_of_the_set(shop):
    shop.seed("countries", COUNTRIES)
    bad = [{"id": 1, "name": "Paris", "country": "FR"}, {"id": 2, "name": "Nowhere",
                                                        "country": "ZZ"}]
    with pytest.raises(SeedError) as e:
        shop.seed({"countries": [{"code": "ES", "name": "Spain"}], "cities": bad})
    assert e.value.line == 2 and e.value.table == "cities"
    assert rows(shop, "SELECT COUNT(*) FROM cities") == [(0,)]
    assert rows(shop, "SELECT COUNT(*) FROM countries") == [(2,)]   # ES not kept


def test_engine_check_failure_names_the_line(shop, tmp_path):
    path = tmp_path / "plans.yaml"
    path.write_text("- {id: 1, code: a, price: 1}\n- {id: 2, code: b, price: -5}\n")
    with pytest.raises(SeedError) as e:
        shop.seed("plans", path)
    assert (e.value.source, e.value.line) == (str(path), 2)
    assert rows(shop, "SELECT COUNT(*) FROM plans") == [(0,)]


def test_unknown_column_and_malformed_csv_name_file_line_and_column(shop, tmp_path):
    path = tmp_path / "countries.csv"
    path.write_text("code,name,populaton\nFR,France,1\n")
    with pytest.raises(SeedError) as e:
        shop.seed("countries", path)
    assert (e.value.source, e.value.line, e.value.column) == (str(path), 2, "populaton")
    path.write_text("code,name\nFR,France\nDE,Germany,extra\n")
    with pytest.raises(SeedError, match=r"countries.csv, line 3: malformed line"):
        shop.seed("countries", path)
    path.write_text('code,name\nFR,"France\n')
    with pytest.raises(SeedError, match="line 2"):
        shop.seed("countries", path)
    with pytest.raises(SeedError, match=r"line 2, column 'population'.*whole number"):
        shop.seed("countries", "code,name,population\nFR,France,many\n", format="csv")
    with pytest.raises(SeedError, match=r"line 3, column 'name'.*more than VARCHAR\(40\)"):
        shop.seed("countries", f"code,name\nFR,France\nDE,{'x' * 41}\n", format="csv")
    assert rows(shop, "SELECT COUNT(*) FROM countries") == [(0,)]


def _write_seeds(wb, env="dev"):
    folder = wb.files.directory.parent / "seeds" / env
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "countries.csv").write_text("code,name,population\nFR,France,68\nDE,Germany,84\n")
    (folder / "cities.json").write_text(json.dumps(
        [{"id": 1, "name": "Paris", "country": "FR"}, {"id": 2, "name": "Berlin",
                                                      "country": "DE"}], indent=1))
    return folder


def test_drift_lists_missing_extra_and_changed_fields_and_fix_removes_it(shop):
    _write_seeds(shop)
    assert shop.seed(env="dev").total("inserted") == 4
    assert not shop.seed_drift("dev")
    with shop.backend.connect() as conn:
        conn.execute(sa.text("UPDATE countries SET population = 1 WHERE code = 'DE'"))
        conn.execute(sa.text("DELETE FROM cities WHERE id = 2"))
        conn.execute(sa.text("INSERT INTO cities (id, name, country) VALUES (7, 'Lyon', 'FR')"))
        conn.commit()
    drift = shop.seed_drift("dev")
    found = {(d.table, d.key, d.kind, d.column) for d in drift.differences}
    assert found == {("countries", ("DE",), "changed", "population"),
                     ("cities", (2,), "missing", None), ("cities", (7,), "extra", None)}
    changed = next(d for d in drift.differences if d.kind == "changed")
    assert (changed.database, changed.seed) == (1, 84)
    assert "UPDATE countries SET" in drift.sql
    assert "ON CONFLICT" in drift.sql or "ON DUPLICATE KEY UPDATE" in drift.sql
    with shop.backend.connect() as conn:   # the offered SQL really fixes it
        for stmt in drift.sql.splitlines():
            if not stmt.startswith("--"):
                conn.exec_driver_sql(stmt.rstrip(";"))
        conn.commit()
    assert {d.kind for d in shop.seed_drift("dev").differences} == {"extra"}
    report = shop.seed_drift("dev").fix(reset=True)
    assert report.total("deleted") == 1 and report.backups
    assert not shop.seed_drift("dev")


def test_cli_seed_and_check_exit_codes(shop, capsys):
    _write_seeds(shop)
    base = ["--url", shop.url.sqlalchemy_url().replace("+psycopg", "").replace(
        "mysql+pymysql", "mariadb"), "--migrations", str(shop.files.directory)]
    assert main(base + ["seed", "--env", "dev", "--check"]) == 1
    assert "missing" in capsys.readouterr().out
    assert main(base + ["seed", "--env", "dev", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {t["table"]: t["inserted"] for t in out["tables"]} == {"countries": 2, "cities": 2}
    assert main(base + ["seed", "--env", "dev", "--check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["drift"] is False
    assert main(base + ["seed", "--env", "nope"]) == 2   # an error (1: drift)


def test_bad_environment_name_is_refused(shop):
    with pytest.raises(ConfigError):
        shop.seed(env="../etc")


def test_credentials_never_in_seed_errors(backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("a password only matters on a server")
    w = dbwork.connect("postgresql://root:s3cretpw@127.0.0.1:1/nope", migrations=tmp_path / "m")
    with pytest.raises(dbwork.DbworkError) as e:
        w.seed("t", [{"id": 1}])
    assert "s3cretpw" not in str(e.value)


def test_a_failed_reset_keeps_every_row_and_leaves_no_backup(shop):
    shop.seed("countries", COUNTRIES + [{"code": "IT", "name": "Italy"}])
    before = set(shop.backups()["backup"])
    with pytest.raises(SeedError, match="cities"):   # the engine refuses the orphan city
        shop.seed({"countries": COUNTRIES, "cities": [{"id": 1, "name": "X", "country": "ZZ"}]},
                  reset=True)
    assert rows(shop, "SELECT code FROM countries ORDER BY code") == [("DE",), ("FR",), ("IT",)]
    assert set(shop.backups()["backup"]) == before
