"""The same Workbench over mongomock-ng (in process), for what the wire stand-in gets
wrong: renameCollection, index names and specs as created, BSON types kept."""
from __future__ import annotations

import bson
import pytest
from bson import Decimal128, Int64

SEED = """
db.createCollection('orders')
db.orders.insertMany([{_id: 1, sku: 'a', n: NumberLong(3), price: NumberDecimal('9.99')},
                      {_id: 2, sku: 'b', n: NumberLong(4), price: NumberDecimal('1.50')}])
db.orders.createIndex({sku: 1, n: -1}, {name: 'sku_n', unique: true, sparse: true})
"""


def dump(db):
    return {n: [bson.encode(d) for d in db[n].find().sort("_id", 1)]
            for n in sorted(db.list_collection_names()) if not n.startswith(("dbwork", "_dbwork"))}


@pytest.fixture
def seeded(mock_wb):
    mock_wb.migrate("seed", SEED)
    return mock_wb


def test_index_spec_read_back_as_created(seeded):
    spec = seeded.schema().collection("orders").index("sku_n")
    assert spec.key == (("sku", 1), ("n", -1))
    assert spec.options == {"unique": True, "sparse": True}


def test_bson_types_survive_the_command_text(seeded):
    doc = seeded.backend.db.orders.find_one({"_id": 1})
    assert type(doc["n"]) is Int64 and doc["price"] == Decimal128("9.99")


def test_rename_collection_round_trip(seeded):
    db = seeded.backend.db
    before = dump(db)
    m = seeded.migrate("ren", "db.orders.renameCollection('purchases')")
    assert '"renameCollection": "mock.orders", "to": "mock.purchases"' in m.up
    assert "purchases" in db.list_collection_names() and "orders" not in db.list_collection_names()
    seeded.rollback()
    assert dump(db) == before


def test_drop_index_restores_the_full_spec(seeded):
    seeded.migrate("dropix", "db.orders.dropIndex('sku_n')")
    assert not seeded.schema().collection("orders").has_index("sku_n")
    seeded.rollback()
    spec = seeded.schema().collection("orders").index("sku_n")
    assert spec.key == (("sku", 1), ("n", -1)) and spec.options == {"unique": True, "sparse": True}


def test_drop_collection_rollback_restores_indexes_and_documents(seeded):
    db = seeded.backend.db
    before = dump(db)
    seeded.migrate("drop", "db.orders.drop()", allow_data_loss=True)
    seeded.rollback()
    assert dump(db) == before
    assert seeded.schema().collection("orders").index("sku_n").unique


def test_pipeline_update_round_trip(seeded):
    db = seeded.backend.db
    before = dump(db)
    seeded.migrate("pipe", "db.orders.updateMany({}, [{$set: {label: {$concat: ['$sku', '!']}}}])")
    assert db.orders.find_one({"_id": 2})["label"] == "b!"
    seeded.rollback()
    assert dump(db) == before


def test_compound_duplicates_are_found(seeded):
    from dbwork.errors import DataCheckFailed
    seeded.migrate("dup", "db.orders.insertOne({_id: 3, sku: 'a', n: NumberLong(9)})")
    with pytest.raises(DataCheckFailed) as e:
        seeded.migrate("uniq", "db.orders.createIndex({sku: 1, kind: 1}, {unique: true})")
    assert e.value.count == 2 and e.value.examples[0]["_id"] == [1, 3]
    assert e.value.examples[0]["key"][0] == "a"
