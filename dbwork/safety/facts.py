"""Live numbers the lint rules may use: row counts, table sizes, server version and
timeout settings. The one I/O function here is :func:`gather_facts`; rules read the
:class:`Facts` value and never touch the database.

>>> f = Facts(rows={"users": 10})
>>> f.row_count("users"), f.row_count("other")
(10, None)
"""
from __future__ import annotations

from dataclasses import dataclass, field

BIG_TABLE_ROWS = 100_000   # "big" for rules that care (a rough, stated threshold)


@dataclass(frozen=True)
class Facts:
    rows: dict[str, int] = field(default_factory=dict)          # exact or estimated
    bytes: dict[str, int] = field(default_factory=dict)         # PostgreSQL: total size
    server_version: int | None = None                           # PostgreSQL: 150004
    settings: dict[str, str] = field(default_factory=dict)      # lock_timeout, ...

    def row_count(self, table: str) -> int | None:
        return self.rows.get(table)

    def is_big(self, table: str) -> bool:
        return (self.rows.get(table) or 0) >= BIG_TABLE_ROWS

    def has_rows(self, table: str) -> bool:
        return (self.rows.get(table) or 0) > 0


NO_FACTS = Facts()


def gather_facts(session, tables, dialect) -> Facts:
    """Row counts (exact below a million rows on PostgreSQL's estimate, else the
    estimate), sizes and settings for ``tables`` that exist, read through ``session``."""
    if dialect.family != "sql":
        return NO_FACTS
    rows, sizes, version, settings = {}, {}, None, {}
    if dialect.name == "postgresql":
        version = int(session.query("SHOW server_version_num")[0][0])
        for name in ("lock_timeout", "statement_timeout"):
            settings[name] = str(session.query(f"SHOW {name}")[0][0])
        for t in tables:
            got = session.query(
                "SELECT c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c "
                "WHERE c.oid = to_regclass(:t)", {"t": dialect.quote(t)})
            if got:
                est, size = got[0]
                sizes[t] = int(size)
                rows[t] = int(est) if est and est > 1_000_000 else session.count_rows(t)
        return Facts(rows, sizes, version, settings)
    for t in tables:
        rows[t] = session.count_rows(t)
    return Facts(rows, sizes, version, settings)
