"""A document design drawn with graphviz: one box per collection listing its fields,
embedded documents nested (indented, their array field marked ``[]``), and an edge
for each reference from a field to the collection that holds its parent. Pure; the
text form is the design's own ``text()``.
"""
from __future__ import annotations

import html

from ...graphs.erd import ERDiagram, node_id
from .values import bson_type


def design_diagram(design) -> ERDiagram:
    g = ERDiagram("documents", graph_attr={"rankdir": "LR", "fontname": "Helvetica"},
                  node_attr={"shape": "plaintext", "fontname": "Helvetica", "fontsize": "10"},
                  edge_attr={"fontsize": "9", "arrowhead": "vee"}, text=design.text())
    for root in design.collections:
        g.node(node_id(root), label=_label(design, root))
    for table in design.tables:
        for fk in design.table(table).foreign_keys:
            p = design.placement(table)
            if p.embedded and tuple(fk.columns) == tuple(p.fk.columns):
                continue
            if fk.ref_table not in design.placements:
                continue
            path = design.field_path(table)
            label = ".".join(x for x in (path, ", ".join(fk.columns)) if x)
            g.edge(node_id(design.root_of(table)), node_id(design.root_of(fk.ref_table)),
                   label=html.escape(label), style="dashed")
    return g


def _label(design, root: str) -> str:
    rows = [f'<tr><td bgcolor="#dcfce7" colspan="2"><b>{html.escape(root)}</b> '
            f'({design.measurements.table(root).rows})</td></tr>']
    rows += _rows(design, root, 0)
    return f'<<table border="0" cellborder="1" cellspacing="0">{"".join(rows)}</table>>'


def _rows(design, table: str, depth: int) -> list[str]:
    t = design.table(table)
    pad = "&nbsp;" * (4 * depth)
    out = []
    for col, name in design.fields(table).items():
        kind = bson_type(t.column(col).type, design.decimals) or "any"
        out.append(f'<tr><td align="left">{pad}{html.escape(name)}</td>'
                   f'<td align="left">{html.escape(kind)}</td></tr>')
    for child in design.children(table):
        mark = "[]" if child.many else "{}"
        out.append(f'<tr><td align="left" bgcolor="#fef9c3">{pad}<b>{html.escape(child.field)}'
                   f'{mark}</b></td><td align="left" bgcolor="#fef9c3">'
                   f'{html.escape(child.table)}</td></tr>')
        out += _rows(design, child.table, depth + 1)
    return out
