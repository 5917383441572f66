"""Schema -> ER diagram (graphviz), pure and deterministic, with a text fallback.

Tables are records with typed columns (PK and FK marked); each foreign key is an edge
from the referencing table (crow's foot: many) to the referenced one (bar: one).

>>> from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table
>>> s = Schema.of(Table("orgs", (Column("id", "INTEGER", False),), PrimaryKey(("id",))),
...               Table("users", (Column("id", "INTEGER", False), Column("org_id", "INTEGER")),
...                     PrimaryKey(("id",)), (ForeignKey(("org_id",), "orgs", ("id",)),)))
>>> print(erd(s).text())
orgs
  PK id INTEGER NOT NULL
users
  PK id INTEGER NOT NULL
  FK org_id INTEGER -> orgs.id
"""
from __future__ import annotations

import hashlib
import html
import re
import shutil

import graphviz

from ..model.schema import Schema, Table


class ERDiagram(graphviz.Digraph):
    """A graphviz.Digraph whose notebook display is stable from run to run (no
    graphviz version in the SVG) and falls back to text when ``dot`` is missing."""

    def __init__(self, *args, text: str = "", **kw):
        super().__init__(*args, **kw)
        self._text = text

    def text(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return self._text or "(empty schema)"

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        """text/plain (the text form), image/svg+xml and, for notebooks opened untrusted
        (where JupyterLab shows no SVG output), text/html with the drawing as an <img>.
        Without Graphviz's ``dot``: the DOT source with a hint, in HTML."""
        from ..docs.html import diagram_html, wrap
        bundle = {"text/plain": repr(self)}
        if has_dot():
            bundle["image/svg+xml"] = stable_svg(self.pipe(format="svg", encoding="utf-8"))
        bundle["text/html"] = wrap(diagram_html(_Drawn(bundle, self.source)), "diagram")
        return bundle


class _Drawn:
    """A bundle already drawn, for docs.html.diagram_html (no second dot run)."""

    def __init__(self, bundle: dict, source: str):
        self._bundle, self.source = bundle, source

    def _repr_mimebundle_(self, *_, **__):
        return self._bundle


def has_dot() -> bool:
    """Is Graphviz's ``dot`` program installed (the Python package needs it to draw)?"""
    return shutil.which("dot") is not None


def stable_svg(svg: str) -> str:
    """Drop the comments that carry the graphviz version and the title."""
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)


def erd(schema: Schema, tables=None, highlight=()) -> ERDiagram:
    """Draw ``schema`` (or only ``tables`` and their direct neighbours by FK)."""
    chosen = _select(schema, tables)
    g = ERDiagram("erd", graph_attr={"rankdir": "LR", "fontname": "Helvetica"},
                  node_attr={"shape": "plaintext", "fontname": "Helvetica", "fontsize": "10"},
                  edge_attr={"dir": "both", "arrowtail": "crow", "arrowhead": "tee",
                             "fontsize": "9"},
                  text=_text(schema, chosen))
    for name in chosen:
        g.node(node_id(name), label=_label(schema.table(name), name in highlight))
    for name in chosen:
        for fk in schema.table(name).foreign_keys:
            if fk.ref_table in chosen:
                g.edge(_end(schema.table(name), fk.columns[0], "e"),
                       _end(schema.table(fk.ref_table),
                            fk.ref_columns[0] if fk.ref_columns else None, "w"),
                       tooltip=f"{name}({', '.join(fk.columns)}) -> {fk.ref_table}")
    return g


def _end(t: Table, column: str | None, side: str) -> str:
    """An edge end on the side (``e``/``w``) of a column's row, so the line stops at
    the row's edge instead of running through its cells; the header row when the
    column is unknown. Ports are numbered, so hostile column names cannot break it."""
    names = [c.name for c in t.columns]
    port = f"c{names.index(column)}{side}" if column in names else "h"
    return f"{node_id(t.name)}:{port}:{side}"


def node_id(name: str) -> str:
    """The node's DOT id: the table's name, unless it holds ``:`` (graphviz's port
    separator), then a stable stand-in; the label always shows the real name.

    >>> node_id("users"), node_id("a:b")
    ('users', 'table_dcea6d9c')
    """
    if ":" not in name:
        return name
    return "table_" + hashlib.sha1(name.encode()).hexdigest()[:8]


def _select(schema: Schema, tables) -> list[str]:
    if not tables:
        return sorted(schema.tables)
    wanted = {t for t in tables}
    for t in list(wanted):
        schema.table(t)  # unknown table: a clear error
        wanted |= {fk.ref_table for fk in schema.table(t).foreign_keys if schema.has_table(fk.ref_table)}
        wanted |= {other.name for other, _ in schema.referencing(t)}
    return sorted(wanted)


def _label(t: Table, highlight: bool) -> str:
    pk = set(t.primary_key.columns) if t.primary_key else set()
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    color = "#fde68a" if highlight else "#dbeafe"
    rows = [f'<tr><td bgcolor="{color}" colspan="3" port="h"><b>{html.escape(t.name)}</b></td></tr>']
    for i, c in enumerate(t.columns):
        mark = "PK" if c.name in pk else ("FK" if c.name in fk_cols else "")
        null = "" if c.nullable else " NOT NULL"
        rows.append(
            f'<tr><td align="left" port="c{i}w">{mark}</td>'
            f'<td align="left">{html.escape(c.name)}</td>'
            f'<td align="left" port="c{i}e">{html.escape(c.type)}{null}</td></tr>')
    return f'<<table border="0" cellborder="1" cellspacing="0">{"".join(rows)}</table>>'


def _text(schema: Schema, chosen: list[str]) -> str:
    lines = []
    for name in chosen:
        t = schema.table(name)
        pk = set(t.primary_key.columns) if t.primary_key else set()
        refs = {c: f"{fk.ref_table}.{fk.ref_columns[i] if i < len(fk.ref_columns) else '?'}"
                for fk in t.foreign_keys for i, c in enumerate(fk.columns)}
        lines.append(name)
        for c in t.columns:
            mark = "PK " if c.name in pk else ("FK " if c.name in refs else "")
            null = "" if c.nullable else " NOT NULL"
            ref = f" -> {refs[c.name]}" if c.name in refs else ""
            lines.append(f"  {mark}{c.name} {c.type}{null}{ref}")
    return "\n".join(lines)
