"""Copy MongoDB collections into SQL tables inferred from sampled documents
(:mod:`.infer`), resumably, then validate.

The tables are created in one transaction (their DDL is kept as ``tables.sql``).
Documents are read in ``_id`` order a page at a time; each page's rows and its
checkpoint (:class:`dbwork.data.copy.checkpoint.SqlCheckpoints`, in the target) commit
together, so a resumed copy neither repeats nor skips a document. A document the
tables cannot hold (a field or a type the sample did not show) is rejected and named.
Validation: rows per table against the documents and their array elements, a checksum
over every value on both sides, and a sample of rows compared field by field.
"""
from __future__ import annotations

import time

import sqlalchemy as sa

from ...errors import ConfigError, DocumentCopyRefused
from ...hooks import overridable
from ..copy.checkpoint import SqlCheckpoints, job_id
from ..copy.progress import Progress
from ..copy_report import CopyReport, TableCopy
from .infer import TablePlan, Unfit, document_rows, infer_tables
from .values import Checksum, fingerprint

BATCH = 500
SAMPLE_DOCS = 1000
SAMPLE_COMPARE = 20
_TYPES = {"INTEGER": sa.Integer, "BIGINT": sa.BigInteger, "DOUBLE": lambda: sa.Float(53),
          "NUMERIC": sa.Numeric, "TEXT": sa.Text, "TIMESTAMP": sa.DateTime,
          "BOOLEAN": sa.Boolean, "BLOB": sa.LargeBinary,
          "JSON": lambda: sa.JSON(none_as_null=True)}


def copy_from_documents(source_wb, target_wb, tables=None, resume=True, progress=True,
                        batch: int = BATCH, sample: int = SAMPLE_DOCS, split=()
                        ) -> CopyReport:
    """Copy collections of ``source_wb`` (MongoDB) into new tables of ``target_wb``
    (SQL). ``tables``: the collections to copy (default: all); ``split``: dotted paths
    ("orders.ship") of nested objects to split out into tables of their own (default:
    flattened into columns). One TableCopy per inferred table;
    ``report.scripts["tables.sql"]`` holds the DDL."""
    if source_wb.dialect.relational:
        raise ConfigError("copy_from_documents reads MongoDB: the source is "
                          f"{source_wb.dialect.name} (use copy_to_documents)")
    if not target_wb.dialect.relational:
        raise ConfigError("copy_from_documents writes a SQL database: the target is MongoDB")
    db = source_wb.backend.db
    names = _collections(db, tables)
    plans = {c: infer_tables(c, list(db[c].find({}).sort("_id", 1).limit(sample)),
                             _split_for(c, split)) for c in names}
    report = CopyReport(source_wb.display_url, target_wb.display_url)
    engine = target_wb.backend.engine
    meta = sa.MetaData()
    sa_tables = {p.name: _table(meta, p, target_wb.dialect.name)
                 for c in names for p in plans[c]}
    job = job_id("from_documents", source_wb.display_url, names)
    report.scripts["tables.sql"] = ddl(meta, engine)
    with engine.connect() as conn:
        store = SqlCheckpoints(conn.connection.dbapi_connection, _dialect(target_wb))
        store.ensure()
        owner = {p.name: c for c in names for p in plans[c]}
        _prepare(conn, store, job, sa_tables, owner, resume)
        with Progress(progress, "documents") as bars:
            for c in names:
                report.tables += _copy(conn, store, job, db, c, plans[c], sa_tables, bars, batch)
        for c in names:
            _validate(conn, db, plans[c], sa_tables, report)
    report.warnings += [n for c in names for p in plans[c] for n in p.notes]
    return report


def _split_for(collection: str, split) -> list[str]:
    prefix = collection + "."
    return [p[len(prefix):] for p in split if p.startswith(prefix)]


def _dialect(wb) -> str:
    return wb.dialect.name


def _collections(db, tables) -> list[str]:
    from ...backends.mongodb.introspect import is_user_collection
    have = sorted(n for n in db.list_collection_names() if is_user_collection(n))
    if tables is None:
        return have
    missing = [t for t in tables if t not in have]
    if missing:
        raise ConfigError(f"no collection {', '.join(map(repr, missing))} in "
                          f"{db.name} (collections: {', '.join(have) or 'none'})")
    return [t for t in have if t in set(tables)]


@overridable
def column_type(dialect: str, kind: str, key: bool):
    """The SQLAlchemy type of an inferred column of type ``kind`` (a key column when
    ``key``); MySQL overrides what it stores otherwise."""
    return sa.String(int(kind[8:-1])) if kind.startswith("VARCHAR") else _TYPES[kind]()


def _table(meta, p: TablePlan, dialect: str) -> sa.Table:
    cols = []
    for c in p.columns:
        t = column_type(dialect, c.sql_type, c.key)
        cols.append(sa.Column(c.name, t, primary_key=c.key, nullable=c.nullable or False,
                              autoincrement=False))
    args = []
    if p.parent:
        parent = meta.tables[p.parent]
        refs = [f"{p.parent}.{c.name}" for c in parent.primary_key.columns]
        args.append(sa.ForeignKeyConstraint(list(p.parent_key), refs))
    return sa.Table(p.name, meta, *cols, *args)


def ddl(meta, engine) -> str:
    from sqlalchemy.schema import CreateTable
    return "".join(f"{str(CreateTable(t).compile(dialect=engine.dialect)).strip()};\n\n"
                   for t in meta.sorted_tables)


def _prepare(conn, store, job, sa_tables, owner, resume) -> None:
    """Create the tables, or refuse one that exists without this copy's checkpoint."""
    insp = sa.inspect(conn)
    existing = [n for n in sa_tables if insp.has_table(n)]
    started = {c.table for c in store.all(job)}
    foreign = [n for n in existing if owner[n] not in started and
               not _empty(conn, sa_tables[n])]
    if foreign:
        raise DocumentCopyRefused(f"table {foreign[0]} already exists with rows this copy "
                                  "did not write: drop it or copy into another database",
                                  name=foreign[0])
    if not resume and started:
        for t in reversed(list(sa_tables.values())):
            t.drop(conn, checkfirst=True)
        conn.commit()
        store.clear(job)
    with _tx(conn):
        for t in sa_tables.values():
            t.create(conn, checkfirst=True)


def _tx(conn):
    """A fresh transaction (ends the one a read began by itself)."""
    if conn.in_transaction():
        conn.commit()
    return conn.begin()


def _empty(conn, t) -> bool:
    return conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() == 0


def _copy(conn, store, job, db, collection, plans, sa_tables, bars, batch) -> list[TableCopy]:
    started = time.monotonic()
    copies = {p.name: TableCopy(collection if p.parent is None else
                                f"{collection}.{'.'.join(p.array_path)}{'' if p.one else '[]'}",
                                target_name=p.name) for p in plans}
    cp = store.load(job, collection, "0")
    done = cp.rows if cp else 0
    if cp:
        for p in plans:
            copies[p.name].resumed_from = conn.execute(
                sa.select(sa.func.count()).select_from(sa_tables[p.name])).scalar()
        conn.commit()
    total = db[collection].count_documents({})
    bar = bars.bar(collection, total=total, initial=done)
    rejected = []
    while not (cp and cp.done):
        docs = list(db[collection].find({}).sort("_id", 1).skip(done).limit(batch))
        if not docs:
            break
        rows = {p.name: [] for p in plans}
        for d in docs:
            try:
                for t, rs in document_rows(plans, d).items():
                    rows[t] += rs
            except Unfit as e:
                rejected.append((d.get("_id"), str(e)))
        with _tx(conn):
            for p in plans:
                if rows[p.name]:
                    conn.execute(sa_tables[p.name].insert(), rows[p.name])
                    copies[p.name].written += len(rows[p.name])
            done += len(docs)
            store.save(job, collection, "0", (done,), done, done=len(docs) < batch)
        bar.update(len(docs))
        if len(docs) < batch:
            break
    if not (cp and cp.done):
        with _tx(conn):
            store.save(job, collection, "0", (done,), done, done=True)
    root = copies[plans[0].name]
    root.rejected = len(rejected)
    root.rejected_keys = [_key(k) for k, _ in rejected]
    root.errors += [f"{collection} _id={_key(k)!r}: {why}" for k, why in rejected[:20]]
    for tc in copies.values():
        tc.seconds = time.monotonic() - started
    return list(copies.values())


def _key(v):
    return v if isinstance(v, (int, str, float)) else str(v)


def _validate(conn, db, plans, sa_tables, report) -> None:
    """Rows per table and a checksum over every value, from the documents against the
    rows read back; a sample of root rows compared field by field."""
    by_target = {t.target_name: t for t in report.tables}
    source = {p.name: Checksum() for p in plans}
    expected_root = {}
    for d in db[plans[0].collection].find({}).sort("_id", 1):
        try:
            rows = document_rows(plans, d)
        except Unfit:
            rows = {}
        for t, rs in rows.items():
            for r in rs:
                source[t].add([r.get(c.name) for c in _plan(plans, t).columns])
        if rows and len(expected_root) < SAMPLE_COMPARE:
            expected_root[fingerprint(rows[plans[0].name][0]["_id"])] = rows[plans[0].name][0]
    for p in plans:
        target, t = Checksum(), sa_tables[p.name]
        found = {}
        for r in conn.execute(sa.select(*t.c)):
            row = dict(r._mapping)
            target.add([row[c.name] for c in p.columns])
            if p.parent is None and fingerprint(row["_id"]) in expected_root:
                found[fingerprint(row["_id"])] = row
        tc = by_target[p.name]
        tc.read = source[p.name].rows + (tc.rejected if p.parent is None else 0)
        tc.checksum_match = source[p.name] == target
        if not tc.checksum_match:
            tc.errors.append(f"{p.name}: checksum differs ({source[p.name].rows} rows from "
                             f"the documents, {target.rows} in the table)")
        if p.parent is None:
            _compare(expected_root, found, tc, p)


def _plan(plans, name) -> TablePlan:
    return next(p for p in plans if p.name == name)


def _compare(expected: dict, found: dict, tc: TableCopy, p: TablePlan) -> None:
    diffs = []
    for key, want in expected.items():
        got = found.get(key)
        if got is None:
            diffs.append(f"{p.name} _id={want['_id']!r}: missing")
            continue
        diffs += [f"{p.name} _id={want['_id']!r}: {c.name}: expected {want.get(c.name)!r}, "
                  f"found {got.get(c.name)!r}" for c in p.columns
                  if fingerprint(want.get(c.name)) != fingerprint(got.get(c.name))]
    tc.notes.append(f"sample: {len(expected)} row(s) compared field by field, "
                    f"{len(diffs)} difference(s)")
    tc.errors += diffs[:20]
    if diffs:
        tc.checksum_match = False
