"""A cell for several targets: ``-- target: NAME`` (or ``// target: NAME``) lines
start each target's section. Pure text handling, no I/O.

>>> split_targets('''-- target: main
... CREATE TABLE events (id INTEGER PRIMARY KEY);
... // target: backup
... db.createCollection('events')''', ["main", "backup"])
{'main': 'CREATE TABLE events (id INTEGER PRIMARY KEY);', 'backup': "db.createCollection('events')"}
"""
from __future__ import annotations

import re

from ..errors import ConfigError

TARGET_LINE = re.compile(r"^\s*(?:--|//)\s*target:\s*(?P<name>\S+)\s*$", re.IGNORECASE)


def has_sections(text: str) -> bool:
    """Does ``text`` hold at least one ``-- target:`` line?

    >>> has_sections("-- target: main\\nSELECT 1"), has_sections("SELECT 1")
    (True, False)
    """
    return any(TARGET_LINE.match(line) for line in text.splitlines())


def split_targets(text: str, known) -> dict[str, str]:
    """Each target's section of ``text`` (in the cell's order). Text before the first
    ``-- target:`` line, an unknown target, a target named twice or an empty section is
    a ConfigError, raised before anything touches a database."""
    known = list(known)
    sections: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        match = TARGET_LINE.match(line)
        if match:
            current = _section_name(match["name"], known, sections, number)
            sections[current] = []
        elif current is None:
            if line.strip():
                raise ConfigError(f"line {number}: text before the first '-- target: NAME' "
                                  f"line (targets: {', '.join(known)})")
        else:
            sections[current].append(line)
    out = {name: "\n".join(lines).strip() for name, lines in sections.items()}
    empty = [name for name, body in out.items() if not body]
    if empty:
        raise ConfigError(f"the section of target {empty[0]} is empty")
    return out


def _section_name(name: str, known: list[str], seen: dict, number: int) -> str:
    if name not in known:
        raise ConfigError(f"line {number}: unknown target {name!r} (targets: {', '.join(known)})")
    if name in seen:
        raise ConfigError(f"line {number}: target {name} has two sections")
    return name
