"""What MongoDB commands touch (collections and indexes), for the version graph's
conflict check (registered on import)."""
from __future__ import annotations

from ...versions.touch import ANYTHING, Touches, foreign_key_reads, statement_touches
from .parse import parse_calls


@foreign_key_reads.override("mongodb")
def _no_foreign_keys(dialect, t, schema) -> set:
    return set()


@statement_touches.override("mongodb")
def _calls(dialect, statement: str) -> Touches:
    try:
        _, calls = parse_calls(statement)
    except Exception:  # noqa: BLE001 - not readable: touches anything
        return Touches({ANYTHING}, set(), [statement])
    t = Touches()
    for call in calls:
        name = call.target or (call.args[0] if call.args and isinstance(call.args[0], str) else "")
        if not name:
            t.writes.add(ANYTHING)
            t.unread.append(statement)
            continue
        if call.method.lower() in ("createindex", "dropindex"):
            index = _index_name(call)
            t.writes.add(("index", name, index) if index else ("collection", name, ""))
            t.reads.add(("collection", name, ""))
        else:
            t.writes.add(("collection", name, ""))
    return t


def _index_name(call) -> str:
    for a in call.args:
        if isinstance(a, dict) and isinstance(a.get("name"), str):
            return a["name"]
    if call.method.lower() == "dropindex" and call.args and isinstance(call.args[0], str):
        return call.args[0]
    return ""
