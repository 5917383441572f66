"""The widgets' static views (pure): the migrations listing merges history with pending
files, counts statuses, escapes hostile names; the browser reads SQL tables and MongoDB
collections alike."""
from types import SimpleNamespace as NS

from dbwork.docs.panels import (browser_html, browser_text, migration_rows, migrations_html,
                                migrations_text, object_html)
from dbwork.model import Column, ForeignKey, Index, PrimaryKey, Schema, Table
from dbwork.model.documents import Collection, DocumentSchema, FieldStat, IndexSpec


def test_rows_merge_history_and_files_oldest_first():
    history = [{"version": "2", "name": "b", "status": "rolled_back", "applied_at": "t2"},
               {"version": "1", "name": "a", "status": "applied", "applied_at": "t1"}]
    files = [NS(version="2", name="b", status="rolled_back"), NS(version="3", name="c",
                                                                 status="planned")]
    rows = migration_rows(history, files)
    assert [(r["version"], r["status"]) for r in rows] == [("1", "applied"),
                                                           ("2", "rolled_back"), ("3", "pending")]
    assert migrations_text(rows).splitlines()[0] == \
        "migrations: 1 applied, 1 rolled back, 1 pending"
    assert migrations_text([]) == "migrations: none yet"


def test_hostile_names_are_escaped():
    rows = [{"version": "1", "name": "<script>x</script>", "status": "applied", "applied_at": ""}]
    html = migrations_html(rows, target="sqlite:///a<b>.db", last_html="")
    assert "<script>" not in html and "&lt;script&gt;" in html and "a&lt;b&gt;" in html


def test_browser_reads_tables():
    s = Schema.of(Table("orgs", (Column("id", "INTEGER", False),), PrimaryKey(("id",))),
                  Table("users", (Column("id", "INTEGER", False), Column("org_id", "INTEGER")),
                        PrimaryKey(("id",)), (ForeignKey(("org_id",), "orgs", ("id",)),),
                        indexes=(Index("ix_users_org", "users", ("org_id",)),)))
    assert browser_text(s, "orgs").splitlines() == ["schema browser: 2 table(s)",
                                                    "  > orgs", "    users"]
    assert "referenced by: <code>users</code>" in object_html(s, "orgs")
    assert "FK → orgs.id" in object_html(s, "users") and "ix_users_org" in object_html(s, "users")
    assert "around users" in browser_html(s, "users", '<img src="x">')


def test_browser_reads_collections():
    orders = Collection("orders", indexes=(IndexSpec("sku_1", (("sku", 1),), {"unique": True}),),
                        fields=(FieldStat("sku", {"string": 3}, 3, 3),
                                FieldStat("ship.city", {"string": 2}, 2, 3)), documents=3,
                        sampled=3)
    s = DocumentSchema("shop", {"orders": orders})
    assert browser_text(s, "orders").splitlines()[0] == "schema browser: 1 collection(s)"
    html = object_html(s, "orders")
    assert "3 document(s)" in html and "ship.city" in html and "optional" in html
    assert "sku_1 {sku: 1} (unique)" in html
