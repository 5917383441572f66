"""Loading demo rows through each backend's bulk path, under the migration lock and
in one transaction (SQL): psycopg's COPY on PostgreSQL, executemany on MariaDB
(PyMySQL sends multi-row INSERTs) and SQLite; insert_many on MongoDB.
"""
from __future__ import annotations

import random

from ..errors import SeedError
from ..hooks import overridable
from ..render.data import quote
from .demo import Pools, generate_table, plan_tables, progress_bar
from .report import SeedReport, TableResult
from .sql_io import _reason, driver_value, seed_session

CHUNK = 5000


def load_demo(wb, tables, rows: int, seed: int, progress):
    """Generate and load demo rows into every table named (default: all)."""
    if not isinstance(rows, int) or rows < 1:
        from ..errors import ConfigError
        raise ConfigError(f"rows must be a positive whole number, not {rows!r}")
    if not wb.dialect.relational:
        return load_documents(wb, tables, rows, seed, progress)
    return load_sql(wb, tables, rows, seed, progress)


def load_sql(wb, tables, rows: int, seed: int, progress) -> SeedReport:
    d = wb.dialect
    with seed_session(wb.backend, wb.lock_timeout) as s:
        schema = s.introspect()
        order, deferred = plan_tables(schema, tables)
        pools, parents, out = Pools(seed), {}, []
        bar = progress_bar(rows * len(order), progress, "demo data")
        try:
            for name in order:
                t = schema.table(name)
                _known_parents(s.conn, schema, t, parents, d)
                start = _next_key(s.conn, t, d)
                cols, data = generate_table(t, rows, seed, parents, schema.enums, start,
                                            pools, tuple(deferred.get(name, [])))
                types = [t.column(c).type for c in cols]
                data = [tuple(driver_value(v, ty, d.name) for v, ty in zip(r, types))
                        for r in data]
                bulk_insert(s, d, name, cols, data, bar)
                _advance_counters(s, t, d)
                parents[name] = _keys_of(t, cols, data)
                out.append(TableResult(name, _pk(t), inserted=len(data), source="demo"))
        finally:
            if bar is not None:
                bar.close()
    return SeedReport(out, env=f"demo data, seed {seed}")


def bulk_insert(s, d, table: str, cols, data, bar=None) -> None:
    """The plain bulk path for rows already in driver form (the benchmark's reference
    too): COPY on PostgreSQL, executemany in chunks elsewhere."""
    raw = s.conn.connection.dbapi_connection
    names = ", ".join(quote(c, d) for c in cols)
    target = quote(table, d)
    try:
        bulk_write(d, raw, target, names, len(cols), data, bar)
    except Exception as e:
        if isinstance(e, SeedError):
            raise
        raise SeedError(f"demo rows for {table} refused by the database: {_reason(e)}; "
                        "nothing was kept", table=table) from None


@overridable
def bulk_write(d, raw, target: str, names: str, width: int, data, bar=None) -> None:
    """Write ``data`` (rows of ``width`` driver values) into ``target`` (``names`` its
    quoted columns) on the driver's connection ``raw``: executemany in chunks (PyMySQL
    sends multi-row INSERTs); PostgreSQL overrides it with COPY."""
    sql = f"INSERT INTO {target} ({names}) VALUES ({', '.join([d.param_mark] * width)})"
    cur = raw.cursor()
    try:
        for i in range(0, len(data), CHUNK):
            cur.executemany(sql, data[i:i + CHUNK])
            if bar is not None:
                bar.update(len(data[i:i + CHUNK]))
    finally:
        cur.close()


def _pk(t) -> tuple[str, ...]:
    return t.primary_key.columns if t.primary_key else ()


def _known_parents(conn, schema, t, parents, d) -> None:
    """Key values of referenced tables that are not being generated (rows that exist)."""
    for fk in t.foreign_keys:
        if fk.ref_table in parents or fk.ref_table == t.name:
            continue
        cols = ", ".join(quote(c, d) for c in fk.ref_columns)
        got = conn.exec_driver_sql(f"SELECT {cols} FROM {quote(fk.ref_table, d)} "
                                   f"ORDER BY {cols} LIMIT 100000").all()
        parents[fk.ref_table] = [tuple(r) for r in got]


def _keys_of(t, cols, data) -> list[tuple]:
    """What children may reference: every referenced column set, as tuples."""
    out = []
    key = _pk(t) or (unique_cols(t) or cols[:1])
    idx = [cols.index(c) for c in key if c in cols]
    for r in data:
        out.append(tuple(r[i] for i in idx))
    return out


def unique_cols(t):
    for u in t.uniques:
        return u.columns
    return ()


def _next_key(conn, t, d) -> int:
    pk = _pk(t)
    if len(pk) != 1 or "INT" not in t.column(pk[0]).type.upper():
        return 1
    got = conn.exec_driver_sql(f"SELECT MAX({quote(pk[0], d)}) FROM {quote(t.name, d)}").scalar()
    return int(got or 0) + 1


def _advance_counters(s, t, d) -> None:
    advance_counters(d, s, t)


@overridable
def advance_counters(d, s, t) -> None:
    """Move ``t``'s counters past the ids written explicitly where the engine does not
    (PostgreSQL's sequences); by default nothing."""


# -- MongoDB -----------------------------------------------------------------------------
_BSON = {"int": lambda r, i: r.randrange(1, 10_000), "long": lambda r, i: r.randrange(1, 10**9),
         "double": lambda r, i: round(r.uniform(0, 1000), 2), "bool": lambda r, i: r.random() < .5,
         "date": lambda r, i: None}


def load_documents(wb, tables, rows: int, seed: int, progress) -> SeedReport:
    """Documents shaped like the sampled ones (top-level fields, their commonest type;
    unique index fields unique), written with insert_many; undone on failure."""
    backend = wb.backend
    with backend.session(wb.lock_timeout):
        schema = backend.introspect()
        names = list(tables or schema.collections)
        pools, out, written = Pools(seed), [], []
        bar = progress_bar(rows * len(names), progress, "demo data")
        try:
            for name in names:
                coll = schema.collection(name)
                docs = documents(coll, rows, seed, pools)
                for i in range(0, len(docs), 5000):
                    backend.db[name].insert_many(docs[i:i + 5000], ordered=True)
                    written.append((name, [d["_id"] for d in docs[i:i + 5000]]))
                    if bar is not None:
                        bar.update(len(docs[i:i + 5000]))
                out.append(TableResult(name, ("_id",), inserted=len(docs), source="demo"))
        except Exception as e:
            for name, ids in written:
                backend.db[name].delete_many({"_id": {"$in": ids}})
            raise SeedError(f"demo documents refused: {str(e).splitlines()[0]}; the ones "
                            "written were removed") from None
        finally:
            if bar is not None:
                bar.close()
    return SeedReport(out, env=f"demo data, seed {seed}")


def documents(coll, n: int, seed: int, pools: Pools) -> list[dict]:
    """``n`` documents for collection ``coll`` (pure)."""
    import datetime as dt
    from bson import ObjectId
    rng = random.Random(f"{seed}:{coll.name}")
    unique = {f for i in coll.indexes if i.unique for f, _ in i.key}
    fields = [(f.path, max(f.types, key=f.types.get)) for f in coll.fields
              if "." not in f.path and "[]" not in f.path and f.path != "_id" and f.types]
    out = []
    for i in range(n):
        doc = {"_id": ObjectId(rng.randbytes(12))}
        for path, bson in fields:
            if path in unique:
                doc[path] = f"{path}-{seed}-{i}" if bson == "string" else i + 1_000_000
            elif bson == "string":
                doc[path] = pools.pick(rng, "word")
            elif bson == "date":
                doc[path] = dt.datetime(2020, 1, 1) + dt.timedelta(minutes=rng.randrange(10**6))
            elif bson in _BSON:
                doc[path] = _BSON[bson](rng, i)
        out.append(doc)
    return out
