"""Golden tests: the exact command documents dbwork sends to MongoDB for each
operation, forward and reverse (what a real server receives)."""
from __future__ import annotations

import pytest
from bson import ObjectId

from dbwork.dialects import get_dialect
from dbwork.model.documents import Collection, DocumentSchema, FieldStat, IndexSpec
from dbwork.backends.mongodb.parse import parse_mongosh
from dbwork.plan.steps import add_backups, plan_steps

ID = IndexSpec("_id_", (("_id", 1),))
ORDERS = Collection(
    "orders", options={"validator": {"qty": {"$gte": 0}}, "validationLevel": "moderate"},
    indexes=(ID, IndexSpec("sku_1", (("sku", 1),), {"unique": True}),
             IndexSpec("ts_-1", (("ts", -1),), {"expireAfterSeconds": 3600})),
    fields=(FieldStat("_id", {"int": 2}, 2, 2), FieldStat("sku", {"string": 2}, 2, 2),
            FieldStat("qty", {"int": 2}, 2, 2)),
    documents=2, sampled=2)
SCHEMA = DocumentSchema("shop", {"orders": ORDERS})


def steps(text, schema=SCHEMA, version="20260101000000"):
    ops = parse_mongosh(text, schema).ops
    ops, _ = add_backups(ops, schema, version)
    return plan_steps(ops, schema, get_dialect("mongodb"))


def fwd_rev(text, schema=SCHEMA):
    st = steps(text, schema)
    return [c for s in st for c in s.forward], [c for s in reversed(st) for c in s.reverse]


CASES = {
    "create collection with validator": (
        "db.createCollection('items', {validator: {$jsonSchema: {bsonType: 'object', "
        "required: ['sku']}}, validationLevel: 'strict', validationAction: 'error'})",
        ['{"create": "items", "validator": {"$jsonSchema": {"bsonType": "object", '
         '"required": ["sku"]}}, "validationLevel": "strict", "validationAction": "error"}'],
        ['{"drop": "items"}']),
    "create compound index with options": (
        "db.orders.createIndex({sku: 1, ts: -1}, {name: 'sku_ts', partialFilterExpression: "
        "{qty: {$gt: 0}}})",
        ['{"createIndexes": "orders", "indexes": [{"key": {"sku": 1, "ts": -1}, "name": '
         '"sku_ts", "partialFilterExpression": {"qty": {"$gt": 0}}}]}'],
        ['{"dropIndexes": "orders", "index": "sku_ts"}']),
    "drop index carries its full spec": (
        "db.orders.dropIndex('ts_-1')",
        ['{"dropIndexes": "orders", "index": "ts_-1"}'],
        ['{"createIndexes": "orders", "indexes": [{"key": {"ts": -1}, "name": "ts_-1", '
         '"expireAfterSeconds": 3600}]}']),
    "drop index by keys": (
        "db.orders.dropIndex({sku: 1})",
        ['{"dropIndexes": "orders", "index": "sku_1"}'],
        ['{"createIndexes": "orders", "indexes": [{"key": {"sku": 1}, "name": "sku_1", '
         '"unique": true}]}']),
    "validator change restores the previous one": (
        "db.runCommand({collMod: 'orders', validator: {qty: {$gte: 1}}, "
        "validationAction: 'error'})",
        ['{"collMod": "orders", "validator": {"qty": {"$gte": 1}}, "validationLevel": '
         '"moderate", "validationAction": "error"}'],
        ['{"collMod": "orders", "validator": {"qty": {"$gte": 0}}, "validationLevel": '
         '"moderate", "validationAction": "error"}']),
    "rename collection is an admin command with full names": (
        "db.orders.renameCollection('purchases')",
        ['{"renameCollection": "shop.orders", "to": "shop.purchases", "dropTarget": false}'],
        ['{"renameCollection": "shop.purchases", "to": "shop.orders", "dropTarget": false}']),
    "field rename reverses": (
        "db.orders.updateMany({}, {$rename: {qty: 'quantity'}})",
        ['{"update": "orders", "updates": [{"q": {"qty": {"$exists": true}}, "u": {"$rename": '
         '{"qty": "quantity"}}, "multi": true}], "ordered": true}'],
        ['{"update": "orders", "updates": [{"q": {"quantity": {"$exists": true}}, "u": '
         '{"$rename": {"quantity": "qty"}}, "multi": true}], "ordered": true}']),
    "field rename with a filter and two fields": (
        "db.orders.updateMany({sku: 'a'}, {$rename: {qty: 'n', 'ship.city': 'ship.town'}})",
        ['{"update": "orders", "updates": [{"q": {"$and": [{"sku": "a"}, {"$or": [{"qty": '
         '{"$exists": true}}, {"ship.city": {"$exists": true}}]}]}, "u": {"$rename": {"qty": '
         '"n", "ship.city": "ship.town"}}, "multi": true}], "ordered": true}'],
        ['{"update": "orders", "updates": [{"q": {"$or": [{"ship.town": {"$exists": true}}, '
         '{"n": {"$exists": true}}]}, "u": {"$rename": {"ship.town": "ship.city", "n": "qty"}}, '
         '"multi": true}], "ordered": true}']),
    "set of a new field reverses to unset": (
        "db.orders.updateMany({}, {$set: {status: 'new'}})",
        ['{"update": "orders", "updates": [{"q": {}, "u": {"$set": {"status": "new"}}, '
         '"multi": true}], "ordered": true}'],
        ['{"update": "orders", "updates": [{"q": {}, "u": {"$unset": {"status": ""}}, '
         '"multi": true}], "ordered": true}']),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    text, forward, reverse = CASES[name]
    assert fwd_rev(text) == (forward, reverse)


MERGE_BACK = ('{"aggregate": "_dbwork_bak_20260101000000_1", "pipeline": [{"$merge": '
              '{"into": "orders", "on": "_id", "whenMatched": "replace", "whenNotMatched": '
              '"insert"}}], "cursor": {}, "bypassDocumentValidation": true}')
DROP_BAK = '{"drop": "_dbwork_bak_20260101000000_1"}'


def test_other_update_is_backed_up_and_restored_by_id():
    fwd, rev = fwd_rev("db.orders.updateMany({qty: {$lt: 5}}, {$inc: {qty: 1}})")
    assert fwd == [
        '{"aggregate": "orders", "pipeline": [{"$match": {"qty": {"$lt": 5}}}, {"$merge": '
        '{"into": "_dbwork_bak_20260101000000_1", "on": "_id", "whenMatched": "replace", '
        '"whenNotMatched": "insert"}}], "cursor": {}}',
        '{"update": "orders", "updates": [{"q": {"qty": {"$lt": 5}}, "u": {"$inc": {"qty": 1}}, '
        '"multi": true}], "ordered": true}']
    assert rev == [MERGE_BACK, DROP_BAK]


def test_pipeline_update_and_delete_are_backed_up():
    fwd, rev = fwd_rev("db.orders.updateMany({}, [{$set: {total: {$multiply: ['$qty', 2]}}}])")
    assert fwd[1] == ('{"update": "orders", "updates": [{"q": {}, "u": [{"$set": {"total": '
                      '{"$multiply": ["$qty", 2]}}}], "multi": true}], "ordered": true}')
    assert rev == [MERGE_BACK, DROP_BAK]
    fwd, rev = fwd_rev("db.orders.deleteMany({qty: 0})")
    assert fwd[1] == ('{"delete": "orders", "deletes": [{"q": {"qty": 0}, "limit": 0}], '
                      '"ordered": true}')
    assert rev == [MERGE_BACK, DROP_BAK]


def test_drop_collection_backs_up_then_recreates_options_and_indexes():
    fwd, rev = fwd_rev("db.orders.drop()")
    assert fwd[1] == '{"drop": "orders"}'
    assert rev == [
        '{"create": "orders", "validator": {"qty": {"$gte": 0}}, "validationLevel": "moderate"}',
        '{"createIndexes": "orders", "indexes": [{"key": {"sku": 1}, "name": "sku_1", '
        '"unique": true}, {"key": {"ts": -1}, "name": "ts_-1", "expireAfterSeconds": 3600}]}',
        MERGE_BACK, DROP_BAK]


def test_insert_keeps_bson_types_and_reverse_deletes_by_id():
    fwd, rev = fwd_rev("db.orders.insertMany([{_id: ObjectId('5f0000000000000000000001'), "
                       "n: NumberLong(7), d: NumberDecimal('1.10'), "
                       "at: ISODate('2024-01-02T03:04:05Z'), r: /ab+c/i}])")
    assert fwd == ['{"insert": "orders", "documents": [{"_id": {"$oid": '
                   '"5f0000000000000000000001"}, "n": {"$numberLong": "7"}, "d": '
                   '{"$numberDecimal": "1.10"}, "at": {"$date": "2024-01-02T03:04:05Z"}, '
                   '"r": {"$regularExpression": {"pattern": "ab+c", "options": "i"}}}], '
                   '"ordered": true}']
    assert rev == ['{"delete": "orders", "deletes": [{"q": {"_id": {"$in": [{"$oid": '
                   '"5f0000000000000000000001"}]}}, "limit": 0}], "ordered": true}']


def test_insert_without_id_gets_one_at_parse_time():
    (op,) = parse_mongosh("db.orders.insertOne({sku: 'z'})", SCHEMA).ops
    assert isinstance(op.documents[0]["_id"], ObjectId)
    assert list(op.documents[0]) == ["_id", "sku"]


def test_commands_round_trip_through_the_executor_reader():
    from dbwork.backends.mongodb.session import to_commands
    from bson import Int64, Decimal128
    fwd, _ = fwd_rev("db.orders.insertOne({_id: 1, n: NumberLong(7), d: NumberDecimal('2.5')})")
    (cmd,) = to_commands(fwd[0], "shop")
    doc = cmd["documents"][0]
    assert type(doc["n"]) is Int64 and doc["d"] == Decimal128("2.5")
    assert list(cmd) == ["insert", "documents", "ordered"]
