"""Whole-schema views: the overview of a large schema and the foreign-key creation order
(pure), and the Workbench choosing the overview above the detail limit (SQLite)."""
import re

import pytest

import dbwork
from dbwork.errors import DbworkError
from dbwork.graphs.erd import has_dot
from dbwork.graphs.overview import DETAIL_LIMIT, dependency_order, overview
from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table


def shop(n_products: int = 0) -> Schema:
    pk = PrimaryKey(("id",))
    idc = Column("id", "INTEGER", False)
    tables = [
        Table("users", (idc,), pk),
        Table("orders", (idc, Column("user_id", "INTEGER")), pk,
              (ForeignKey(("user_id",), "users", ("id",)),)),
        Table("order items", (idc, Column("order_id", "INTEGER")), pk,
              (ForeignKey(("order_id",), "orders", ("id",)),)),
        Table("employees", (idc, Column("boss_id", "INTEGER")), pk,
              (ForeignKey(("boss_id",), "employees", ("id",)),)),   # self-reference
        Table("a", (idc, Column("b_id", "INTEGER")), pk, (ForeignKey(("b_id",), "b", ("id",)),)),
        Table("b", (idc, Column("a_id", "INTEGER")), pk, (ForeignKey(("a_id",), "a", ("id",)),)),
        Table("c", (idc, Column("a_id", "INTEGER")), pk, (ForeignKey(("a_id",), "a", ("id",)),)),
    ]
    tables += [Table(f"product_{i:03}", (idc, Column("user_id", "INTEGER")), pk,
                     (ForeignKey(("user_id",), "users", ("id",)),)) for i in range(n_products)]
    return Schema.of(*tables)


def test_dependency_levels_put_parents_first_and_name_cycles():
    levels, cyclic = shop().dependency_levels()
    assert levels[0] == ["employees", "users"]
    assert levels[1] == ["orders"] and levels[2] == ["order items"]
    assert cyclic == ["a", "b", "c"] and levels[-1] == cyclic


def test_order_diagram_text_and_edges():
    g = dependency_order(shop())
    assert g.text().splitlines() == [
        "1. employees, users", "2. orders", "3. order items", "4. a, b, c",
        "on or below a reference cycle: a, b, c (create the tables, then add their keys)"]
    assert "users -> orders" in g.source and '"order items"' in g.source
    assert "employees -> employees" not in g.source


def test_overview_of_a_large_schema_is_one_box_per_table():
    s = shop(120)
    g = overview(s)
    boxes = re.findall(r"label=\"([^\"]+) \((\d+)\)\"", g.source)
    assert len(boxes) == len(s.tables) == 127
    assert g.text().startswith("127 tables") and "  orders -> users" in g.text()
    assert g.source == overview(shop(120)).source  # deterministic
    if has_dot():
        svg = g._repr_mimebundle_()["image/svg+xml"]
        assert svg.count('class="node"') == 127


def test_namespace_is_a_cluster():
    s = Schema(shop().tables, namespace="sales")
    g = overview(s)
    assert "subgraph cluster_ns" in g.source and "label=sales" in g.source


@pytest.fixture
def wb(tmp_path):
    w = dbwork.connect(f"sqlite:///{tmp_path}/big.sqlite", tmp_path / "migrations")
    yield w
    w.close()


def test_workbench_switches_to_the_overview_above_the_limit(wb):
    tables = "\n".join(f"CREATE TABLE t{i:03} (id INTEGER PRIMARY KEY, p INTEGER "
                       f"REFERENCES t000(id));" for i in range(DETAIL_LIMIT + 1))
    wb.migrate("many", "CREATE TABLE t000 (id INTEGER PRIMARY KEY);\n" +
               tables.split("\n", 1)[1])
    assert wb.erd().text().startswith(f"{DETAIL_LIMIT + 1} tables")
    detail = wb.erd(["t005"])
    assert "PK id INTEGER" in detail.text() and "t000" in detail.text()
    assert wb.erd(view="details").text().count("PK id") == DETAIL_LIMIT + 1
    assert wb.erd(view="order").text().startswith("1. t000\n2. t001, t002")
    with pytest.raises(DbworkError, match="unknown view"):
        wb.erd(view="sideways")
