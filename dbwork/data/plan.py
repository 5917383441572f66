"""Seed planning, pure: check a seed set against the schema, choose its key, order a
multi-table set by foreign keys, and compare seed rows with live rows.

>>> from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table
>>> a = Table("a", (Column("id", "INTEGER", False), Column("b_id", "INTEGER")), PrimaryKey(("id",)),
...           (ForeignKey(("b_id",), "b", ("id",)),))
>>> b = Table("b", (Column("id", "INTEGER", False),), PrimaryKey(("id",)))
>>> load_order(["a", "b"], Schema.of(a, b))
(['b', 'a'], {})
>>> diff_rows([{"id": 1, "x": 2}, {"id": 2, "x": 3}], {(1,): {"id": 1, "x": 2}}, ("id",)).counts()
(1, 0, 1, 0)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import SeedError
from ..model.schema import ForeignKey, Schema, Table
from . import values
from .rows import SeedSet


# -- key choice --------------------------------------------------------------------------
def unique_keys(table: Table) -> list[tuple[str, ...]]:
    """The column sets the engine keeps unique: the primary key, unique constraints,
    unique indexes without a WHERE."""
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.columns for i in table.indexes if i.unique and not i.where]
    out: list[tuple[str, ...]] = []
    for k in keys:
        if k and tuple(k) not in out:
            out.append(tuple(k))
    return out


def choose_key(s: SeedSet, table: Table) -> tuple[str, ...]:
    """The named key (which must be a PK or a unique constraint/index), else the primary
    key when every row gives it, else the one unique key every row gives."""
    keys = unique_keys(table)
    given = s.column_names()
    if s.key:
        if tuple(s.key) not in keys and set(s.key) not in [set(k) for k in keys]:
            known = "; ".join(", ".join(k) for k in keys) or "none"
            raise SeedError(f"key ({', '.join(s.key)}) of {table.name} is not its primary key "
                            f"or a unique constraint or index (unique keys: {known}): an "
                            "upsert needs a key the engine keeps unique", source=s.source,
                            table=table.name)
        return next(k for k in keys if set(k) == set(s.key))
    covered = [k for k in keys if all(_gives(s, c) for c in k)]
    if covered and table.primary_key and covered[0] == tuple(table.primary_key.columns):
        return covered[0]
    if len(covered) == 1:
        return covered[0]
    if not covered:
        raise SeedError(f"the rows of {table.name} give no unique key (columns "
                        f"{', '.join(given) or 'none'}; unique keys: "
                        f"{'; '.join(', '.join(k) for k in keys) or 'none'}): add the key "
                        "columns, or name a key", source=s.source, table=table.name)
    raise SeedError(f"the rows of {table.name} give several unique keys "
                    f"({'; '.join(', '.join(k) for k in covered)}): name one with key=",
                    source=s.source, table=table.name)


def _gives(s: SeedSet, column: str) -> bool:
    return bool(s.rows) and all(r.values.get(column) is not None for r in s.rows)


# -- rows against the table --------------------------------------------------------------
@dataclass
class Prepared:
    """A seed set checked against its table: canonical rows, the key, the columns."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    rows: list[dict]
    lines: list[int | None]
    source: str
    types: dict[str, str]

    def key_of(self, row: dict) -> tuple:
        return tuple(row[k] for k in self.key)


def prepare(s: SeedSet, schema: Schema, enums: dict | None = None) -> Prepared:
    """Check every row (columns exist, values fit the type, length, enum; no key given
    twice) and read it into canonical values. Raises SeedError naming line and column."""
    if not schema.has_table(s.table):
        raise SeedError(f"no table {s.table!r} in the database", source=s.source, table=s.table)
    table = schema.table(s.table)
    types = {c.name: c.type for c in table.columns}
    for col in s.column_names():
        if col not in types:
            line = next((r.line for r in s.rows if col in r.values), None)
            raise SeedError(f"table {s.table} has no such column (columns: "
                            f"{', '.join(types)})", source=s.source, line=line, column=col,
                            table=s.table)
    key = choose_key(s, table)
    rows, lines, seen = [], [], {}
    for r in s.rows:
        row = {c: _read(v, c, types[c], s, r.line, enums) for c, v in r.values.items()}
        k = tuple(row.get(c) for c in key)
        if any(v is None for v in k):
            raise SeedError(f"the key ({', '.join(key)}) is missing", source=s.source,
                            line=r.line, column=next(c for c in key if row.get(c) is None),
                            table=s.table)
        if k in seen:
            raise SeedError(f"key {_show(k)} given twice (first at line {seen[k]})",
                            source=s.source, line=r.line, table=s.table)
        seen[k] = r.line
        rows.append(row)
        lines.append(r.line)
    return Prepared(s.table, key, s.column_names(), rows, lines, s.source, types)


def _read(value, column, type_text, s: SeedSet, line, enums):
    try:
        v = values.canonical(value, type_text)
    except ValueError as e:
        raise SeedError(f"{e} (type {type_text})", source=s.source, line=line,
                        column=column, table=s.table) from None
    limit = values.max_length(type_text)
    if isinstance(v, str) and limit is not None and len(v) > limit:
        raise SeedError(f"{len(v)} characters, more than {type_text} holds", source=s.source,
                        line=line, column=column, table=s.table)
    allowed = values.enum_values(type_text, enums)
    if allowed is not None and v is not None and v not in allowed:
        raise SeedError(f"{v!r} is not one of {', '.join(allowed)}", source=s.source,
                        line=line, column=column, table=s.table)
    return v


def _show(k: tuple) -> str:
    return "(" + ", ".join(repr(v) for v in k) + ")" if len(k) != 1 else repr(k[0])


def check_required(p: Prepared, table: Table, inserts: list[int]) -> None:
    """A row to insert must give every NOT NULL column without a default."""
    needed = [c.name for c in table.columns if not c.nullable and c.default is None
              and not c.autoincrement and not _rowid(table, c.name)]
    for i in inserts:
        row = p.rows[i]
        for c in needed:
            if row.get(c) is None:
                raise SeedError("NOT NULL column without a default has no value in this "
                                "new row", source=p.source, line=p.lines[i], column=c,
                                table=p.table)


def _rowid(table: Table, column: str) -> bool:
    """A single INTEGER primary key may fill itself (SQLite's rowid; elsewhere the
    engine says so if it does not)."""
    pk = table.primary_key.columns if table.primary_key else ()
    return pk == (column,) and values.kind_of(table.column(column).type) == "int"


# -- foreign-key order -------------------------------------------------------------------
def load_order(tables: list[str], schema: Schema) -> tuple[list[str], dict[str, list[ForeignKey]]]:
    """Tables parents first; foreign keys that close a cycle (a self-reference, or a
    loop between tables) are *deferred*: their columns are written NULL first and set
    once every row is in. A cycle whose keys are all NOT NULL is refused."""
    todo = list(dict.fromkeys(tables))
    deferred: dict[str, list[ForeignKey]] = {}
    for t in todo:
        for fk in schema.table(t).foreign_keys:
            if fk.ref_table == t:
                _defer(schema, t, fk, [t], deferred)
    order: list[str] = []
    while todo:
        ready = [t for t in todo if not _waits(t, todo, schema, deferred)]
        if not ready:
            t, fk = _breakable(todo, schema, deferred)
            _defer(schema, t, fk, todo, deferred)
            continue
        order += ready
        todo = [t for t in todo if t not in ready]
    return order, deferred


def _waits(t: str, todo: list[str], schema: Schema, deferred) -> bool:
    return any(fk.ref_table in todo and fk.ref_table != t and fk not in deferred.get(t, [])
               for fk in schema.table(t).foreign_keys)


def _breakable(todo, schema: Schema, deferred):
    """A foreign key inside the remaining cycle whose columns may be NULL."""
    for t in todo:
        for fk in schema.table(t).foreign_keys:
            if fk.ref_table in todo and fk not in deferred.get(t, []) and \
                    all(schema.table(t).column(c).nullable for c in fk.columns):
                return t, fk
    return todo[0], next(fk for fk in schema.table(todo[0]).foreign_keys
                         if fk.ref_table in todo and fk not in deferred.get(todo[0], []))


def _defer(schema: Schema, t: str, fk: ForeignKey, cycle, deferred) -> None:
    table = schema.table(t)
    strict = [c for c in fk.columns if not table.column(c).nullable]
    if strict:
        what = "references itself" if fk.ref_table == t else \
            f"is in a foreign-key cycle ({' -> '.join(cycle)})"
        raise SeedError(f"table {t} {what} through NOT NULL column(s) "
                        f"{', '.join(strict)}: its rows cannot be loaded one at a time "
                        "(make the column nullable, or make the constraint DEFERRABLE and "
                        "load the rows yourself)", table=t)
    deferred.setdefault(t, []).append(fk)


def deferred_columns(fks: list[ForeignKey]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for fk in fks for c in fk.columns))


# -- seed rows against live rows ---------------------------------------------------------
@dataclass
class TableChange:
    """What a seed run does to one table: row indexes to insert, to update (with the
    fields that differ), the number unchanged, and live rows to delete (reset)."""

    table: str
    key: tuple[str, ...]
    inserts: list[int] = field(default_factory=list)
    updates: list[tuple[int, dict]] = field(default_factory=list)  # index, {col: (live, seed)}
    unchanged: int = 0
    deletes: list[dict] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int, int]:
        """(inserted, updated, unchanged, deleted)"""
        return len(self.inserts), len(self.updates), self.unchanged, len(self.deletes)


def diff_rows(rows: list[dict], live: dict[tuple, dict], key: tuple[str, ...],
              reset: bool = False) -> TableChange:
    """Compare canonical seed rows with live rows by key (only the columns a seed row
    gives count). With ``reset``, live rows the seed does not name are to delete."""
    change = TableChange("", key)
    named = set()
    for i, row in enumerate(rows):
        k = tuple(row[c] for c in key)
        named.add(k)
        current = live.get(k)
        if current is None:
            change.inserts.append(i)
            continue
        fields = {c: (current.get(c), v) for c, v in row.items() if current.get(c) != v}
        if fields:
            change.updates.append((i, fields))
        else:
            change.unchanged += 1
    if reset:
        change.deletes = [r for k, r in live.items() if k not in named]
    return change
