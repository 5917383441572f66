"""Live numbers the lint rules may use: row counts, table sizes, server version and
timeout settings. The one I/O function here is :func:`gather_facts`; rules read the
:class:`Facts` value and never touch the database.

>>> f = Facts(rows={"users": 10})
>>> f.row_count("users"), f.row_count("other")
(10, None)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..hooks import overridable

BIG_TABLE_ROWS = 100_000   # "big" for rules that care (a rough, stated threshold)


@dataclass(frozen=True)
class Facts:
    rows: dict[str, int] = field(default_factory=dict)          # exact or estimated
    bytes: dict[str, int] = field(default_factory=dict)         # PostgreSQL: total size
    server_version: int | None = None                           # PostgreSQL: 150004
    settings: dict[str, str] = field(default_factory=dict)      # lock_timeout, ...

    def row_count(self, table: str) -> int | None:
        return self.rows.get(table)

    def counter(self, session):
        """``table -> rows`` from the snapshot; a table it lacks is counted once through
        ``session`` and kept, so no plan counts a table twice.

        >>> f = Facts(rows={"a": 3})
        >>> class S:
        ...     def count_rows(self, t): return 7
        >>> count = f.counter(S())
        >>> count("a"), count("b"), f.rows
        (3, 7, {'a': 3, 'b': 7})
        """
        def count(table: str) -> int:
            if table not in self.rows:
                self.rows[table] = session.count_rows(table)
            return self.rows[table]
        return count

    def is_big(self, table: str) -> bool:
        return (self.rows.get(table) or 0) >= BIG_TABLE_ROWS

    def has_rows(self, table: str) -> bool:
        return (self.rows.get(table) or 0) > 0


NO_FACTS = Facts()


def gather_facts(session, tables, dialect) -> Facts:
    """Row counts, sizes and settings for ``tables`` that exist, read through
    ``session`` (the backend's :func:`live_facts`): the one snapshot a plan is fed."""
    facts = live_facts(dialect, session, tables)
    return Facts(dict(facts.rows), dict(facts.bytes), facts.server_version,
                 dict(facts.settings))


@overridable
def live_facts(dialect, session, tables) -> Facts:
    """Generic: exact row counts (backends override it to read sizes, estimates and
    settings, or to return :data:`NO_FACTS` where rows are not tables')."""
    return Facts({t: session.count_rows(t) for t in tables})
