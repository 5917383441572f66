"""A migration as a document: what changes in plain words, the forward and rollback
scripts, warnings, checks, timing and the diagram around the touched tables. Pure.

>>> from dbwork.migration import Migration, Step
>>> m = Migration("20260101000000", "add_t", [Step(1, "create table t (1 columns)",
...               ["CREATE TABLE t (a INTEGER)"], ["DROP TABLE t"])], dialect="sqlite")
>>> print(migration_text(m).splitlines()[0])
migration 20260101000000 add_t [planned] on sqlite
"""
from __future__ import annotations

import html

from ..migration import Migration

_STATUS_COLOR = {"applied": "#15803d", "planned": "#1d4ed8", "rolled_back": "#6b7280",
                 "failed": "#b91c1c", "running": "#b45309"}


def migration_text(m: Migration) -> str:
    lines = [f"migration {m.version} {m.name} [{m.status}] on {m.dialect}"]
    lines += [f"  note: {n}" for n in m.notes]
    lines += [f"  warning: {w}" for w in m.warnings]
    if m.error:
        lines.append(f"  error: {m.error}")
    lines.append("  changes:")
    lines += [f"    {s.number}. {s.comment}" for s in m.steps]
    lines += ["", "-- up", m.up, "", "-- down", m.down]
    return "\n".join(lines)


def migration_html(m: Migration) -> str:
    e = html.escape
    color = _STATUS_COLOR.get(m.status, "#374151")
    head = (f'<div style="font-family:sans-serif"><h4 style="margin:4px 0">migration '
            f'<code>{e(m.version)}</code> {e(m.name)} '
            f'<span style="color:{color}">[{e(m.status)}]</span> '
            f'<small>on {e(m.dialect)}</small></h4>')
    parts = [head]
    for n in m.notes:
        parts.append(f'<p style="margin:2px 0"><i>{e(n)}</i></p>')
    if m.error:
        parts.append(f'<p style="color:#b91c1c">error: {e(m.error)}</p>')
    if m.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in m.warnings)
        parts.append(f'<div style="color:#b45309"><b>warnings</b><ul>{items}</ul></div>')
    changes = "".join(f"<li>{e(s.comment)}</li>" for s in m.steps)
    parts.append(f"<b>what changes</b><ol>{changes}</ol>")
    if m.checks:
        rows = "".join(f"<li>{e(str(c.get('check', '')))}: {e(str(c.get('result', '')))}</li>"
                       for c in m.checks)
        parts.append(f"<b>checks</b><ul>{rows}</ul>")
    parts.append(_script("forward", m.up))
    parts.append(_script("rollback", m.down))
    if m.duration_ms is not None and m.status in ("applied", "rolled_back"):
        parts.append(f"<small>took {m.duration_ms} ms</small>")
    if m.erd is not None:
        parts.append(_diagram(m.erd))
    parts.append("</div>")
    return "\n".join(parts)


def _script(title: str, text: str) -> str:
    return (f'<details open><summary><b>{title}</b></summary>'
            f'<pre style="background:#f8fafc;padding:6px">{html.escape(text)}</pre></details>')


def _diagram(diagram) -> str:
    bundle = diagram._repr_mimebundle_()
    if "image/svg+xml" in bundle:
        return f"<div>{bundle['image/svg+xml']}</div>"
    return f"<pre>{html.escape(bundle['text/plain'])}</pre>"
