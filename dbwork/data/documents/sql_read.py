"""Reading a SQL source for the document copy and the measurements: rows in key order
after a key (keyset pages, which is also how a copy resumes), the children of a page of
parents, and the numbers a design is decided on. SQLAlchemy Core only.
"""
from __future__ import annotations

import sqlalchemy as sa

from .stats import LinkStats, Measurements, TableStats


def table_clause(t) -> sa.TableClause:
    return sa.table(t.name, *[sa.column(c.name) for c in t.columns])


def key_columns(t) -> tuple[str, ...]:
    return tuple(t.primary_key.columns) if t.primary_key else tuple(c.name for c in t.columns)


def page(conn, t, after: tuple | None, limit: int) -> list[dict]:
    """Up to ``limit`` rows of ``t`` in primary-key order, after key ``after``."""
    tc = table_clause(t)
    keys = [tc.c[k] for k in key_columns(t)]
    q = sa.select(*tc.c).order_by(*keys).limit(limit)
    if after is not None:
        q = q.where(sa.tuple_(*keys) > sa.tuple_(*after) if len(keys) > 1 else keys[0] > after[0])
    return [dict(r._mapping) for r in conn.execute(q)]


def rows_in_order(conn, t, batch: int = 5000):
    """Every row of ``t`` in key order, a page at a time."""
    after = None
    keys = key_columns(t)
    while True:
        rows = page(conn, t, after, batch)
        yield from rows
        if len(rows) < batch:
            return
        after = tuple(rows[-1][k] for k in keys)


def children_of(conn, t, fk_columns, parent_keys: list[tuple]) -> list[dict]:
    """Rows of ``t`` whose ``fk_columns`` are among ``parent_keys``, in key order."""
    if not parent_keys:
        return []
    tc = table_clause(t)
    cols = [tc.c[c] for c in fk_columns]
    out = []
    for i in range(0, len(parent_keys), 500):
        chunk = parent_keys[i:i + 500]
        cond = cols[0].in_([k[0] for k in chunk]) if len(cols) == 1 else \
            sa.tuple_(*cols).in_(chunk)
        q = sa.select(*tc.c).where(cond).order_by(*[tc.c[k] for k in key_columns(t)])
        out += [dict(r._mapping) for r in conn.execute(q)]
    return out


def count(conn, t) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table_clause(t))).scalar()


def measure(conn, schema, tables: list[str], doc_size, sample: int = 200) -> Measurements:
    """Rows and document sizes per table (``doc_size(table, row)`` in bytes, over the
    first ``sample`` rows), children per parent for each foreign key among ``tables``."""
    stats, links = {}, {}
    for name in tables:
        t = schema.table(name)
        sizes = [doc_size(name, r) for r in page(conn, t, None, sample)]
        stats[name] = TableStats(count(conn, t), sum(sizes) / len(sizes) if sizes else 0.0,
                                 max(sizes, default=0), len(sizes))
        for fk in t.foreign_keys:
            if fk.ref_table in tables and fk.ref_table != name:
                link = measure_link(conn, t, fk)
                links[link.key] = link
    return Measurements(stats, links)


def measure_link(conn, t, fk) -> LinkStats:
    tc = table_clause(t)
    cols = [tc.c[c] for c in fk.columns]
    per = sa.select(sa.func.count().label("n")).where(
        sa.and_(*[c.isnot(None) for c in cols])).group_by(*cols).subquery()
    mx, avg, parents = conn.execute(sa.select(sa.func.max(per.c.n), sa.func.avg(per.c.n),
                                              sa.func.count())).one()
    nulls = conn.execute(sa.select(sa.func.count()).select_from(tc).where(
        sa.or_(*[c.is_(None) for c in cols]))).scalar()
    return LinkStats(t.name, tuple(fk.columns), fk.ref_table, tuple(fk.ref_columns),
                     int(mx or 0), round(float(avg or 0), 2), int(parents or 0), int(nulls or 0))
