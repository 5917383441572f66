"""A migration as a document: what changes in plain words, the forward and rollback
scripts, warnings, checks, timing and the diagram around the touched tables. Pure.

>>> from dbwork.migration import Migration, Step
>>> m = Migration("20260101000000", "add_t", [Step(1, "create table t (1 columns)",
...               ["CREATE TABLE t (a INTEGER)"], ["DROP TABLE t"])], dialect="sqlite")
>>> print(migration_text(m).splitlines()[0])
migration 20260101000000 add_t [planned] on sqlite
"""
from __future__ import annotations

from ..migration import Migration, terminate
from .html import (ERROR_COLOR, STATUS_COLOR, WARN_COLOR, details, diagram_html, e,
                   sql_block, summarise_rebuilds, table, wrap)


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
    """The card: a rolled-back migration says what was undone; any other says what
    changes, its warnings, checks, both scripts (rollback collapsed) and the diagram."""
    if m.status == "rolled_back" and not m.dry_run:
        return rollback_html(m)
    parts = [_head(m)]
    parts += [f"<p><i>{e(n)}</i></p>" for n in m.notes]
    if m.error:
        parts.append(f'<p style="color:{ERROR_COLOR}"><b>error:</b> {e(m.error)}</p>')
    if m.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in m.warnings)
        parts.append(f'<div style="color:{WARN_COLOR}"><b>warnings</b><ul>{items}</ul></div>')
    changes = "".join(f"<li>{e(s.comment)}</li>" for s in m.steps)
    parts.append(f"<b>what changes</b><ol>{changes}</ol>")
    if m.checks:
        parts.append(details(f"<b>checks</b> ({_checks_summary(m.checks)})", table(
            ["check", "result", "count"],
            [[c.get("check", ""), c.get("result", ""), c.get("count", "")] for c in m.checks])))
    parts.append(_script("forward script", card_script(m.steps, "forward", m.dialect), True))
    parts.append(_script("rollback script", card_script(list(reversed(m.steps)), "reverse",
                                                        m.dialect), False))
    if m.duration_ms is not None and m.status in ("applied", "rolled_back"):
        parts.append(f"<small>took {m.duration_ms} ms</small>")
    if m.erd is not None:
        parts.append(details(f"<b>diagram</b> ({_diagram_caption(m)})", diagram_html(m.erd), True))
    return wrap("\n".join(parts), "card")


def migration_bundle(m: Migration) -> dict:
    """The MIME bundle of a migration: text/html (the card), image/svg+xml (its diagram,
    when drawn) and text/plain (one stable line)."""
    bundle = {"text/plain": repr(m), "text/html": migration_html(m)}
    if m.erd is not None:
        svg = m.erd._repr_mimebundle_().get("image/svg+xml")
        if svg:
            bundle["image/svg+xml"] = svg
    return bundle


def rollback_html(m: Migration) -> str:
    """What a rollback undid: the steps (last first), the rows put back from backups,
    the script that ran, and the diagram after."""
    parts = [_head(m, "rolled back")]
    parts += [f"<p><i>{e(n)}</i></p>" for n in m.notes]
    undone = "".join(f"<li>{e(s.comment)}</li>" for s in reversed(m.steps))
    parts.append(f"<b>undone</b> (last step first)<ol>{undone}</ol>")
    restored = getattr(m, "restored", None) or []
    if restored:
        parts.append("<b>rows restored</b>" + table(
            ["table", "rows", "from backup"],
            [[r.get("table") or "?", r.get("rows", "?"), r.get("backup", "")] for r in restored]))
    else:
        parts.append("<p>no rows needed restoring (no backup was taken for it)</p>")
    parts.append(_script("rollback script that ran",
                         card_script(list(reversed(m.steps)), "reverse", m.dialect), True))
    parts.append(_script("forward script it undid", card_script(m.steps, "forward", m.dialect),
                         False))
    if m.duration_ms is not None:
        parts.append(f"<small>took {m.duration_ms} ms</small>")
    if m.erd is not None:
        marked = " (what the rollback changed, marked)" if getattr(m.erd, "changes", None) else ""
        parts.append(details(f"<b>diagram after</b>{marked}", diagram_html(m.erd), True))
    return wrap("\n".join(parts), "card")


def card_script(steps, direction: str, dialect: str) -> str:
    """The script as the card shows it: SQLite's rebuild internals summarised (the
    migration file and ``m.up`` / ``m.down`` keep every statement)."""
    out = []
    for s in steps:
        stmts = summarise_rebuilds(s.forward if direction == "forward" else s.reverse, dialect)
        body = "\n".join(x if x.startswith("--") else terminate(x) for x in stmts)
        out.append(f"-- step {s.number}: {s.comment}\n{body}")
    return "\n\n".join(out)


def _head(m: Migration, verb: str | None = None) -> str:
    color = STATUS_COLOR.get(m.status, "#6b7280")
    title = f"{verb} migration" if verb else "migration"
    return (f'<h4 style="margin:4px 0">{title} <code>{e(m.version)}</code> {e(m.name)} '
            f'<span style="color:{color}">[{e(m.status)}]</span> '
            f"<small>on {e(m.dialect)}</small></h4>")


def _diagram_caption(m: Migration) -> str:
    marked = getattr(m.erd, "changes", None)
    if not marked:
        return "the tables it touched"
    what = "the planned result" if m.dry_run else "the tables it touched"
    return f"{what}, its changes marked"


def _checks_summary(checks: list[dict]) -> str:
    bad = [c for c in checks if str(c.get("result", "")) not in ("ok", "skipped")]
    return f"{len(checks)} run, all ok" if not bad else f"{len(bad)} of {len(checks)} not ok"


def _script(title: str, text: str, open_: bool) -> str:
    lines = text.count("\n") + 1 if text else 0
    return details(f"<b>{e(title)}</b> <small>({lines} lines)</small>",
                   sql_block(text or "-- (empty)"), open_)
