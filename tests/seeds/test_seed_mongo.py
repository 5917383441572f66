"""Seed sets and demo data on MongoDB (the nx-27017 stand-in unless a real server is
configured): idempotency, key choice, reset with backup, drift, a bad document undone."""
from __future__ import annotations

import pytest

from dbwork.errors import SeedError


@pytest.fixture
def shop(mwb):
    db = mwb.backend.db
    db.create_collection("countries")
    db.countries.create_index("code", unique=True)
    db.countries.create_index("name", unique=True)
    return mwb


COUNTRIES = [{"code": "FR", "name": "France", "population": 68},
             {"code": "DE", "name": "Germany", "population": 84}]


def docs(wb, coll="countries"):
    return sorted((d["code"], d.get("name"), d.get("population"))
                  for d in wb.backend.db[coll].find({}))


def test_second_run_changes_nothing_and_changed_document_is_updated(shop):
    assert shop.seed("countries", COUNTRIES).total("inserted") == 2
    assert shop.seed("countries", COUNTRIES).changed is False
    report = shop.seed("countries", [dict(COUNTRIES[0], population=69), COUNTRIES[1]])
    assert [(t.key, t.updated, t.unchanged) for t in report.tables] == [(("code",), 1, 1)]
    assert docs(shop) == [("DE", "Germany", 84), ("FR", "France", 69)]


def test_key_choice_and_refusal(shop):
    shop.seed("countries", COUNTRIES)
    report = shop.seed("countries", [{"name": "France", "code": "FR", "population": 1}],
                       key="name")
    assert report.tables[0].key == ("name",) and report.tables[0].updated == 1
    with pytest.raises(SeedError, match="not _id or a unique index"):
        shop.seed("countries", COUNTRIES, key="population")
    with pytest.raises(SeedError, match="no unique key"):
        shop.seed("countries", [{"population": 3}])


def test_reset_backs_up_deleted_documents(shop):
    shop.seed("countries", COUNTRIES + [{"code": "IT", "name": "Italy"}])
    report = shop.seed("countries", COUNTRIES[:1], reset=True)
    table = report.tables[0]
    assert table.deleted == 2 and table.backup.startswith("_dbwork_bak_")
    kept = sorted(d["code"] for d in shop.backend.db[table.backup].find({}))
    assert kept == ["DE", "IT"]
    assert docs(shop) == [("FR", "France", 68)]


def test_a_bad_document_leaves_nothing_of_the_set(shop):
    shop.seed("countries", COUNTRIES)
    bad = [{"code": "ES", "name": "Spain"}, {"code": "FR", "name": "France", "population": 1},
           {"code": "XX", "name": "Germany"}]   # duplicate name: the unique index refuses
    with pytest.raises(SeedError) as e:
        shop.seed("countries", bad)
    assert e.value.line == 3
    assert docs(shop) == [("DE", "Germany", 84), ("FR", "France", 68)]


def test_csv_values_follow_the_sampled_types(shop, tmp_path):
    shop.seed("countries", COUNTRIES)
    path = tmp_path / "countries.csv"
    path.write_text("code,name,population\nFR,France,68\nDE,Germany,84\n")
    assert shop.seed("countries", path).changed is False
    path.write_text("code,name,population\nFR,France,lots\n")
    with pytest.raises(SeedError, match=r"line 2, column 'population'"):
        shop.seed("countries", path)


def test_drift_and_fix(shop):
    folder = shop.files.directory.parent / "seeds" / "dev"
    folder.mkdir(parents=True)
    (folder / "countries.yaml").write_text(
        "- {code: FR, name: France, population: 68}\n- {code: DE, name: Germany}\n")
    shop.seed(env="dev")
    assert not shop.seed_drift("dev")
    db = shop.backend.db
    db.countries.update_one({"code": "FR"}, {"$set": {"population": 70}})
    db.countries.insert_one({"code": "IT", "name": "Italy"})
    drift = shop.seed_drift("dev")
    assert {(d.key, d.kind, d.column) for d in drift.differences} == {
        (("FR",), "changed", "population"), (("IT",), "extra", None)}
    assert "replaceOne" in drift.sql
    assert drift.fix().total("updated") == 1
    assert {d.kind for d in shop.seed_drift("dev").differences} == {"extra"}


def test_demo_documents_follow_the_sample_and_unique_index(shop):
    shop.seed("countries", COUNTRIES)
    report = shop.demo_data(tables=["countries"], rows=300, seed=3)
    assert report.total("inserted") == 300
    db = shop.backend.db
    assert db.countries.count_documents({}) == 302
    codes = [d["code"] for d in db.countries.find({})]
    assert len(set(codes)) == len(codes)
    assert all(isinstance(d.get("population"), int) for d in db.countries.find({}))
