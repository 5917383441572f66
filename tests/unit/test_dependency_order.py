"""One dependency order (issue 9, point 6): the copy's table order and the document
design's read ``Schema.dependency_order``, the model's one (the order the document
design always had: the first ready table by name, cycles broken at the first name)."""
from __future__ import annotations

import random

from dbwork.data.copy.translate import fk_order
from dbwork.data.documents.design import Measurements, propose
from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table


def table(name: str, *parents: str) -> Table:
    cols = (Column("id", "INTEGER", False),) + tuple(Column(f"{p}_id", "INTEGER") for p in parents)
    fks = tuple(ForeignKey((f"{p}_id",), p, ("id",)) for p in parents)
    return Table(name, cols, PrimaryKey(("id",)), foreign_keys=fks)


# users <- orders <- items; a <-> b a cycle, c below it; notes alone
SHOP = Schema.of(table("items", "orders"), table("orders", "users"), table("users"),
                 table("a", "b"), table("b", "a"), table("c", "a"), table("notes"))


def test_the_order_puts_parents_first_and_breaks_cycles_last():
    assert SHOP.dependency_order() == ["notes", "users", "orders", "items", "a", "b", "c"]
    # keys to tables outside the ones asked for are ignored (c without a)
    assert SHOP.dependency_order(["items", "c", "users", "orders"]) == ["c", "users", "orders", "items"]


def test_copy_and_document_design_use_the_models_order():
    assert [t.name for t in fk_order(list(SHOP.tables.values()))] == SHOP.dependency_order()
    design = propose(SHOP, Measurements())
    assert list(design.placements) == SHOP.dependency_order()


def test_every_acyclic_schema_gets_a_topological_order():
    rnd = random.Random(9)
    for _ in range(300):
        names = [f"t{i}" for i in range(rnd.randint(1, 8))]
        tables = [table(n, *rnd.sample(names[:i], rnd.randint(0, min(i, 2))))
                  for i, n in enumerate(names)]
        schema = Schema.of(*rnd.sample(tables, len(tables)))
        order = schema.dependency_order()
        place = {n: i for i, n in enumerate(order)}
        assert sorted(order) == sorted(names)
        assert all(place[fk.ref_table] < place[t.name] for t in tables for fk in t.foreign_keys)


def test_a_cycle_is_broken_at_the_first_name_and_what_hangs_below_follows():
    s = Schema.of(table("x", "y"), table("y", "x"), table("child", "y"), table("z"))
    assert s.dependency_order() == ["z", "x", "y", "child"]
