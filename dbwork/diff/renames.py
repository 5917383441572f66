"""Renames in a desired-state diff: hints the person writes, and drop+add pairs that
look like renames, about which dbwork asks instead of dropping data.

A hint is a comment on the table's or the column's line::

    CREATE TABLE people (                 -- dbwork:renamed_from users
        full_name TEXT NOT NULL,          -- dbwork:renamed_from name

>>> h = read_hints("CREATE TABLE people ( -- dbwork:renamed_from users\\n"
...                "  full_name TEXT, -- dbwork:renamed_from name\\n);")
>>> h.tables, h.columns
({'users': 'people'}, {('people', 'name'): 'full_name'})
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dialects.base import Dialect
from ..errors import DbworkError
from ..introspect.compare import same_type
from ..model.schema import Schema

HINT = "dbwork:renamed_from"
_HINT = re.compile(r"--\s*dbwork:renamed_from\s+[`\"\[]?([\w$]+)[`\"\]]?", re.I)
_CREATE = re.compile(r"CREATE\s+(?:TEMP\w*\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     r"(?:[`\"\[]?\w+[`\"\]]?\.)?[`\"\[]?([\w$]+)[`\"\]]?", re.I)
_COLUMN = re.compile(r"^\s*,?\s*[`\"\[]?([\w$]+)[`\"\]]?\s+\w")


class RenameAmbiguity(DbworkError):
    """The desired state drops something and adds something that looks like its new
    name. Carries ``candidates``: (kind, table, old, new) tuples. Nothing was run."""

    def __init__(self, candidates: list[tuple[str, str, str, str]], hint_lines: list[str]):
        self.candidates = candidates
        self.hint_lines = hint_lines
        lines = []
        for (kind, table, old, new), hint in zip(candidates, hint_lines):
            what = f"table {old} -> {new}" if kind == "table" else f"column {table}.{old} -> {table}.{new}"
            lines.append(f"  {what}: to keep its data, write this line in the desired "
                         f"state: {hint}")
        super().__init__(
            "the desired state drops and adds what looks like a rename, so dbwork asks "
            "instead of dropping data:\n" + "\n".join(lines) +
            "\nor, to really drop the old one and its data, pass allow_data_loss=True "
            "(%%migrate ... --allow-data-loss).")


@dataclass
class Hints:
    """Renames the person declared: old table -> new; (new table, old column) -> new."""

    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)


def read_hints(text: str) -> Hints:
    """The ``-- dbwork:renamed_from`` hints in desired-state SQL text (pure)."""
    hints, table = Hints(), None
    for line in text.splitlines():
        create = _CREATE.search(line)
        hint = _HINT.search(line)
        if create:
            table = create.group(1)
            if hint:
                hints.tables[hint.group(1)] = table
            continue
        if hint and table:
            col = _COLUMN.match(line[:hint.start()])
            if col:
                hints.columns[(table, hint.group(1))] = col.group(1)
    return hints


def usable_hints(hints: Hints, live: Schema, desired: Schema) -> Hints:
    """The hints that still apply to ``live`` (a rename that already ran is no longer
    a rename: re-planning the same desired state must converge to nothing)."""
    out = Hints()
    for old, new in hints.tables.items():
        if live.has_table(old) and not live.has_table(new) and desired.has_table(new):
            out.tables[old] = new
        elif not live.has_table(old) and not live.has_table(new):
            raise DbworkError(f"{HINT} {old}: there is no table {old} to rename to {new}")
    renamed_live = {out.tables.get(n, n): t for n, t in live.tables.items()}
    for (table, old), new in hints.columns.items():
        t = renamed_live.get(table)
        if t is None:
            continue
        if t.has_column(old) and not t.has_column(new):
            out.columns[(table, old)] = new
        elif not t.has_column(old) and not t.has_column(new):
            raise DbworkError(f"{HINT} {old} on {table}.{new}: {table} has no column {old}")
    return out


def likely_renames(live: Schema, desired: Schema, dialect: Dialect,
                   hints: Hints) -> list[tuple[str, str, str, str]]:
    """Drop+add pairs that look like renames and have no hint: a dropped table and an
    added table with the same columns; in one table, a dropped and an added column of
    the same type."""
    live = Schema({hints.tables.get(n, n): t for n, t in live.tables.items()})
    gone = [t for n, t in live.tables.items() if n not in desired.tables]
    new = [t for n, t in desired.tables.items() if n not in live.tables]
    out = []
    for g in gone:
        for n in new:
            if {c.name for c in g.columns} == {c.name for c in n.columns}:
                out.append(("table", g.name, g.name, n.name))
    renamed = set(hints.columns)
    renamed_to = set((t, n) for (t, _), n in hints.columns.items())
    for name in sorted(set(live.tables) & set(desired.tables)):
        lt, dt = live.tables[name], desired.tables[name]
        dropped = [c for c in lt.columns if not dt.has_column(c.name)
                   and (name, c.name) not in renamed]
        added = [c for c in dt.columns if not lt.has_column(c.name)
                 and (name, c.name) not in renamed_to]
        for d in dropped:
            for a in added:
                if same_type(a.type, d.type, dialect):
                    out.append(("column", name, d.name, a.name))
    return out


def sql_hint_line(kind: str, new: str, live: Schema, desired: Schema, table: str,
                  old: str) -> str:
    """The line to write in desired-state SQL to declare the rename."""
    if kind == "table":
        return f"CREATE TABLE {new} (  -- {HINT} {old}"
    col = desired.table(table).column(new)
    null = "" if col.nullable else " NOT NULL"
    return f"{new} {col.type}{null},  -- {HINT} {old}   (in CREATE TABLE {table})"
