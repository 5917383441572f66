"""DocumentSchema -> diagram (graphviz), pure and deterministic, with a text form.

A collection is a record of its top-level fields with their types; an embedded
document is its own node linked by a diamond edge ("embeds"); a field named
``<name>_id`` / ``<name>Id`` whose name matches another collection is drawn as a dashed
reference (a guess, labelled so).

>>> from dbwork.model.documents import Collection, DocumentSchema, FieldStat
>>> s = DocumentSchema("shop", {
...     "customers": Collection("customers", fields=(FieldStat("_id", {"objectId": 2}, 2, 2),)),
...     "orders": Collection("orders", fields=(FieldStat("customer_id", {"objectId": 2}, 2, 2),
...                                             FieldStat("ship", {"object": 2}, 2, 2),
...                                             FieldStat("ship.city", {"string": 2}, 2, 2)))})
>>> print(erd(s).text())
customers
  _id objectId
orders
  customer_id objectId -> customers (guessed)
  ship object
    ship.city string
"""
from __future__ import annotations

import html
import re

from .erd import ERDiagram


def erd(schema, tables=None, highlight=()) -> ERDiagram:
    """Draw ``schema`` (or only ``tables`` and the collections they reference)."""
    chosen = _select(schema, tables)
    g = ERDiagram("documents", graph_attr={"rankdir": "LR", "fontname": "Helvetica"},
                  node_attr={"shape": "plaintext", "fontname": "Helvetica", "fontsize": "10"},
                  edge_attr={"fontsize": "9"}, text=_text(schema, chosen))
    for name in chosen:
        c = schema.collection(name)
        g.node(_node(name), label=_label(name, _top(c.fields, ""), name in highlight))
        for f in c.fields:
            if "object" in f.types and _children(c.fields, f.path):
                g.node(_node(f"{name}.{f.path}"), label=_label(
                    f"{name}.{f.path}", _children(c.fields, f.path), False, embedded=True))
                parent = f.path.rsplit(".", 1)[0] if "." in f.path else ""
                src = _node(f"{name}.{parent}") if parent else _node(name)
                g.edge(src, _node(f"{name}.{f.path}"), arrowtail="diamond", dir="back",
                       label="embeds")
        for f, target in references(schema, name):
            if target in chosen:
                g.edge(_node(name), _node(target), style="dashed", label=f"{f} (guessed)")
    return g


def references(schema, name: str) -> list[tuple[str, str]]:
    """(field, collection) pairs guessed from ``<x>_id`` / ``<x>Id`` field names."""
    out = []
    for f in schema.collection(name).fields:
        leaf = f.path.split(".")[-1].replace("[]", "")
        m = re.fullmatch(r"(.+?)(?:_id|Id|_ids|Ids)", leaf)
        if not m or leaf == "_id":
            continue
        target = _match(schema, m.group(1))
        if target and target != name:
            out.append((f.path, target))
    return out


def _match(schema, stem: str) -> str | None:
    stem = stem.lower()
    for cand in (stem, stem + "s", stem + "es", stem[:-1] + "ies" if stem.endswith("y") else None):
        for n in schema.collections:
            if cand and n.lower() == cand:
                return n
    return None


def _select(schema, tables) -> list[str]:
    if not tables:
        return sorted(schema.collections)
    wanted = set(tables)
    for t in list(wanted):
        schema.collection(t)  # unknown: a clear error
        wanted |= {target for _, target in references(schema, t)}
    return sorted(wanted)


def _top(fields, prefix: str):
    return [f for f in fields if "." not in f.path.replace("[]", "")]


def _children(fields, path: str):
    return [f for f in fields if f.path.startswith(path + ".") and
            "." not in f.path[len(path) + 1:].replace("[]", "")]


def _node(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _label(title: str, fields, highlight: bool, embedded: bool = False) -> str:
    color = "#fde68a" if highlight else ("#ede9fe" if embedded else "#dcfce7")
    rows = [f'<tr><td bgcolor="{color}" colspan="2"><b>{html.escape(title)}</b></td></tr>']
    for f in fields:
        opt = "?" if f.optional else ""
        rows.append(f'<tr><td align="left">{html.escape(f.path.split(".")[-1])}{opt}</td>'
                    f'<td align="left">{html.escape(" | ".join(sorted(f.types)))}</td></tr>')
    return f'<<table border="0" cellborder="1" cellspacing="0">{"".join(rows)}</table>>'


def _text(schema, chosen) -> str:
    lines = []
    for name in chosen:
        refs = dict(references(schema, name))
        lines.append(name)
        for f in schema.collection(name).fields:
            indent = "  " * (1 + f.depth)
            ref = f" -> {refs[f.path]} (guessed)" if f.path in refs else ""
            opt = " (optional)" if f.optional else ""
            lines.append(f"{indent}{f.path} {' | '.join(sorted(f.types))}{opt}{ref}")
    return "\n".join(lines)
