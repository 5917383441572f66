"""Dialect quirks the diff asks about, as small hook functions (pure, no connection).

Whether two columns, keys or checks agree is :mod:`dbwork.introspect.compare`'s question
(the one comparator, which the convergence tests read too: "is INT the same as INTEGER
here?", "does a constraint named None match PostgreSQL's auto-name?"); this module asks
it and adds the diff's own: which indexes a MySQL foreign key needs, and names for
unnamed indexes.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column
>>> same_column(Column("a", "INTEGER"), Column("a", "INTEGER", default="0"), get_dialect("sqlite"))
False
>>> same_column(Column("a", "NUMERIC(10, 2)", default="1.0"),
...             Column("a", "NUMERIC(10, 2)", default="1"), get_dialect("postgresql"))
True
"""
from __future__ import annotations

from ..dialects.base import Dialect
from ..introspect.compare import ALTERABLE, column_mismatches, same_object, uniques_as_indexes
from ..model.schema import Column, Index, Table


def same_column(want: Column, got: Column, dialect: Dialect) -> bool:
    """True when the live column ``got`` already is what ``want`` asks, in what an
    ALTER COLUMN could change (the comparator's :data:`ALTERABLE` attributes)."""
    return not column_mismatches(want, got, dialect).keys() & set(ALTERABLE)


same_key = same_object  # keys, indexes and checks: the comparator's own rule


def fk_indexes(t: Table, dialect: Dialect) -> set[str]:
    """MySQL/MariaDB: the indexes a foreign key needs (its leading columns). The
    engine refuses to drop them while the key exists, so the diff leaves them be."""
    if not dialect.indexes_foreign_keys:
        return set()
    out = set()
    for fk in t.foreign_keys:
        serving = [i for i in t.indexes if i.columns[:len(fk.columns)] == fk.columns]
        if len(serving) == 1:
            out.add(serving[0].name)
    return out


def desired_table(t: Table, dialect: Dialect) -> Table:
    """The desired table as ``dialect`` would store it. MySQL/MariaDB: a UNIQUE
    constraint is a unique index (its name may be None: the engine picks one)."""
    return uniques_as_indexes(t) if not dialect.unique_constraints else t


def index_name(index: Index, taken: set[str]) -> str:
    """A name for an unnamed index, as MySQL would pick it (first column, then _2...)."""
    base = index.columns[0] if index.columns else f"{index.table}_idx"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name
