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
from .changes import note_kind


class ERDiagram(graphviz.Digraph):
    """A graphviz.Digraph whose notebook display is stable from run to run (no
    graphviz version in the SVG) and falls back to text when ``dot`` is missing."""

    def __init__(self, *args, text: str = "", **kw):
        super().__init__(*args, **kw)
        self._text = text
        self.changes = None  # the ChangeMarks drawn on it, if any

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


def erd(schema: Schema, tables=None, highlight=(), changes=None) -> ERDiagram:
    """Draw ``schema`` (or only ``tables`` and their direct neighbours by FK).

    ``changes`` (:class:`dbwork.graphs.changes.ChangeMarks`): what a migration did,
    marked per column (added, changed, renamed; dropped columns and tables struck
    through, drawn from what the operations carried) with a legend of the kinds shown.
    """
    chosen = _select(schema, tables)
    dropped = [t for t in (changes.dropped_tables() if changes else [])
               if t.name not in schema.tables]
    g = ERDiagram("erd", graph_attr={"rankdir": "LR", "fontname": "Helvetica"},
                  node_attr={"shape": "plaintext", "fontname": "Helvetica", "fontsize": "10"},
                  edge_attr={"dir": "both", "arrowtail": "crow", "arrowhead": "tee",
                             "fontsize": "9"},
                  text=_text(schema, chosen, changes, dropped))
    for name in chosen:
        g.node(node_id(name), label=_label(schema.table(name), name in highlight, changes))
    for t in dropped:
        g.node(node_id(t.name), label=_label(t, True, changes))
    for name in chosen:
        for fk in schema.table(name).foreign_keys:
            if fk.ref_table in chosen:
                g.edge(_end(schema.table(name), fk.columns[0], "e"),
                       _end(schema.table(fk.ref_table),
                            fk.ref_columns[0] if fk.ref_columns else None, "w"),
                       tooltip=f"{name}({', '.join(fk.columns)}) -> {fk.ref_table}")
    if changes:
        _legend(g, changes.kinds())
    g.changes = changes
    return g


# what each kind of change looks like: a fill both themes read on the diagram's white
# ground, and a sign that still reads in grey print and in the text form
MARK_STYLE = {"added": ("#bbf7d0", "+"), "changed": ("#fde68a", "~"),
              "renamed": ("#c7d2fe", ">"), "dropped": ("#fecaca", "-")}


def _legend(g: ERDiagram, kinds: list[str]) -> None:
    if not kinds:
        return
    cells = "".join(f'<td bgcolor="{MARK_STYLE[k][0]}">{html.escape(MARK_STYLE[k][1])} {k}</td>'
                    for k in kinds)
    g.node("_dbwork_legend", shape="plaintext", fontsize="9",
           label=f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
                 f'<tr><td><i>changes</i></td>{cells}</tr></table>>')


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


def _label(t: Table, highlight: bool, changes=None) -> str:
    pk = set(t.primary_key.columns) if t.primary_key else set()
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    marks = changes.tables.get(t.name) if changes else None
    state = marks.state if marks else None
    color = (MARK_STYLE[state][0] if state in MARK_STYLE
             else "#fde68a" if highlight or marks else "#dbeafe")
    title = f"<b>{html.escape(t.name)}</b>"
    if state == "dropped":
        title = f"<s>{title}</s> <i>(dropped)</i>"
    elif marks and marks.old_name:
        title += f" <i>(was {html.escape(marks.old_name)})</i>"
    elif state == "added":
        title += " <i>(new)</i>"
    rows = [f'<tr><td bgcolor="{color}" colspan="3" port="h">{title}</td></tr>']
    for i, c in enumerate(t.columns):
        kind = "dropped" if state == "dropped" else (changes.column(t.name, c.name)
                                                     if changes else None)
        rows.append(_row(c, "PK" if c.name in pk else ("FK" if c.name in fk_cols else ""),
                         kind, changes.renamed_from(t.name, c.name) if changes else None,
                         i))
    if marks and state != "dropped":
        rows += [_row(c, "", "dropped", None, None) for c in marks.dropped]
        rows += [f'<tr><td colspan="3" align="left" bgcolor="{MARK_STYLE[note_kind(n)][0]}">'
                 f"<i>{html.escape(n)}</i></td></tr>" for n in marks.notes]
    return f'<<table border="0" cellborder="1" cellspacing="0">{"".join(rows)}</table>>'


def _row(c, mark: str, kind: str | None, old: str | None, i: int | None) -> str:
    """One column's row; ``i`` numbers its ports (None: a dropped column, no edges)."""
    null = "" if c.nullable else " NOT NULL"
    name, typ = html.escape(c.name), f"{html.escape(c.type)}{null}"
    if kind == "dropped":
        name, typ = f"<s>{name}</s>", f"<s>{typ}</s>"
    if old:
        name += f" <i>(was {html.escape(old)})</i>"
    fill = f' bgcolor="{MARK_STYLE[kind][0]}"' if kind in MARK_STYLE else ""
    sign = f"{html.escape(MARK_STYLE[kind][1])} " if kind in MARK_STYLE else ""
    west = f' port="c{i}w"' if i is not None else ""
    east = f' port="c{i}e"' if i is not None else ""
    return (f'<tr><td align="left"{west}{fill}>{sign}{mark}</td>'
            f'<td align="left"{fill}>{name}</td>'
            f'<td align="left"{east}{fill}>{typ}</td></tr>')


def _text(schema: Schema, chosen: list[str], changes=None, dropped=()) -> str:
    lines = []
    for t in [schema.table(n) for n in chosen] + list(dropped):
        lines += _table_text(t, changes)
    if changes and changes.kinds():
        lines.append("(changes: " + ", ".join(f"{MARK_STYLE[k][1]} {k}"
                                               for k in changes.kinds()) + ")")
    return "\n".join(lines)


def _table_text(t: Table, changes=None) -> list[str]:
    marks = changes.tables.get(t.name) if changes else None
    pk = set(t.primary_key.columns) if t.primary_key else set()
    refs = {c: f"{fk.ref_table}.{fk.ref_columns[i] if i < len(fk.ref_columns) else '?'}"
            for fk in t.foreign_keys for i, c in enumerate(fk.columns)}
    head = t.name
    if marks and marks.state == "dropped":
        head += " (dropped)"
    elif marks and marks.old_name:
        head += f" (was {marks.old_name})"
    elif marks and marks.state == "added":
        head += " (new)"
    lines = [head]
    for c in t.columns:
        kind = "dropped" if marks and marks.state == "dropped" else (
            changes.column(t.name, c.name) if changes else None)
        mark = "PK " if c.name in pk else ("FK " if c.name in refs else "")
        null = "" if c.nullable else " NOT NULL"
        ref = f" -> {refs[c.name]}" if c.name in refs else ""
        old = changes.renamed_from(t.name, c.name) if changes else None
        sign = f"{MARK_STYLE[kind][1]} " if kind in MARK_STYLE else ""
        whole = marks is not None and marks.state in ("added", "dropped")
        tail = "" if not kind or whole else f" ({kind}{f' from {old}' if old else ''})"
        lines.append(f"  {sign}{mark}{c.name} {c.type}{null}{ref}{tail}")
    if marks and marks.state != "dropped":
        lines += [f"  - {c.name} {c.type} (dropped)" for c in marks.dropped]
        lines += [f"  {n}" for n in marks.notes]
    return lines
