"""The mongosh parser (pure): the relaxed syntax people type, and clear errors with
line and column for what it refuses."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from bson import Decimal128, Int64, ObjectId, Regex

from dbwork.errors import IrreversibleError, ObjectExistsError, ParseError, UnknownObjectError
from dbwork.model.documents import Collection, DocumentSchema, FieldStat, IndexSpec
from dbwork.ops import document_ops as d
from dbwork.backends.mongodb.parse import command_documents, parse_mongosh, split_commands

S = DocumentSchema("shop", {"orders": Collection(
    "orders", indexes=(IndexSpec("_id_", (("_id", 1),)),),
    fields=(FieldStat("_id", {"int": 1}, 1, 1), FieldStat("qty", {"int": 1}, 1, 1)))})


def one(text):
    (op,) = parse_mongosh(text, S).ops
    return op


def test_relaxed_syntax():
    op = one("""
    // a comment
    db.orders.insertOne({ _id: 1, 'single': "double", $meta: undefined_is_not_here,
    })""".replace("$meta: undefined_is_not_here,", "n: NumberInt('3'), /* inline */"))
    assert op.documents[0] == {"_id": 1, "single": "double", "n": 3}


def test_shell_constructors():
    op = one("db.orders.insertOne({_id: ObjectId('5f0000000000000000000001'), a: NumberLong(5),"
             " b: NumberDecimal('1.5'), c: ISODate('2024-01-02T03:04:05Z'), d: new Date(0),"
             " e: /x[/]y/i, f: -2.5e1, g: [1, 2,], h: null, i: true})")
    doc = op.documents[0]
    assert doc["_id"] == ObjectId("5f0000000000000000000001")
    assert type(doc["a"]) is Int64 and doc["b"] == Decimal128("1.5")
    assert doc["c"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert doc["d"] == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert doc["e"] == Regex("x[/]y", "i") and doc["f"] == -25.0
    assert doc["g"] == [1, 2] and doc["h"] is None and doc["i"] is True


def test_getcollection_and_bracket_forms():
    assert one("db.getCollection('orders').drop()").collection.name == "orders"
    assert one('db["orders"].drop()').collection.name == "orders"


def test_classification_of_updates():
    assert isinstance(one("db.orders.updateMany({}, {$rename: {qty: 'n'}})"), d.RenameFields)
    assert isinstance(one("db.orders.updateMany({}, {$set: {fresh: 1}})"), d.SetFields)
    # qty exists: a $set over it changes values, so it is backed up
    assert isinstance(one("db.orders.updateMany({}, {$set: {qty: 1}})"), d.UpdateDocuments)
    assert isinstance(one("db.orders.updateMany({}, {$unset: {qty: ''}})"), d.UpdateDocuments)
    assert isinstance(one("db.orders.updateMany({}, [{$set: {x: 1}}])"), d.UpdateDocuments)


def test_split_commands_keeps_each_command_text():
    assert split_commands("db.a.drop()\ndb.b.createIndex({x: 1},\n {unique: true});") == [
        "db.a.drop()", "db.b.createIndex({x: 1},\n {unique: true})"]


def test_down_section_translates_without_a_schema():
    assert command_documents("db.orders.updateMany({}, {$rename: {n: 'qty'}})", "shop") == [
        {"update": "orders", "updates": [{"q": {"n": {"$exists": True}},
                                          "u": {"$rename": {"n": "qty"}},
                                          "multi": True}], "ordered": True}]


@pytest.mark.parametrize("text,line,column,words", [
    ("db.orders.drop(", 1, 16, "expected"),
    ("\n\n  db.orders.insertOne({a: 'x)", 3, 27, "unterminated string"),
    ("db.orders.insertOne({a: eval('1')})", 1, 25, "unknown name 'eval'"),
    ("db.orders.insertOne({a: 1} {b: 2})", 1, 28, "expected"),
    ("db.orders.frobnicate()", 1, 11, "unsupported command"),
    ("db.orders.insertOne({a: 1, a: 2})", 1, 28, "duplicate key"),
    ("db.orders.insertOne({a: 1 # })", 1, 27, "unexpected character"),
    ("db.orders.insertOne({_id: ObjectId('64b7fc2a')})", 1, 27, "bad argument to ObjectId()"),
])
def test_malformed_input_has_line_and_column(text, line, column, words):
    with pytest.raises(ParseError) as e:
        parse_mongosh(text, S)
    assert (e.value.line, e.value.column) == (line, column) and words in str(e.value)


def test_first_line_offsets_positions():
    with pytest.raises(ParseError) as e:
        parse_mongosh("db.nope.drop()", S, first_line=5)
    assert e.value.line == 5 and "unknown collection 'nope'" in str(e.value)


@pytest.mark.parametrize("name", ["a.$b", "a\\u0000b", "system.users", "", "dbwork_migrations",
                                  "a..b"])
def test_hostile_collection_names(name):
    with pytest.raises(ParseError, match="invalid collection name"):
        parse_mongosh(f"db.createCollection('{name}')", S)


def test_hostile_field_names():
    with pytest.raises(ParseError, match="invalid field name"):
        parse_mongosh("db.orders.updateMany({}, {$rename: {qty: '$where'}})", S)
    with pytest.raises(ParseError, match="invalid field name"):
        parse_mongosh("db.orders.updateMany({}, {$set: {'a.$b': 1}})", S)


def test_unknown_and_existing_objects():
    with pytest.raises(ParseError, match="unknown index 'nope_1'"):
        parse_mongosh("db.orders.dropIndex('nope_1')", S)
    with pytest.raises(ParseError, match="collection 'orders' already exists"):
        parse_mongosh("db.createCollection('orders')", S)
    with pytest.raises(ParseError, match="already exists"):
        parse_mongosh("db.orders.createIndex({qty: 1})\ndb.orders.createIndex({qty: 1})", S)


def test_refusals():
    with pytest.raises(ParseError, match="replacement document"):
        parse_mongosh("db.orders.updateMany({}, {qty: 1})", S)
    with pytest.raises(ParseError, match="upsert"):
        parse_mongosh("db.orders.updateMany({}, {$set: {a: 1}}, {upsert: true})", S)
    with pytest.raises(ParseError, match="dropTarget"):
        parse_mongosh("db.orders.renameCollection('x', true)", S)
    with pytest.raises(ParseError, match="validationLevel"):
        parse_mongosh("db.runCommand({collMod: 'orders', validationLevel: 'loose'})", S)
    with pytest.raises(ParseError, match="no command"):
        parse_mongosh("// only a comment", S)


def test_sequential_schema_lets_later_commands_see_earlier_ones():
    p = parse_mongosh("db.createCollection('items')\ndb.items.createIndex({sku: 1})\n"
                      "db.items.renameCollection('goods')\ndb.goods.dropIndex('sku_1')", S)
    assert [type(o).__name__ for o in p.ops] == ["CreateCollection", "CreateIndex",
                                                "RenameCollection", "DropIndex"]
    assert p.schema.has_collection("goods") and not p.schema.has_collection("items")
