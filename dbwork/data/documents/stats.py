"""What a document design is decided on, measured from the source data: rows and
document sizes per table, and per foreign key how many children each parent has.
Plain values (the measuring is in :mod:`dbwork.data.documents.measure`).

>>> link = LinkStats("order_items", ("order_id",), "orders", ("id",), max_children=4,
...                  avg_children=2.5, parents_with_children=10)
>>> link.key, link.describe()
(('order_items', ('order_id',)), 'up to 4 per orders row (2.5 on average, 10 with any)')
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024   # MongoDB's BSON document limit


@dataclass(frozen=True)
class TableStats:
    """Rows of a table, and the BSON size of its rows as documents (from a sample)."""

    rows: int
    avg_bytes: float = 0.0
    max_bytes: int = 0
    sampled: int = 0


@dataclass(frozen=True)
class LinkStats:
    """One foreign key measured: children per parent (max, average), parents that have
    any, rows whose key is NULL."""

    child: str
    columns: tuple[str, ...]
    parent: str
    ref_columns: tuple[str, ...]
    max_children: int = 0
    avg_children: float = 0.0
    parents_with_children: int = 0
    null_keys: int = 0

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.child, tuple(self.columns))

    def describe(self) -> str:
        return (f"up to {self.max_children} per {self.parent} row ({self.avg_children:g} on "
                f"average, {self.parents_with_children} with any)")


@dataclass(frozen=True)
class Measurements:
    """Stats per table and per foreign key (keyed by (child, columns))."""

    tables: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)

    def table(self, name: str) -> TableStats:
        return self.tables.get(name, TableStats(0))

    def link(self, child: str, columns) -> LinkStats | None:
        return self.links.get((child, tuple(columns)))


def human_bytes(n: float) -> str:
    """
    >>> human_bytes(512), human_bytes(20_480), human_bytes(3 * 1024 * 1024)
    ('512 B', '20.0 KB', '3.0 MB')
    """
    if n < 1024:
        return f"{int(n)} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
