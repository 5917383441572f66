"""What the notebook widgets show when no widget can run: a saved notebook opened
untrusted, on GitHub or nbviewer, an nbconvert HTML export. Pure HTML (it survives
JupyterLab's sanitizer, see docs.html) and short text, from plain values.

>>> rows = [{"version": "20260101000000", "name": "init", "status": "applied",
...          "applied_at": "2026-01-01T00:00:00Z"},
...         {"version": "20260102000000", "name": "add_bio", "status": "pending",
...          "applied_at": None}]
>>> print(migrations_text(rows))
migrations: 1 applied, 1 pending
  20260101000000 init [applied]
  20260102000000 add_bio [pending]
>>> "add_bio" in migrations_html(rows) and "<svg" not in migrations_html(rows)
True
"""
from __future__ import annotations

from .html import STATUS_COLOR, details, e, table, wrap

STATUS_COLOR_PANEL = {**STATUS_COLOR, "pending": "#6b7280", "reverted": "#8b5cf6"}
LIVE_HINT = ("this is a saved view: run the cell with a kernel to plan, rehearse, apply or "
             "roll back from the panel (or use %%migrate, %rollback)")


# -- the migration panel -------------------------------------------------------------
def migration_rows(history_rows, pending) -> list[dict]:
    """One row per migration, oldest first: history's latest state, then the files not
    applied yet ("pending"; a file rolled back on purpose stays "rolled_back").

    >>> from types import SimpleNamespace as NS
    >>> [r["status"] for r in migration_rows(
    ...     [{"version": "1", "name": "a", "status": "applied", "applied_at": "t"}],
    ...     [NS(version="2", name="b", status="planned")])]
    ['applied', 'pending']
    """
    rows = {r["version"]: dict(r) for r in history_rows}
    for m in pending:
        if m.version not in rows:
            status = "pending" if m.status == "planned" else m.status
            rows[m.version] = {"version": m.version, "name": m.name, "status": status,
                               "applied_at": None}
    return [rows[v] for v in sorted(rows)]


def migrations_text(rows: list[dict]) -> str:
    """The panel as text: counts by status, then one line per migration.

    >>> migrations_text([])
    'migrations: none yet'
    """
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    head = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items()) or "none yet"
    return "\n".join([f"migrations: {head}"] +
                     [f"  {r['version']} {r['name']} [{r['status']}]" for r in rows])


def migrations_table(rows: list[dict]) -> str:
    """The migrations as an HTML table, each status in its colour.

    >>> migrations_table([])
    '<p><i>no migrations yet</i></p>'
    """
    if not rows:
        return "<p><i>no migrations yet</i></p>"
    body = "".join(
        f"<tr><td><code>{e(r['version'])}</code></td><td>{e(r['name'])}</td>"
        f'<td style="color:{STATUS_COLOR_PANEL.get(r["status"], "#6b7280")}">'
        f"<b>{e(r['status'])}</b></td><td>{e(r.get('applied_at') or '')}</td></tr>"
        for r in rows)
    head = "<tr><th>version</th><th>name</th><th>status</th><th>applied at</th></tr>"
    return f'<table class="dbwork-table"><thead>{head}</thead><tbody>{body}</tbody></table>'


def migrations_html(rows: list[dict], target: str = "", last_html: str = "") -> str:
    """The panel's static view: the target, the migrations with their status, the last
    result (a card) when there is one, and how to act from a live notebook."""
    parts = [f'<h4 style="margin:4px 0">migrations{f" on <code>{e(target)}</code>" if target else ""}'
             f"</h4>", migrations_table(rows)]
    if last_html:
        parts.append(details("<b>last result</b>", last_html, True))
    parts.append(f"<p><small><i>{e(LIVE_HINT)}</i></small></p>")
    return wrap("\n".join(parts), "panel")


# -- the schema browser --------------------------------------------------------------
def object_names(schema) -> list[str]:
    """Tables (SQL) or collections (MongoDB), sorted.

    >>> from dbwork.model import Column, Schema, Table
    >>> object_names(Schema.of(Table("b", (Column("x", "INTEGER"),)),
    ...                        Table("a", (Column("x", "INTEGER"),))))
    ['a', 'b']
    """
    found = getattr(schema, "tables", None)
    found = found() if callable(found) else found
    return sorted(found or {})


def object_html(schema, name: str) -> str:
    """One table's columns, keys, indexes and who references it; or one collection's
    fields and indexes.

    >>> from dbwork.model import Column, Schema, Table
    >>> "<td>x</td>" in object_html(Schema.of(Table("a", (Column("x", "INTEGER"),))), "a")
    True
    """
    if hasattr(schema, "collections"):
        return _collection_html(schema.collection(name))
    t = schema.table(name)
    pk = set(t.primary_key.columns) if t.primary_key else set()
    refs = {c: f"{fk.ref_table}.{fk.ref_columns[i] if i < len(fk.ref_columns) else '?'}"
            for fk in t.foreign_keys for i, c in enumerate(fk.columns)}
    rows = [[c.name, c.type, "" if c.nullable else "NOT NULL",
             "PK" if c.name in pk else (f"FK → {refs[c.name]}" if c.name in refs else ""),
             "" if c.default is None else c.default] for c in t.columns]
    parts = [f"<b>{e(name)}</b> <small>{len(t.columns)} column(s)</small>",
             table(["column", "type", "null", "key", "default"], rows)]
    if t.indexes:
        parts.append("<b>indexes</b>" + table(
            ["index", "columns", "unique"],
            [[i.name, ", ".join(i.columns), "unique" if i.unique else ""] for i in t.indexes]))
    by = sorted({other.name for other, _ in schema.referencing(name)})
    if by:
        parts.append(f"<p>referenced by: {', '.join(f'<code>{e(b)}</code>' for b in by)}</p>")
    return "\n".join(parts)


def _collection_html(c) -> str:
    rows = [[f.path, f.type_text(), "optional" if f.optional else ""] for f in c.fields]
    parts = [f"<b>{e(c.name)}</b> <small>{c.documents} document(s)</small>",
             table(["field", "type", ""], rows) if rows else "<p><i>no documents</i></p>"]
    if c.indexes:
        parts.append("<b>indexes</b>" + table(["index {key} (options)"],
                                             [[i.describe()] for i in c.indexes]))
    return "\n".join(parts)


def browser_text(schema, selected: str | None) -> str:
    """The browser as text: the objects, the selected one marked.

    >>> from dbwork.model import Column, Schema, Table
    >>> print(browser_text(Schema.of(Table("a", (Column("x", "INTEGER"),))), "a"))
    schema browser: 1 table(s)
      > a
    """
    names = object_names(schema)
    kind = "collection(s)" if hasattr(schema, "collections") else "table(s)"
    lines = [f"schema browser: {len(names)} {kind}"]
    lines += [f"  {'>' if n == selected else ' '} {n}" for n in names]
    return "\n".join(lines)


def browser_html(schema, selected: str | None, diagram_html: str = "") -> str:
    """The browser's static view: the list of objects, the selected one's details and
    the diagram of its neighbourhood (an ``<img>``, see docs.html.diagram_html).

    >>> from dbwork.model import Column, Schema, Table
    >>> "saved view" in browser_html(Schema.of(Table("a", (Column("x", "INTEGER"),))), "a")
    True
    """
    names = object_names(schema)
    items = "".join(f"<li>{'<b>' if n == selected else ''}{e(n)}{'</b>' if n == selected else ''}"
                    "</li>" for n in names)
    parts = [f'<h4 style="margin:4px 0">schema: {len(names)} '
             f'{"collection(s)" if hasattr(schema, "collections") else "table(s)"}</h4>',
             f"<ul>{items}</ul>" if names else "<p><i>empty</i></p>"]
    if selected:
        parts.append(object_html(schema, selected))
    if diagram_html:
        parts.append(details(f"<b>around {e(selected)}</b>", diagram_html, True))
    parts.append("<p><small><i>this is a saved view: run the cell with a kernel to "
                 "browse another table</i></small></p>")
    return wrap("\n".join(parts), "browser")
