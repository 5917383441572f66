"""The behaviour suite on a live server (the nx-27017 stand-in here, or a real
MongoDB via DBWORK_TEST_MONGODB_URL): apply and roll back every operation kind with
documents restored byte for byte, failure mid-migration, the lock, re-runs, and bad
input refused before anything runs."""
from __future__ import annotations

import time

import bson
import pytest

from dbwork.errors import (DataCheckFailed, DataLossRefused, LockTimeout, MigrationConflict,
                           MigrationFailed, ParseError)
from dbwork.backends.mongodb.session import LOCK_ID, LOCKS, MongoBackend

from standin import STANDIN, standin_gap

SEED = """
db.createCollection('orders')
db.orders.insertMany([
  {_id: 1, sku: 'a', qty: 3, ship: {city: 'Oslo', zip: '0150'}, tags: ['x', 'y']},
  {_id: 2, sku: 'b', qty: 0, note: 'gift'},
  {_id: 3, sku: 'c', qty: 7, ship: {city: 'Bergen'}},
])
db.orders.createIndex({sku: 1}, {name: 'sku_1'})
"""


def snapshot(db, field_order: bool = True) -> dict:
    """Every user collection's documents as BSON bytes (ordered by _id), plus the
    index keys: what 'restored exactly' is compared on. ``field_order=False`` sorts
    each document's fields first (values and BSON types still compared exactly)."""
    out = {}
    for name in sorted(db.list_collection_names()):
        if name.startswith(("dbwork_", "_dbwork_")):
            continue
        docs = [bson.encode(doc if field_order else _sorted(doc))
                for doc in db[name].find({}).sort("_id", 1)]
        keys = sorted(str(dict(i["key"])) for i in db[name].list_indexes())
        out[name] = (docs, keys)
    return out


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def backups(db) -> list[str]:
    return [n for n in db.list_collection_names() if n.startswith("_dbwork_bak_")]


@pytest.fixture
def seeded(wb):
    wb.migrate("seed", SEED)
    return wb


ROUND_TRIPS = {
    "create collection": "db.createCollection('items')",
    "create index": "db.orders.createIndex({qty: -1}, {name: 'qty_-1'})",
    "create unique index": "db.orders.createIndex({qty: 1}, {unique: true})",
    "drop index": pytest.param("db.orders.dropIndex('sku_1')", marks=standin_gap(
        "index names are rewritten, so 'sku_1' is unknown")),
    "rename field": "db.orders.updateMany({}, {$rename: {qty: 'quantity'}})",
    "rename nested field": "db.orders.updateMany({}, {$rename: {'ship.city': 'ship.town'}})",
    "set new field": "db.orders.updateMany({qty: {$gt: 0}}, {$set: {status: 'open'}})",
    "set existing field": "db.orders.updateMany({}, {$set: {qty: 100}})",
    "unset field": "db.orders.updateMany({}, {$unset: {note: ''}})",
    "inc": "db.orders.updateMany({sku: {$in: ['a', 'c']}}, {$inc: {qty: 5}})",
    "update one": "db.orders.updateOne({sku: 'b'}, {$set: {note: 'changed'}})",
    "push": "db.orders.updateMany({_id: 1}, {$push: {tags: 'z'}})",
    "insert": "db.orders.insertMany([{_id: 10, sku: 'n'}, {_id: 11, sku: 'm'}])",
    "insert without _id": "db.orders.insertMany([{sku: 'p'}, {sku: 'q'}])",
    "insert mixed _id types": pytest.param(
        "db.orders.insertMany([{_id: 10, sku: 'n'}, {sku: 'no id'}])", marks=standin_gap(
            "a delete with $in over mixed _id types leaves documents behind")),
    "delete": "db.orders.deleteMany({qty: {$lt: 5}})",
    "delete one": "db.orders.deleteOne({sku: 'c'})",
    "several in one": "db.orders.updateMany({}, {$rename: {note: 'remark'}})\n"
                      "db.createCollection('items')\n"
                      "db.items.insertOne({_id: 'i1', order_id: 1})\n"
                      "db.orders.deleteMany({_id: 2})",
}


# MongoDB documents that $rename "may not preserve the order of the fields": a
# rename's inverse restores every value and type, and the fields may come back last
ORDER_MAY_MOVE = {"rename field", "rename nested field", "several in one"}


@pytest.mark.parametrize("kind", [pytest.param(v, id=k) if not isinstance(v, tuple) and
                                  not hasattr(v, "marks") else pytest.param(
                                      *v.values, marks=v.marks, id=k)
                                  for k, v in sorted(ROUND_TRIPS.items())])
def test_apply_then_rollback_restores_exactly(seeded, kind, request):
    name = request.node.callspec.id
    order = name not in ORDER_MAY_MOVE
    db = seeded.backend.db
    before = snapshot(db, order)
    m = seeded.migrate("change", kind)
    assert m.status == "applied"
    assert snapshot(db, order) != before
    (r,) = seeded.rollback()
    assert r.status == "rolled_back"
    assert snapshot(db, order) == before
    assert backups(db) == []


def test_pipeline_update_round_trip(seeded):
    db = seeded.backend.db
    before = snapshot(db)
    _apply_or_standin_gap(seeded, "db.orders.updateMany({}, [{$set: {double: "
                                  "{$multiply: ['$qty', 2]}}}])")
    assert db.orders.find_one({"_id": 3})["double"] == 14
    seeded.rollback()
    assert snapshot(db) == before


def _apply_or_standin_gap(wb, text):
    try:
        wb.migrate("pipeline", text)
    except MigrationFailed as e:
        if STANDIN:
            pytest.xfail(f"nx-27017 stand-in: pipeline updates are refused ({e.reason})")
        raise


def test_drop_collection_needs_consent_and_rollback_restores_it(seeded):
    db = seeded.backend.db
    before = snapshot(db)
    with pytest.raises(DataLossRefused, match="drop collection orders over 3 row"):
        seeded.migrate("drop_orders", "db.orders.drop()")
    assert snapshot(db) == before
    m = seeded.migrate("drop_orders", "db.orders.drop()", allow_data_loss=True)
    assert "orders" not in db.list_collection_names()
    assert backups(db) == [f"_dbwork_bak_{m.version}_1"]
    seeded.rollback()
    assert snapshot(db) == before and backups(db) == []


def test_failure_mid_migration_records_progress_and_rollback_undoes_exactly_that(seeded):
    db = seeded.backend.db
    before = snapshot(db, field_order=False)  # a $rename runs (see ORDER_MAY_MOVE)
    text = ("db.orders.createIndex({qty: 1}, {name: 'qty_1'})\n"
            "db.orders.updateMany({}, {$rename: {note: 'remark'}})\n"
            "db.orders.createIndex({note: 1})\n"
            "db.orders.insertMany([{_id: 1, sku: 'dup'}])\n"
            "db.orders.createIndex({never: 1})")
    with pytest.raises(MigrationFailed) as e:
        seeded.migrate("half", text)
    assert e.value.step == 4 and e.value.steps_done == 3 and not e.value.transactional
    row = seeded.history().set_index("name").loc["half"]
    assert row.status == "failed" and row.steps_done == 3
    with pytest.raises(MigrationConflict, match="roll it back first"):
        seeded.migrate("half", text)
    (r,) = seeded.rollback()
    assert r.status == "rolled_back"
    assert snapshot(db, field_order=False) == before


def test_explicit_down_section(seeded):
    db = seeded.backend.db
    before = snapshot(db)
    m = seeded.migrate("with_down", "db.orders.updateMany({}, {$set: {qty: 1}}, {upsert: true})\n"
                       "// migrate:down\n"
                       "db.orders.updateMany({}, {$set: {qty: 0}})")
    assert m.explicit_down
    seeded.rollback()
    assert [d["qty"] for d in db.orders.find().sort("_id", 1)] == [0, 0, 0]
    assert snapshot(db) != before  # the explicit down is what it says, not a restore


def test_rerun_same_content_is_reported_not_reapplied(seeded):
    m1 = seeded.migrate("tag", "db.orders.updateMany({}, {$set: {flag: 'y'}})")
    m2 = seeded.migrate("tag", "db.orders.updateMany({}, {$set: {flag: 'y'}})")
    assert m2.version == m1.version and "already applied" in m2.notes[0]
    assert list(seeded.history().name) == ["seed", "tag"]
    with pytest.raises(MigrationConflict, match="different content"):
        seeded.migrate("tag", "db.orders.updateMany({}, {$set: {flag: 'n'}})")


def test_history_collection_is_unique_on_version(seeded):
    db = seeded.backend.db
    specs = {i["name"]: i for i in db.dbwork_migrations.list_indexes()}
    assert any(s.get("unique") and list(dict(s["key"])) == ["version"] for s in specs.values())
    assert list(seeded.history().status) == ["applied"]


def test_upgrade_from_files_into_a_fresh_database(seeded, mongo_server, tmp_path):
    import uuid
    import dbwork
    import pymongo
    seeded.migrate("more", "db.orders.createIndex({qty: 1})\n"
                   "db.orders.updateMany({}, {$rename: {note: 'remark'}})")
    name = f"dbwork_t_{uuid.uuid4().hex[:10]}"
    url = mongo_server.rstrip("/") + "/" + name if "?" not in mongo_server else None
    if url is None:
        pytest.skip("a URL with options: covered on the default server")
    other = dbwork.connect(url, migrations=seeded.files.directory)
    try:
        assert [m.name for m in other.pending()] == ["seed", "more"]
        assert [m.status for m in other.upgrade()] == ["applied", "applied"]
        assert snapshot(other.backend.db) == snapshot(seeded.backend.db)
        assert other.pending() == []
    finally:
        other.close()
        pymongo.MongoClient(mongo_server).drop_database(name)


# -- the lock -------------------------------------------------------------------------
def test_second_migrator_times_out_while_the_lock_is_held(seeded):
    other = MongoBackend(seeded.url)
    with other.session(1.0):
        t0 = time.monotonic()
        with pytest.raises(LockTimeout, match="holds the migration lock"):
            seeded.migrate("blocked", "db.orders.createIndex({qty: 1})")
        assert time.monotonic() - t0 >= 1.5  # waited for the wb's 2 s timeout
    assert seeded.migrate("blocked", "db.orders.createIndex({qty: 1})").status == "applied"
    assert seeded.backend.db[LOCKS].count_documents({}) == 0  # released


def test_an_expired_lock_is_taken_over(seeded):
    db = seeded.backend.db
    db[LOCKS].insert_one({"_id": LOCK_ID, "owner": "crashed:1", "expires": time.time() - 5})
    assert seeded.migrate("after_crash", "db.orders.createIndex({qty: 1})").status == "applied"
    assert db[LOCKS].count_documents({}) == 0


def test_the_holder_keeps_its_lease_alive_while_it_works(seeded):
    """A command longer than the lease does not lose the lock: a daemon thread renews
    it every third of the lease, and stops when the session ends."""
    backend = MongoBackend(seeded.url, lock_lease=0.6)
    db = backend.db
    with backend.session(1.0):
        first = db[LOCKS].find_one({"_id": LOCK_ID})["expires"]
        time.sleep(1.0)                       # longer than the lease
        lock = db[LOCKS].find_one({"_id": LOCK_ID})
        assert lock["expires"] > first and lock["expires"] > time.time()
        other = MongoBackend(seeded.url)
        with pytest.raises(LockTimeout):
            with other.session(0.3):
                pass
    assert db[LOCKS].count_documents({}) == 0


def test_a_live_lock_of_a_crashed_holder_blocks_until_it_expires(seeded):
    db = seeded.backend.db
    db[LOCKS].insert_one({"_id": LOCK_ID, "owner": "crashed:2", "expires": time.time() + 2.5})
    with pytest.raises(LockTimeout, match="crashed:2"):
        seeded.migrate("wait", "db.orders.createIndex({qty: 1})")
    time.sleep(1.0)
    assert seeded.migrate("wait", "db.orders.createIndex({qty: 1})").status == "applied"


# -- bad input: a clear error before anything runs -------------------------------------
@pytest.mark.parametrize("text,error", [
    ("db.orders.createIndex({qty: 1}\ndb.orders.drop()", ParseError),
    ("db.createCollection('x')\ndb.nope.createIndex({a: 1})", ParseError),
    ("db.createCollection('a.$b')", ParseError),
    ("db.createCollection('a\\u0000b')", ParseError),
    ("db.orders.renameCollection('x.$y')", ParseError),
    ("db.orders.updateMany({}, {$rename: {qty: '$bad'}})", ParseError),
])
def test_bad_input_is_refused_before_anything_runs(seeded, text, error):
    db = seeded.backend.db
    before = snapshot(db)
    with pytest.raises(error) as e:
        seeded.migrate("bad", text)
    assert e.value.line is not None
    assert snapshot(db) == before
    assert list(seeded.history().name) == ["seed"]


# -- data-aware checks ----------------------------------------------------------------
def test_validator_over_documents_that_fail_it_is_refused(seeded):
    db = seeded.backend.db
    with pytest.raises(DataCheckFailed) as e:
        seeded.migrate("strict", "db.runCommand({collMod: 'orders', validator: "
                       "{$jsonSchema: {required: ['ship']}}})")
    assert e.value.count == 1 and e.value.examples == [2]
    assert "fail the new validator" in str(e.value)
    assert list(seeded.history().name) == ["seed"]
    m = seeded.migrate("warn_only", "db.runCommand({collMod: 'orders', validator: "
                       "{$jsonSchema: {required: ['ship']}}, validationAction: 'warn'})")
    assert any("fail the new validator: 1" in w for w in m.warnings)


def test_unique_index_over_duplicates_is_refused(seeded):
    seeded.migrate("dup", "db.orders.insertOne({_id: 4, sku: 'a', qty: 1})")
    with pytest.raises(DataCheckFailed) as e:
        seeded.migrate("uniq", "db.orders.createIndex({sku: 1}, {unique: true, name: 'sku_u'})")
    assert e.value.count == 2 and e.value.examples[0]["key"] == ["a"]
    assert list(seeded.history().name) == ["seed", "dup"]


@standin_gap("$group on a compound _id returns the literal paths, so every document "
             "looks like one group")
def test_compound_unique_index_checks_the_whole_key(seeded):
    seeded.migrate("dup", "db.orders.insertOne({_id: 4, sku: 'a', qty: 1})")
    m = seeded.migrate("uniq", "db.orders.createIndex({sku: 1, qty: 1}, {unique: true})")
    assert m.status == "applied"  # ('a', 3) and ('a', 1) differ
    seeded.migrate("dup2", "db.orders.insertOne({_id: 5, sku: 'b', qty: 9})")
    with pytest.raises(DataCheckFailed):
        seeded.migrate("uniq2", "db.orders.createIndex({sku: 1, note: 1}, {unique: true})")


def test_rename_onto_an_existing_field_is_refused(seeded):
    with pytest.raises(DataCheckFailed, match="already have field note"):
        seeded.migrate("clash", "db.orders.updateMany({}, {$rename: {sku: 'note'}})")


# -- introspection and stand-in gaps ---------------------------------------------------
def test_introspection_infers_the_document_shape(seeded):
    s = seeded.schema()
    c = s.collection("orders")
    fields = {f.path: f for f in c.fields}
    assert fields["qty"].types == {"int": 3} and not fields["qty"].optional
    assert fields["ship"].types == {"object": 2} and fields["ship"].optional
    assert fields["ship.city"].present == 2 and fields["ship.zip"].present == 1
    assert fields["tags"].types == {"array": 1} and fields["tags[]"].types == {"string": 2}
    assert c.documents == 3
    frame = s.to_frame()
    assert list(frame.columns) == ["collection", "field", "types", "present", "optional",
                                   "array", "nested"]
    assert "ship.city" in set(frame.field)
    assert "orders" in seeded.erd().text()


@standin_gap("index names are rewritten (idx_<coll>_...)")
def test_index_specs_are_read_back_as_created(seeded):
    seeded.migrate("ix", "db.orders.createIndex({qty: -1, sku: 1}, {name: 'q_s', sparse: true})")
    spec = seeded.schema().collection("orders").index("q_s")
    assert spec.key == (("qty", -1), ("sku", 1)) and spec.options == {"sparse": True}


@standin_gap("validators are accepted and ignored (list_collections shows no options)")
def test_validator_is_applied_and_rolled_back(seeded):
    seeded.migrate("v", "db.runCommand({collMod: 'orders', validator: {qty: {$gte: 0}}})")
    assert seeded.schema().collection("orders").options.get("validator") == {"qty": {"$gte": 0}}
    seeded.rollback()
    assert not seeded.schema().collection("orders").options.get("validator")


@standin_gap("renameCollection replies ok and does nothing")
def test_rename_collection_round_trip(seeded):
    db = seeded.backend.db
    before = snapshot(db)
    seeded.migrate("ren", "db.orders.renameCollection('purchases')")
    assert "purchases" in db.list_collection_names()
    seeded.rollback()
    assert snapshot(db) == before


def test_credentials_never_show(mongo_server):
    import dbwork
    from urllib.parse import urlsplit
    p = urlsplit(mongo_server)
    wb = dbwork.connect(f"mongodb://u:s3cret@{p.hostname}:{p.port}/x?serverSelectionTimeoutMS=300")
    assert "s3cret" not in repr(wb) and "s3cret" not in wb.display_url
