"""MongoDB -> SQL (SQLite and PostgreSQL) from the stand-in: tables inferred from the
documents (nested objects flattened, arrays into child tables with a foreign key,
mixed types reported), created, copied, validated, resumed; a document the sample did
not foresee is rejected by _id, never silently dropped."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from dbwork.data.documents import copy_from_documents
from dbwork.data.documents import from_documents
from dbwork.errors import ConfigError, DocumentCopyRefused

ORDERS = [
    {"_id": 1, "sku": "apple", "qty": 3, "ship": {"city": "Oslo", "zip": "0150"},
     "tags": ["x", "y"], "lines": [{"n": 1, "price": 2.5, "opts": ["big"]}, {"n": 2, "price": 1.0}],
     "at": dt.datetime(2024, 1, 2, 3, 4, 5, 678000), "paid": True},
    {"_id": 2, "sku": "pear", "qty": 1.5, "note": "gift", "paid": False},
    {"_id": 3, "sku": "plum", "qty": 7, "ship": {"city": "Bergen"}, "tags": [], "paid": True},
]


@pytest.fixture
def docs(mwb):
    mwb.backend.db.orders.insert_many([dict(d) for d in ORDERS])
    mwb.backend.db.people.insert_many([{"_id": f"p{i}", "name": f"P{i}", "age": 20 + i}
                                       for i in range(25)])
    return mwb


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def sql(request, make_wb):
    return make_wb(request.param)


def _rows(wb, table, order):
    with wb.backend.engine.connect() as c:
        return [tuple(r) for r in c.execute(sa.text(f"SELECT * FROM {table} ORDER BY {order}"))]


def test_collections_become_tables_with_child_tables_and_validate(docs, sql):
    report = copy_from_documents(docs, sql, progress=False)
    assert report.ok, report
    got = {(t.name, t.target_name): (t.read, t.written, t.checksum_match) for t in report.tables}
    assert got[("orders", "orders")] == (3, 3, True)
    assert got[("orders.tags[]", "orders_tags")] == (2, 2, True)
    assert got[("orders.lines[]", "orders_lines")] == (2, 2, True)
    assert got[("orders.lines.opts[]", "orders_lines_opts")] == (1, 1, True)
    assert got[("people", "people")] == (25, 25, True)
    schema = sql.schema()
    orders = schema.table("orders")
    assert [c.name for c in orders.columns] == ["_id", "sku", "qty", "ship_city", "ship_zip",
                                                "at", "paid", "note"]
    assert not orders.column("sku").nullable and orders.column("note").nullable
    opts = schema.table("orders_lines_opts")
    assert opts.primary_key.columns == ("orders_id", "lines_idx", "idx")
    assert opts.foreign_keys[0].ref_table == "orders_lines"
    assert _rows(sql, "orders_tags", "orders_id, idx") == [(1, 0, "x"), (1, 1, "y")]
    assert any("orders.qty: mixed types double (1), int (2): stored as DOUBLE" in w
               for w in report.warnings)
    assert "CREATE TABLE orders_lines_opts" in report.scripts["tables.sql"]


def test_a_document_the_sample_did_not_show_is_rejected_by_id(docs, sql):
    docs.backend.db.people.insert_one({"_id": "zz", "name": "late", "age": 1, "extra": {"x": 1}})
    report = copy_from_documents(docs, sql, tables=["people"], progress=False, sample=10)
    people = report.table("people")
    assert not report.ok and people.rejected == 1 and people.rejected_keys == ["zz"]
    assert "field extra.x was not in the sample" in people.errors[0]
    assert people.read == 26 and people.written == 25


def test_validation_catches_an_altered_row(docs, sql):
    assert copy_from_documents(docs, sql, progress=False).ok
    docs.backend.db.people.update_one({"_id": "p3"}, {"$set": {"age": 99}})
    again = copy_from_documents(docs, sql, progress=False)
    people = again.table("people")
    assert not again.ok and people.checksum_match is False
    assert any("age: expected 99, found 23" in e for e in people.errors)


def test_a_stopped_copy_resumes_exactly(docs, sql, monkeypatch):
    real, pages = from_documents.document_rows, []

    def stop_in_the_third_page(plans, doc):
        if plans[0].collection == "people" and doc["_id"] == "p20":
            raise KeyboardInterrupt
        return real(plans, doc)

    monkeypatch.setattr(from_documents, "document_rows", stop_in_the_third_page)
    with pytest.raises(KeyboardInterrupt):
        copy_from_documents(docs, sql, tables=["people"], progress=False, batch=5)
    assert len(_rows(sql, "people", "_id")) == 10   # two pages of 5 committed (p0, p1, p10..p17)
    assert _rows(sql, "people", "_id")[-1][0] == "p17"
    monkeypatch.setattr(from_documents, "document_rows", real)
    report = copy_from_documents(docs, sql, tables=["people"], progress=False, batch=5)
    assert report.ok, report
    people = report.table("people")
    assert (people.resumed_from, people.written, people.read) == (10, 15, 25)
    assert len(_rows(sql, "people", "_id")) == 25


def test_a_table_holding_other_rows_is_refused(docs, sql):
    with sql.backend.engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE people (_id VARCHAR(20) PRIMARY KEY)")
        c.exec_driver_sql("INSERT INTO people VALUES ('mine')")
    with pytest.raises(DocumentCopyRefused, match="people already exists"):
        copy_from_documents(docs, sql, progress=False)
    with pytest.raises(ConfigError, match="no collection 'nope'"):
        copy_from_documents(docs, sql, tables=["nope"], progress=False)


def test_a_nested_object_can_be_split_into_a_table_of_its_own(docs, sql):
    report = copy_from_documents(docs, sql, tables=["orders"], split=["orders.ship"],
                                 progress=False)
    assert report.ok, report
    assert report.table("orders.ship").target_name == "orders_ship"
    schema = sql.schema()
    assert not schema.table("orders").has_column("ship_city")
    ship = schema.table("orders_ship")
    assert ship.primary_key.columns == ("orders_id",)
    assert ship.foreign_keys[0].ref_table == "orders"
    assert _rows(sql, "orders_ship", "orders_id") == [(1, "Oslo", "0150"), (3, "Bergen", None)]
    assert any("split into orders_ship" in w for w in report.warnings)


def test_validation_catches_a_row_lost_or_altered_in_the_target(docs, sql):
    """The SQL side tampered with after the copy: one row deleted, one value changed;
    running the copy again validates it and says so."""
    assert copy_from_documents(docs, sql, tables=["people"], progress=False).ok
    with sql.backend.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM people WHERE _id = 'p7'")
        c.exec_driver_sql("UPDATE people SET name = 'changed' WHERE _id = 'p8'")
    again = copy_from_documents(docs, sql, tables=["people"], progress=False)
    people = again.table("people")
    assert not again.ok and people.checksum_match is False, again
