"""Two whole-schema views for schemas too large for the detailed ER diagram.

- :func:`overview`: every table as a small box (its name and column count), every
  foreign key as an edge; the schema's namespace, when known, as a cluster. Readable at
  100+ tables where the detailed diagram is not; ``wb.erd()`` switches to it above
  ``DETAIL_LIMIT`` tables (``wb.erd(TABLE)`` draws the neighbourhood in detail).
- :func:`dependency_order`: tables by foreign-key depth, the order in which they can
  be created (and, reversed, dropped); tables on a reference cycle are marked.

Pure and deterministic, with a text form like the ER diagram's.

>>> from dbwork.model import ForeignKey, Schema, Table
>>> s = Schema.of(Table("users"), Table("orders", foreign_keys=(
...     ForeignKey(("user_id",), "users", ("id",)),)))
>>> print(dependency_order(s).text())
1. users
2. orders
"""
from __future__ import annotations

from ..model.schema import Schema
from .erd import ERDiagram, node_id

DETAIL_LIMIT = 40   # above this many tables, the detailed diagram stops being readable


def overview(schema: Schema) -> ERDiagram:
    """The whole schema, one small box per table, foreign keys as edges."""
    names = sorted(schema.tables)
    g = ERDiagram("overview", graph_attr={"rankdir": "LR", "fontname": "Helvetica",
                                          "concentrate": "true", "ranksep": "0.3",
                                          "nodesep": "0.15"},
                  node_attr={"shape": "box", "style": "rounded", "fontname": "Helvetica",
                             "fontsize": "9", "height": "0.2", "margin": "0.05,0.02"},
                  edge_attr={"arrowsize": "0.5", "color": "#64748b"},
                  text=_overview_text(schema, names))
    holder = g
    if schema.namespace:
        holder = graphviz_cluster(g, schema.namespace)
    for name in names:
        holder.node(node_id(name), label=f"{name} ({len(schema.table(name).columns)})",
                    tooltip=name)
    if holder is not g:
        g.subgraph(holder)
    for name in names:
        for ref in sorted({fk.ref_table for fk in schema.table(name).foreign_keys}):
            if ref in schema.tables and ref != name:
                g.edge(node_id(name), node_id(ref))
    return g


def graphviz_cluster(g: ERDiagram, label: str):
    """A cluster subgraph named for a namespace (a PostgreSQL schema)."""
    import graphviz
    c = graphviz.Digraph(name="cluster_ns")
    c.attr(label=label, style="dashed", color="#94a3b8", fontname="Helvetica")
    return c


def dependency_order(schema: Schema) -> ERDiagram:
    """Tables ranked by foreign-key depth: create top to bottom, drop bottom to top."""
    levels, cyclic = schema.dependency_levels()
    g = ERDiagram("order", graph_attr={"rankdir": "TB", "fontname": "Helvetica",
                                       "ranksep": "0.35"},
                  node_attr={"shape": "box", "style": "rounded", "fontname": "Helvetica",
                             "fontsize": "9", "height": "0.2"},
                  edge_attr={"arrowsize": "0.5", "color": "#64748b"},
                  text=_order_text(levels, cyclic))
    for i, level in enumerate(levels, 1):
        rank = f"level_{i}"
        with g.subgraph(name=rank) as r:
            r.attr(rank="same")
            r.node(rank, label=f"{i}", shape="plaintext", fontcolor="#64748b")
            for name in level:
                style = {"color": "#dc2626"} if name in cyclic else {}
                r.node(node_id(name), label=name, **style)
        if i > 1:
            g.edge(f"level_{i - 1}", rank, style="invis")
    for name in sorted(schema.tables):
        for ref in sorted({fk.ref_table for fk in schema.table(name).foreign_keys}):
            if ref in schema.tables and ref != name:
                g.edge(node_id(ref), node_id(name))
    return g


def _overview_text(schema: Schema, names: list[str]) -> str:
    lines = [f"{len(names)} tables" + (f" in {schema.namespace}" if schema.namespace else "")]
    for name in names:
        refs = sorted({fk.ref_table for fk in schema.table(name).foreign_keys} - {name})
        lines.append(f"  {name}" + (f" -> {', '.join(refs)}" if refs else ""))
    return "\n".join(lines)


def _order_text(levels: list[list[str]], cyclic: list[str]) -> str:
    lines = [f"{i}. {', '.join(level)}" for i, level in enumerate(levels, 1)]
    if cyclic:
        lines.append(f"on or below a reference cycle: {', '.join(cyclic)} "
                     "(create the tables, then add their keys)")
    return "\n".join(lines)
