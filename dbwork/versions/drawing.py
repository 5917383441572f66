"""How a migration graph looks: a text form (newest first, one line per migration)
and a graphviz drawing. Pure: nothing here opens a database.

>>> from dbwork.migration import Migration
>>> from dbwork.versions.graph import build_graph
>>> g = build_graph([Migration("1", "a"), Migration("2", "b", parent="1"),
...                  Migration("3", "c", parent="1"), Migration("4", "merge", parents=("2", "3"))],
...                 {"1": "applied", "2": "applied", "3": "applied", "4": "applied"})
>>> print(graph_text(g))
1 head: 4
* 4  merge  applied  <- 2, 3  head, merge
* 3  c      applied  <- 1
* 2  b      applied  <- 1
* 1  a      applied           branch point
"""
from __future__ import annotations

import html

_FILL = {"applied": "#d8f0d8", "pending": "#ffffff", "rolled_back": "#eeeeee",
         "failed": "#f8d0d0", "running": "#fff0c0"}


def graph_text(g) -> str:
    if not g.nodes:
        return "no migrations"
    heads = g.heads
    lines = [f"{len(heads)} head{'s (branches to merge)' if len(heads) > 1 else ''}: "
             f"{', '.join(heads)}"]
    order = list(reversed(g.order()))
    name_w = max(len(g.nodes[v].name) for v in order)
    ver_w = max(len(v) for v in order)
    status_w = max(len(g.nodes[v].status) for v in order)
    parent_w = max(len(_parents(g.nodes[v])) for v in order)
    late = set(g.out_of_order())
    for v in order:
        n = g.nodes[v]
        line = (f"* {v.ljust(ver_w)}  {n.name.ljust(name_w)}  {n.status.ljust(status_w)}  "
                f"{_parents(n).ljust(parent_w)}  {', '.join(_marks(g, v, heads, late))}")
        lines.append(line.rstrip())
    return "\n".join(lines)


def _parents(n) -> str:
    return ("<- " + ", ".join(n.parents)) if n.parents else ""


def _marks(g, v: str, heads, late) -> list[str]:
    n = g.nodes[v]
    marks = []
    if v in heads:
        marks.append("head")
    if len(n.parents) > 1:
        marks.append("merge")
    if len(g.children.get(v, ())) > 1:
        marks.append("branch point")
    if n.replaces:
        marks.append(f"squash of {len(n.replaces)}")
    if v in late:
        marks.append("out of order")
    return marks


def graph_digraph(g):
    """graphviz.Digraph: one box per migration, an arrow from parent to child."""
    import graphviz
    d = graphviz.Digraph("migrations", graph_attr={"rankdir": "BT", "fontsize": "10"},
                         node_attr={"shape": "box", "fontname": "Helvetica", "fontsize": "10",
                                    "style": "rounded,filled"})
    heads, late = set(g.heads), set(g.out_of_order())
    for v in g.order():
        n = g.nodes[v]
        marks = _marks(g, v, heads, late)
        label = f"{n.name}\\n{v}\\n{n.status}" + (f"\\n{', '.join(marks)}" if marks else "")
        style = "rounded,filled" + (",dashed" if n.status != "applied" else "") + \
            (",bold" if v in heads else "")
        d.node(v, label, fillcolor=_FILL.get(n.status, "#ffffff"), style=style,
               color="#b00000" if v in late else "#333333")
        for p in n.parents:
            d.edge(p, v)
    return d


def graph_bundle(g) -> dict:
    """text/plain (the text form), text/html (the text in a <pre>, with the drawing
    when graphviz's dot is installed) and image/svg+xml when it is."""
    text = graph_text(g)
    bundle = {"text/plain": text}
    svg = _svg(g)
    body = f"<pre>{html.escape(text)}</pre>"
    if svg:
        bundle["image/svg+xml"] = svg
    bundle["text/html"] = f"<div><b>migration graph</b>{body}</div>"
    return bundle


def _svg(g) -> str | None:
    try:
        return g.draw().pipe(format="svg").decode("utf-8")
    except Exception:  # noqa: BLE001 - no dot binary, or no graphviz package: text only
        return None
