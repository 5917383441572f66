"""Schema x Schema -> operations (pure, keyed by name, quirks behind hooks).

``diff(live, desired, dialect)`` lists what turns the live schema into the desired one,
in an order that is safe to run: foreign keys that go are dropped before the tables
and columns they use; tables are created before the foreign keys that reference them.
Every drop carries the live object, so its reverse (the rollback) and the plan's
backups need no second look at the database.

>>> from dbwork.model import Column, PrimaryKey, Schema, Table
>>> from dbwork.dialects import get_dialect
>>> live = Schema.of(Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT")),
...                        PrimaryKey(("id",), "t_pkey")))
>>> want = Schema.of(Table("t", (Column("id", "INT", False), Column("b", "INTEGER")),
...                        PrimaryKey(("id",))))
>>> [op.describe() for op in diff(live, want, get_dialect("postgresql"))]
['drop column t.a (TEXT) and its values', 'add column t.b INTEGER NULL']
>>> diff(want, want, get_dialect("sqlite"))
[]
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..dialects.base import Dialect
from ..model.schema import ForeignKey, Index, PrimaryKey, Schema, Table
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropConstraint, DropIndex,
                              DropTable, Operation, RenameColumn, RenameTable)
from ..ops.enum_ops import AddEnumValue, CreateEnum
from ..ops.extension_ops import CreateExtension
from .quirks import desired_table, fk_indexes, index_name, same_column, same_key


# other migration tools' bookkeeping: never part of a desired state, never dropped
TOOL_TABLES = frozenset({"alembic_version", "_prisma_migrations", "flyway_schema_history",
                         "django_migrations", "schema_migrations"})


@dataclass
class _Plan:
    """Operations grouped by phase; ``ops()`` gives them in the safe order."""

    renames: list = field(default_factory=list)
    enums: list = field(default_factory=list)         # create types / add values first
    drop_fks: list = field(default_factory=list)
    drop_keys: list = field(default_factory=list)     # indexes, uniques, checks, PKs
    drop_columns: list = field(default_factory=list)
    drop_tables: list = field(default_factory=list)
    create_tables: list = field(default_factory=list)
    add_columns: list = field(default_factory=list)
    alter_columns: list = field(default_factory=list)
    add_keys: list = field(default_factory=list)
    add_fks: list = field(default_factory=list)

    def ops(self) -> list[Operation]:
        return (self.renames + self.enums + self.drop_fks + self.drop_keys + self.drop_columns
                + self.drop_tables + self.create_tables + self.add_columns
                + self.alter_columns + self.add_keys + self.add_fks)


def diff(live: Schema, desired: Schema, dialect: Dialect,
         table_renames: dict[str, str] | None = None,
         column_renames: dict[tuple[str, str], str] | None = None) -> list[Operation]:
    """Operations from ``live`` to ``desired``. ``table_renames`` maps old -> new
    table names; ``column_renames`` maps (new table, old column) -> new column."""
    plan = _Plan()
    live = _renamed(live, table_renames or {}, column_renames or {}, plan)
    plan.enums += [CreateExtension(n) for n in sorted(desired.extensions - live.extensions)]
    _diff_enums(live, desired, plan)
    desired = Schema({n: desired_table(t, dialect) for n, t in desired.tables.items()})
    gone = sorted(n for n in set(live.tables) - set(desired.tables)
                  if n not in TOOL_TABLES)
    new = sorted(set(desired.tables) - set(live.tables))
    for name in gone:
        _drop_table(live, live.tables[name], set(gone), plan)
    _create_tables([desired.tables[n] for n in new], plan)
    for name in sorted(set(live.tables) & set(desired.tables)):
        _diff_table(live.tables[name], desired.tables[name], dialect, plan)
    return plan.ops()


def _diff_enums(live: Schema, desired: Schema, plan: _Plan) -> None:
    """Enum types the desired state names: created, or given their new values (in
    place, after their neighbour). A live type the desired state does not name stays:
    desired-state SQL and models do not list types."""
    for name, values in sorted(desired.enums.items()):
        if name not in live.enums:
            plan.enums.append(CreateEnum(name, tuple(values)))
            continue
        have = list(live.enums[name])
        for pos, value in enumerate(values):
            if value not in have:
                after = values[pos - 1] if pos and values[pos - 1] in have else None
                plan.enums.append(AddEnumValue(name, value, tuple(have), after=after))
                have.insert(have.index(after) + 1 if after else len(have), value)


def _renamed(live: Schema, tables: dict, columns: dict, plan: _Plan) -> Schema:
    for old, new in sorted(tables.items()):
        op = RenameTable(old, new)
        plan.renames.append(op)
        live = op.apply(live)
    for (table, old), new in sorted(columns.items()):
        op = RenameColumn(table, old, new)
        plan.renames.append(op)
        live = op.apply(live)
    return live


# -- whole tables ----------------------------------------------------------------------
def _drop_table(live: Schema, t: Table, gone: set[str], plan: _Plan) -> None:
    """Foreign keys from surviving tables into ``t`` are dropped by their own table's
    diff; keys between two dropped tables go first, so the drops run in any order."""
    for fk in t.foreign_keys:
        if fk.ref_table in gone and fk.ref_table != t.name:
            plan.drop_fks.append(DropConstraint(t.name, fk))
            t = t.without_constraint(fk)
    plan.drop_tables.append(DropTable(t))


def _create_tables(tables: list[Table], plan: _Plan) -> None:
    """Create in dependency order; a foreign key that would point at a table not yet
    created (a cycle) is added after every table exists."""
    pending = {t.name: t for t in tables}
    done: set[str] = set()
    while pending:
        ready = [t for t in pending.values()
                 if all(fk.ref_table not in pending or fk.ref_table == t.name
                        for fk in t.foreign_keys)]
        if not ready:  # a cycle: take the first, its forward keys come later
            t = pending[sorted(pending)[0]]
            late = tuple(fk for fk in t.foreign_keys
                         if fk.ref_table in pending and fk.ref_table != t.name)
            plan.add_fks += [AddConstraint(t.name, fk) for fk in late]
            ready = [replace(t, foreign_keys=tuple(f for f in t.foreign_keys if f not in late))]
        for t in sorted(ready, key=lambda x: x.name):
            plan.create_tables.append(CreateTable(_named_indexes(t)))
            done.add(t.name)
            del pending[t.name]


def _named_indexes(t: Table) -> Table:
    taken = {i.name for i in t.indexes if i.name}
    out = []
    for i in t.indexes:
        if not i.name:
            i = replace(i, name=index_name(i, taken))
            taken.add(i.name)
        out.append(i)
    return replace(t, indexes=tuple(out))


# -- one table present on both sides -----------------------------------------------------
def _diff_table(live: Table, want: Table, dialect: Dialect, plan: _Plan) -> None:
    lc = {c.name: c for c in live.columns}
    wc = {c.name: c for c in want.columns}
    gone_cols = [c for c in live.columns if c.name not in wc]
    _diff_keys(live, want, dialect, plan, {c.name for c in gone_cols})
    for pos, c in enumerate(live.columns):
        if c.name not in wc:
            plan.drop_columns.append(DropColumn(live.name, c, pos))
    for c in want.columns:
        if c.name not in lc:
            plan.add_columns.append(AddColumn(live.name, c))
        elif not same_column(c, lc[c.name], dialect):
            plan.alter_columns.append(AlterColumn(live.name, lc[c.name], c))


def _diff_keys(live: Table, want: Table, dialect: Dialect, plan: _Plan,
               gone_cols: set[str]) -> None:
    for attr in ("foreign_keys", "uniques", "checks", "indexes", "primary_key"):
        lo, wo = _objects(live, attr), _objects(want, attr)
        drops, adds = _unmatched(lo, wo, dialect)
        if attr == "indexes":
            keep = fk_indexes(live, dialect) if _fks_stay(live, want, dialect) else set()
            drops = [d for d in drops if d.name not in keep]
        for obj in drops:
            if attr == "indexes":
                plan.drop_keys.append(DropIndex(obj))
            elif attr == "foreign_keys":
                plan.drop_fks.append(DropConstraint(live.name, obj))
            else:
                plan.drop_keys.append(DropConstraint(live.name, obj))
        taken = {i.name for i in live.indexes} - {d.name for d in drops
                                                  if isinstance(d, Index)}
        for obj in adds:
            if attr == "indexes":
                if not obj.name:
                    obj = replace(obj, name=index_name(obj, taken))
                taken.add(obj.name)
                plan.add_keys.append(CreateIndex(replace(obj, table=live.name)))
            elif attr == "foreign_keys":
                plan.add_fks.append(AddConstraint(live.name, obj))
            else:
                plan.add_keys.append(AddConstraint(live.name, obj))


def _fks_stay(live: Table, want: Table, dialect: Dialect) -> bool:
    return not _unmatched(list(live.foreign_keys), list(want.foreign_keys), dialect)[0]


def _objects(t: Table, attr: str) -> list:
    value = getattr(t, attr)
    if value is None:
        return []
    return [value] if isinstance(value, PrimaryKey) else list(value)


def _unmatched(live: list, want: list, dialect: Dialect) -> tuple[list, list]:
    """(live objects nothing wants: drop them, wanted objects not there: add them)."""
    left = list(live)
    adds = []
    for w in want:
        hit = next((g for g in left if same_key(w, g, dialect)), None)
        if hit is None:
            adds.append(w)
        else:
            left.remove(hit)
    return left, adds


def foreign_keys_into(schema: Schema, table: str) -> list[tuple[str, ForeignKey]]:
    """(table, key) for every foreign key in ``schema`` that references ``table``.

    >>> from dbwork.model import Column, Schema, Table
    >>> s = Schema.of(Table("a", (Column("id", "INTEGER"),)),
    ...               Table("b", (Column("a_id", "INTEGER"),),
    ...                     foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),)))
    >>> [t for t, _ in foreign_keys_into(s, "a")]
    ['b']
    """
    return [(t.name, fk) for t, fk in schema.referencing(table)]
