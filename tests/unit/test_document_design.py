"""The document design without a database: the proposal's rules, changes, and the
command documents it produces, pinned exactly (what a real MongoDB would be sent)."""
from __future__ import annotations

import pytest

from dbwork.data.documents.build import document, source_rows
from dbwork.data.documents.design import DocumentDesign, propose
from dbwork.data.documents.infer import document_rows, infer_tables, Unfit
from dbwork.data.documents.scripts import create_commands, embedded_count_pipeline, index_commands
from dbwork.data.documents.stats import LinkStats, Measurements, TableStats
from dbwork.errors import DesignError
from dbwork.model import Check, Column, ForeignKey, PrimaryKey, Schema, Table, Unique

SCHEMA = Schema.of(
    Table("users", (Column("id", "INTEGER", False), Column("email", "VARCHAR(40)", False)),
          PrimaryKey(("id",)), uniques=(Unique(("email",)),)),
    Table("products", (Column("id", "INTEGER", False), Column("price", "NUMERIC(8, 2)", False)),
          PrimaryKey(("id",)), checks=(Check("price >= 0"),)),
    Table("orders", (Column("id", "INTEGER", False), Column("user_id", "INTEGER", False),
                     Column("status", "VARCHAR(8)", False)), PrimaryKey(("id",)),
          (ForeignKey(("user_id",), "users", ("id",)),),
          checks=(Check("status IN ('open', 'paid')"),)),
    Table("order_items", (Column("order_id", "INTEGER", False), Column("line", "INTEGER", False),
                          Column("product_id", "INTEGER", False), Column("qty", "INTEGER", False)),
          PrimaryKey(("order_id", "line")),
          (ForeignKey(("order_id",), "orders", ("id",), on_delete="CASCADE"),
           ForeignKey(("product_id",), "products", ("id",))), checks=(Check("qty > 0"),)),
)


def measured(items_per_order=3, orders_per_user=5, items_per_product=3):
    links = [LinkStats("orders", ("user_id",), "users", ("id",), orders_per_user, 2.0, 10),
             LinkStats("order_items", ("order_id",), "orders", ("id",), items_per_order, 2.0, 20),
             LinkStats("order_items", ("product_id",), "products", ("id",), items_per_product,
                       2.5, 8)]
    tables = {t: TableStats(20, 60, 80, 20) for t in SCHEMA.tables}
    return Measurements(tables, {link.key: link for link in links})


def test_the_owning_parent_wins_and_referenced_tables_stay_collections():
    d = propose(SCHEMA, measured(), decimals="decimal128")
    assert d.collections == ["products", "users", "orders"]
    assert d.placement("order_items").parent == "orders"        # ON DELETE CASCADE, key prefix
    assert "orders is referenced by order_items" in " ".join(d.placement("orders").reasons)
    assert d.fields("order_items") == {"line": "line", "product_id": "product_id", "qty": "qty"}


def test_too_many_children_per_parent_is_not_embedded():
    d = propose(SCHEMA, measured(items_per_order=500), max_children=50)
    p = d.placement("order_items")
    assert p.parent == "products"                               # the other parent is bounded
    d = propose(SCHEMA, measured(items_per_order=500, items_per_product=900), max_children=50)
    assert not d.placement("order_items").embedded
    assert "up to 500 per orders row" in d.text() and "up to 900 per products row" in d.text()


def test_the_commands_are_pinned():
    d = propose(SCHEMA, measured())
    assert create_commands(d)[2] == {
        "create": "orders", "validationLevel": "strict", "validationAction": "error",
        "validator": {"$jsonSchema": {
            "bsonType": "object", "required": ["_id", "user_id", "status", "items"],
            "properties": {
                "_id": {"bsonType": ["int", "long"]},
                "user_id": {"bsonType": ["int", "long"]},
                "status": {"bsonType": "string", "maxLength": 8, "enum": ["open", "paid"]},
                "items": {"bsonType": "array", "items": {
                    "bsonType": "object", "required": ["line", "product_id", "qty"],
                    "properties": {"line": {"bsonType": ["int", "long"]},
                                   "product_id": {"bsonType": ["int", "long"]},
                                   "qty": {"bsonType": ["int", "long"],
                                           "exclusiveMinimum": 0}}}}}}}}
    price = create_commands(d)[0]["validator"]["$jsonSchema"]["properties"]["price"]
    assert price["bsonType"] == "decimal" and str(price["minimum"]) == "0"
    assert index_commands(d) == [
        {"createIndexes": "users", "indexes": [
            {"key": {"email": 1}, "name": "ux_users_email", "unique": True}]},
        {"createIndexes": "orders", "indexes": [
            {"key": {"user_id": 1}, "name": "ix_orders_user_id"},
            {"key": {"items.product_id": 1}, "name": "ix_orders_items_product_id"}]}]
    assert embedded_count_pipeline(d, "order_items") == [{"$unwind": "$items"}, {"$count": "n"}]


def test_changes_are_checked():
    d = propose(SCHEMA, measured())
    with pytest.raises(DesignError, match="'orders' already has a field 'user_id'"):
        d.embed("order_items", into="orders", as_="user_id")
    with pytest.raises(DesignError, match="cannot be a field name"):
        d.embed("order_items", into="orders", as_="$bad")
    with pytest.raises(DesignError, match="not in the design"):
        d.embed("nope", into="orders")
    d.embed("orders", into="users").embed("order_items", into="products", as_="sold")
    assert d.target_name("order_items") == "products.sold[]"
    assert d.target_name("orders") == "users.orders[]"
    again = DocumentDesign.from_dict(d.to_dict(), SCHEMA)
    assert again.to_dict() == d.to_dict()


def test_documents_and_rows_are_two_directions_of_one_mapping():
    d = propose(SCHEMA, measured(), decimals="string")
    items = {"order_items": {("i:7",): [document(d, "order_items", {"order_id": 7, "line": 1,
                                                                    "product_id": 2, "qty": 3}, {})]}}
    doc = document(d, "orders", {"id": 7, "user_id": 1, "status": "paid"}, items)
    assert doc == {"_id": 7, "user_id": 1, "status": "paid",
                   "items": [{"line": 1, "product_id": 2, "qty": 3}]}
    assert list(source_rows(d, "orders", doc)) == [
        ("orders", ("i:7", "i:1", "s:paid")), ("order_items", ("i:7", "i:1", "i:2", "i:3"))]


def test_inferred_tables_reject_what_the_sample_did_not_show():
    plans = infer_tables("c", [{"_id": 1, "a": {"b": [{"x": 1}]}}])
    assert [p.name for p in plans] == ["c", "c_a_b"]
    assert document_rows(plans, {"_id": 2, "a": {"b": [{"x": 5}]}})["c_a_b"] == [
        {"c_id": 2, "idx": 0, "x": 5}]
    with pytest.raises(Unfit, match="a string value does not fit INTEGER"):
        document_rows(plans, {"_id": 3, "a": {"b": [{"x": "five"}]}})


def test_an_embedding_that_would_pass_16_mb_is_not_proposed():
    m = measured(items_per_order=40)
    big = {**m.tables, "order_items": TableStats(20, 300_000, 500_000, 20)}
    d = propose(SCHEMA, Measurements(big, m.links))
    assert d.placement("order_items").parent == "products"     # 3 per product: ~1.4 MB
    assert "not embedded in orders: the largest orders document would be ~19.1 MB (over 16 MB)" \
        in d.text()
