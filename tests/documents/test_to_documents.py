"""SQL -> MongoDB along a document design, on real sources (SQLite and PostgreSQL) and
the MongoDB stand-in: the proposal and its reasons, changes in Python, the copy, its
validation catching a lost or altered row, a resumed copy, refusals before writing."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import dbwork
from dbwork.data.documents import copy_to_documents, design_documents
from dbwork.data.documents import to_documents
from dbwork.errors import ConfigError, DesignError, DocumentCopyRefused

from shop import HEAVY_USER_ORDERS
from standin import standin_gap


def test_the_proposal_embeds_bounded_children_and_says_why(shop):
    design = design_documents(shop, decimals="string")
    assert design.collections == ["products", "users", "orders"]
    assert design.target_name("order_items") == "orders.items[]"
    assert design.target_name("addresses") == "users.addresses[]"
    why = design.text()
    assert f"up to {HEAVY_USER_ORDERS} per users row" in why
    assert "orders is referenced by order_items" in why
    assert "up to 3 per orders row" in why and "(limit 16.0 MB)" in why
    frame = design.frame.set_index("table")
    assert frame.loc["order_items", "max_per_parent"] == 3
    assert frame.loc["orders", "placement"] == "collection"


def test_a_design_changes_in_python_and_refuses_what_cannot_be(shop):
    design = design_documents(shop, decimals="string")
    design.embed("orders", into="users", as_="orders")
    assert design.collections == ["products", "users"]
    assert design.target_name("order_items") == "users.orders[].items[]"
    v = design.validators()["users"]["$jsonSchema"]
    assert v["properties"]["orders"]["items"]["properties"]["items"]["bsonType"] == "array"
    keys = [i.key for i in design.indexes()["users"]]
    assert (("orders.items.product_id", 1),) in keys
    with pytest.raises(DesignError, match="no foreign key from 'products' to 'users'"):
        design.embed("products", into="users")
    with pytest.raises(DesignError, match="is itself inside"):
        design.embed("users", into="users")
    design.reference("orders")
    assert design.collections == ["products", "users", "orders"]
    assert "a collection by choice" in design.text()


def test_validators_translate_types_not_null_and_checks(shop):
    design = design_documents(shop, decimals="string")
    orders = design.validators()["orders"]["$jsonSchema"]
    assert orders["required"] == ["_id", "user_id", "placed", "status", "items"]
    assert orders["properties"]["status"]["enum"] == ["open", "paid", "sent"]
    assert orders["properties"]["items"]["items"]["properties"]["qty"]["exclusiveMinimum"] == 0
    products = design.validators()["products"]["$jsonSchema"]["properties"]
    assert (products["stock"]["minimum"], products["stock"]["maximum"]) == (0, 10000)
    assert any("note" in n and "<>" in n for n in design.untranslated)


def test_copy_writes_the_design_and_validates(shop, mwb):
    report = copy_to_documents(shop, mwb, design=design_documents(shop, decimals="string"),
                               progress=False)
    assert report.ok, report
    assert [(t.name, t.read, t.written, t.checksum_match) for t in report.tables] == [
        ("products", 8, 8, True), ("users", 12, 12, True), ("addresses", 12, 12, True),
        ("orders", 77, 77, True), ("order_items", 115, 115, True)]
    db = mwb.backend.db
    order = db.orders.find_one({"_id": 3})
    assert order["status"] == "open" and order["user_id"] == 1
    assert [(i["id"], i["product_id"], i["qty"]) for i in order["items"]] == [
        (4, 4, 1), (5, 5, 2), (6, 6, 3)]
    assert "order_id" not in order["items"][0]
    user = db.users.find_one({"_id": 5})
    assert "name" not in user and user["active"] is True
    assert db.products.find_one({"_id": 2})["price"] == "6.25"
    assert set(report.scripts) == {"setup.js", "validate.js", "pipeline.py", "design.json"}
    assert 'countDocuments({})' in report.scripts["validate.js"]
    assert "expect 115" in report.scripts["validate.js"]
    assert 'createIndexes: "orders"' in report.scripts["setup.js"]
    if shop.dialect.name != "mysql":    # MariaDB's TIMESTAMP keeps whole seconds already
        assert any(w.startswith("users.joined: 6 value(s) carry microseconds")
                   for w in report.warnings)
        assert user["joined"].microsecond == 255000    # 255001 µs: kept to the millisecond


def test_dbwork_copy_hands_a_mongodb_side_to_the_document_copy(shop, mwb):
    if getattr(dbwork, "copy", None) is None:
        pytest.skip("dbwork.copy (SQL to SQL, copysql's branch) is not merged here yet")
    report = dbwork.copy(shop, mwb, design=design_documents(shop, decimals="string"),
                         progress=False)
    assert report.ok and report.table("order_items").target_name == "orders.items[]"


def _altered(report, name):
    return next(t for t in report.tables if t.name == name)


def test_validation_catches_one_altered_embedded_value(shop, mwb):
    design = design_documents(shop, decimals="string")
    assert copy_to_documents(shop, mwb, design=design, progress=False).ok
    order = mwb.backend.db.orders.find_one({"_id": 5})
    order["items"][0]["qty"] = 99       # one value of one embedded row
    mwb.backend.db.orders.replace_one({"_id": 5}, order)
    again = copy_to_documents(shop, mwb, design=design, progress=False)
    items = _altered(again, "order_items")
    assert not again.ok and items.checksum_match is False
    assert _altered(again, "orders").checksum_match is True
    assert any("checksum differs" in e for e in items.errors)


def test_validation_catches_a_lost_document(shop, mwb):
    design = design_documents(shop, decimals="string")
    assert copy_to_documents(shop, mwb, design=design, progress=False).ok
    mwb.backend.db.users.delete_one({"_id": 4})
    again = copy_to_documents(shop, mwb, design=design, progress=False)
    users = _altered(again, "users")
    assert not again.ok and users.checksum_match is False
    assert any("users: documents (rows of users): expected 12, found 11" in e for e in users.errors)
    assert any("_id=4: missing" in e for e in users.errors)


def test_a_stopped_copy_resumes_without_duplicates_or_gaps(shop, mwb, monkeypatch):
    design = design_documents(shop, decimals="string")
    real_write, calls = to_documents._write, []

    def write_then_stop(coll, docs, replay):
        out = real_write(coll, docs, replay)
        calls.append(coll.name)
        if coll.name == "orders" and calls.count("orders") == 3:
            raise KeyboardInterrupt  # written, but its checkpoint never saved
        return out

    monkeypatch.setattr(to_documents, "_write", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        copy_to_documents(shop, mwb, design=design, progress=False, batch=10)
    assert mwb.backend.db.orders.count_documents({}) == 30
    monkeypatch.setattr(to_documents, "_write", real_write)
    report = copy_to_documents(shop, mwb, design=design, progress=False, batch=10)
    assert report.ok, report
    orders = _altered(report, "orders")
    assert orders.resumed_from == 20 and orders.written == 57 and orders.checksum_match
    assert _altered(report, "users").written == 0 and _altered(report, "users").resumed_from == 12
    assert mwb.backend.db.orders.count_documents({}) == 77


def test_a_collection_holding_other_documents_is_refused_before_writing(shop, mwb):
    mwb.backend.db.orders.insert_one({"_id": "someone else's"})
    with pytest.raises(DocumentCopyRefused, match="orders already holds 1 document"):
        copy_to_documents(shop, mwb, design=design_documents(shop, decimals="string"),
                          progress=False)
    assert "users" not in mwb.backend.db.list_collection_names()


def test_resume_false_starts_over_what_this_copy_wrote(shop, mwb):
    design = design_documents(shop, decimals="string")
    copy_to_documents(shop, mwb, design=design, progress=False)
    mwb.backend.db.users.delete_one({"_id": 4})
    report = copy_to_documents(shop, mwb, design=design, resume=False, progress=False)
    assert report.ok and _altered(report, "users").written == 12


def test_wrong_sides_are_refused(shop, mwb):
    with pytest.raises(ConfigError, match="reads a SQL database"):
        copy_to_documents(mwb, shop)
    with pytest.raises(ConfigError, match="decimals="):
        design_documents(shop, decimals="float")


@pytest.mark.parametrize("shop", ["postgresql"], indirect=True)
def test_the_exported_pipeline_runs_the_copy(shop, mwb, tmp_path):
    design = design_documents(shop, decimals="string").embed("orders", into="users")
    script = tmp_path / "pipeline.py"
    script.write_text(design.scripts()["pipeline.py"])
    env = {**os.environ, "SOURCE_URL": shop.backend.url.sqlalchemy_url().replace("+psycopg", ""),
           "TARGET_URL": mwb.backend.url.sqlalchemy_url(), "PYTHONPATH": os.getcwd()}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "orders -> users.orders[]: 77 read, 77 written" in run.stdout
    user = mwb.backend.db.users.find_one({"_id": 1})
    assert len(user["orders"]) == HEAVY_USER_ORDERS


@standin_gap("Decimal128 is rejected ('not JSON serializable')")
def test_numeric_goes_in_as_decimal128(shop, mwb):
    from bson import Decimal128
    report = copy_to_documents(shop, mwb, progress=False)
    assert report.ok
    assert mwb.backend.db.products.find_one({"_id": 2})["price"] == Decimal128("6.25")


@standin_gap("validators are accepted and ignored (list_collections shows no options)")
def test_the_server_enforces_the_validator(shop, mwb):
    from pymongo.errors import WriteError
    copy_to_documents(shop, mwb, design=design_documents(shop, decimals="string"),
                      progress=False)
    with pytest.raises(WriteError):
        mwb.backend.db.orders.insert_one({"_id": 999, "status": "lost"})


def test_embedding_along_a_nullable_key_by_choice_is_warned_and_the_orphan_caught(make_wb, mwb):
    # Chinook's Track.AlbumId is nullable: a track without an album has no parent to go in
    wb = make_wb("sqlite")
    with wb.backend.engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE Album (AlbumId INTEGER PRIMARY KEY, Title TEXT NOT NULL)")
        c.exec_driver_sql("CREATE TABLE Track (TrackId INTEGER PRIMARY KEY, Name TEXT NOT NULL, "
                          "AlbumId INTEGER REFERENCES Album (AlbumId))")
        c.exec_driver_sql("INSERT INTO Album VALUES (1, 'A'), (2, 'B')")
        c.exec_driver_sql("INSERT INTO Track VALUES (1, 't1', 1), (2, 't2', 1), (3, 'loose', NULL)")
    design = design_documents(wb)
    assert design.collections == ["Album", "Track"]
    assert "AlbumId may be NULL" in design.text()
    design.embed("Track", into="Album", as_="tracks")
    assert "1 row(s) have no parent (NULL AlbumId) and will not be copied" in design.text()
    report = copy_to_documents(wb, mwb, design=design, progress=False)
    track = report.table("Track")
    assert not report.ok and track.checksum_match is False and track.read == 3
    assert any("embedded rows of Track: expected 3, found 2" in e for e in track.errors)


def _stock(make_wb):
    wb = make_wb("sqlite")
    with wb.backend.engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE stock (warehouse TEXT NOT NULL, sku TEXT NOT NULL, "
                          "qty INTEGER NOT NULL, PRIMARY KEY (warehouse, sku))")
        for i in range(25):
            c.exec_driver_sql(f"INSERT INTO stock VALUES ('w{i % 3}', 's{i}', {i})")
    return wb


def test_a_composite_primary_key_becomes_an_object_id(make_wb, mwb):
    wb = _stock(make_wb)
    report = copy_to_documents(wb, mwb, progress=False)
    assert report.ok, report
    doc = next(d for d in mwb.backend.db.stock.find({}) if d["_id"]["sku"] == "s4")
    assert doc == {"_id": {"warehouse": "w1", "sku": "s4"}, "qty": 4}


@standin_gap("a filter on an object _id ({_id: {warehouse: .., sku: ..}}) is read as operators")
def test_a_composite_key_copy_resumes(make_wb, mwb, monkeypatch):
    wb = _stock(make_wb)
    real_write = to_documents._write

    def stop_after_two_pages(coll, docs, replay):
        out = real_write(coll, docs, replay)
        if coll.count_documents({}) >= 20:
            raise KeyboardInterrupt
        return out

    monkeypatch.setattr(to_documents, "_write", stop_after_two_pages)
    with pytest.raises(KeyboardInterrupt):
        copy_to_documents(wb, mwb, progress=False, batch=10)
    monkeypatch.setattr(to_documents, "_write", real_write)
    report = copy_to_documents(wb, mwb, progress=False, batch=10)
    assert report.ok and mwb.backend.db.stock.count_documents({}) == 25


@pytest.mark.parametrize("shop", ["postgresql"], indirect=True)
def test_no_password_in_the_report_the_scripts_or_the_checkpoints(shop, mwb, tmp_path):
    url = shop.backend.url.sqlalchemy_url().replace("+psycopg", "").replace(
        "root@", "root:s3cr%23t-pw@")                      # trust auth: any password will do
    assert "root:s3cr%23t-pw@" in url
    source = dbwork.connect(url, migrations=tmp_path / "pw")
    design = design_documents(source, decimals="string")
    report = copy_to_documents(source, mwb, design=design, progress=False)
    assert report.ok
    shown = [repr(report), report._repr_html_(), str(report.to_dict()), design.text(),
             *report.scripts.values(),
             *map(str, mwb.backend.db["dbwork_copy_checkpoints"].find({}))]
    assert not [s for s in shown if "s3cr" in s]
    source.close()


def test_the_design_draws(shop):
    from dbwork.graphs.erd import has_dot
    design = design_documents(shop, decimals="string")
    bundle = design._repr_mimebundle_()
    assert bundle["text/plain"] == design.text()
    if has_dot():
        svg = design._repr_svg_()
        assert "<svg" in svg and "items[]" in svg and "orders" in svg
    assert "users" in design.diagram().source and "addresses[]" in design.diagram().source
