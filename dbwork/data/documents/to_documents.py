"""Copy a SQL database into MongoDB along a document design, resumably, then validate.

Per collection: the collection is created with its validator (the ``create`` command
``setup.js`` shows), the root table is read a page at a time in primary-key order, the
embedded tables of each page are read by foreign key and nested, the documents are
written with ``insert_many`` (the first page after a resume as upserts by ``_id``, so
a page written before a stop is not written twice), and a checkpoint (the last key)
is saved after each page. Indexes come after the data. Then the validation runs: the
queries of ``validate.js`` (documents per collection, embedded rows through the
arrays, documents the validator refuses), a checksum over every value of every row
on both sides, and a sample of documents compared field by field.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import Counter

from ...errors import ConfigError, DocumentCopyRefused
from ..copy.checkpoint import job_id
from ..copy.progress import Progress
from ..copy_report import CopyReport, TableCopy
from . import build, scripts
from .checkpoints import MongoCheckpoints
from .sql_read import children_of, count, key_columns, page, rows_in_order
from .values import Checksum

BATCH = 500
SAMPLE = 20


def copy_to_documents(source_wb, target_wb, tables=None, design=None, resume=True,
                      progress=True, batch: int = BATCH, validate: bool = True) -> CopyReport:
    """Copy ``source_wb`` (SQL) into ``target_wb`` (MongoDB) along ``design`` (default:
    :func:`design_documents` of the source). Returns a CopyReport with one TableCopy
    per table (``target_name`` says where its rows went) and, in ``report.scripts``,
    setup.js, validate.js, pipeline.py and design.json. ``validate=False`` skips the
    validation (checksum_match stays None: "not validated")."""
    _check_sides(source_wb, target_wb)
    if design is None:
        from . import design_documents
        design = design_documents(source_wb, tables)
    roots = [r for r in design.collections if not tables or r in set(tables)]
    db = target_wb.backend.db
    store = MongoCheckpoints(db)
    job = job_id("to_documents", source_wb.display_url, design_hash(design))
    report = CopyReport(source_wb.display_url, target_wb.display_url)
    with target_wb.backend.session(target_wb.lock_timeout):
        states = {r: _prepare(db, store, job, design, r, resume) for r in roots}
        with source_wb.backend.connect() as conn, Progress(progress, "rows") as bars:
            for root in roots:
                report.tables += _copy_collection(conn, db, store, job, design, root,
                                                  states[root], bars, batch)
            _create_indexes(db, design, roots)
            rows = {t: count(conn, design.table(t)) for t in design.tables}
            if validate:
                check(conn, db, design, roots, report, rows)
    report.scripts = design.scripts(expected=rows)
    report.warnings += [n for t in report.tables for n in t.notes if "microseconds" in n]
    report.warnings += list(getattr(design, "untranslated", [])) + \
        list(getattr(design, "index_notes", []))
    return report


def _check_sides(source_wb, target_wb) -> None:
    if not source_wb.dialect.relational:
        raise ConfigError("copy_to_documents reads a SQL database: the source is MongoDB "
                          "(use copy_from_documents)")
    if target_wb.dialect.relational:
        raise ConfigError(f"copy_to_documents writes MongoDB: the target is "
                          f"{target_wb.dialect.name}")


def design_hash(design) -> str:
    return hashlib.sha256(json.dumps(design.to_dict(), sort_keys=True).encode()).hexdigest()[:16]


# -- before writing: what the target holds ------------------------------------------------
def _prepare(db, store, job, design, root, resume) -> dict:
    """Decide, before anything is written, whether ``root`` starts, resumes or is
    refused; refusals name the collection."""
    t = design.table(root)
    if not t.primary_key:
        raise DocumentCopyRefused(f"{root} has no primary key: its documents could not be "
                                  "keyed for a resumable copy (embed it in a parent, or add "
                                  "a primary key)", name=root)
    cp = store.load(job, root)
    existing = root in db.list_collection_names()
    held = db[root].count_documents({}) if existing else 0
    if cp is None and held:
        raise DocumentCopyRefused(f"collection {root} already holds {held} document(s) that "
                                  "this copy did not write: drop it or copy into another "
                                  "database", name=root)
    if cp is not None and not resume:
        db.drop_collection(root)
        store.clear(job, root)
        cp, existing = None, False
    return {"checkpoint": cp, "exists": existing}


def _create(db, design, root) -> None:
    for cmd in scripts.create_commands(design):
        if cmd["create"] == root:
            db.command(cmd)


def _create_indexes(db, design, roots) -> None:
    for cmd in scripts.index_commands(design):
        if cmd["createIndexes"] in roots:
            db.command(cmd)


# -- the copy -------------------------------------------------------------------------------
def _copy_collection(conn, db, store, job, design, root, state, bars, batch) -> list[TableCopy]:
    started = time.monotonic()
    cp = state["checkpoint"]
    if not state["exists"]:
        _create(db, design, root)
    inside = [t for t in design.tables if design.root_of(t) == root]
    copies = {t: TableCopy(t, target_name=design.target_name(t)) for t in inside}
    done_before = Counter(store.meta(job, root).get("rows", {})) if cp else Counter()
    for t in inside:
        copies[t].resumed_from = done_before.get(t, 0)
    rejected = store.rejected(job, root) if cp else []
    lossy: Counter = Counter()
    if cp is None or not cp.done:
        t = design.table(root)
        bar = bars.bar(root, total=count(conn, t), initial=cp.rows if cp else 0)
        after, replay, written = (cp.last_key if cp else None), cp is not None, \
            (cp.rows if cp else 0)
        while True:
            rows = page(conn, t, after, batch)
            if not rows:
                break
            docs = assemble(conn, design, root, rows, lossy)
            ok, bad = _write(db[root], docs, replay)
            for d in ok:
                for table, n in embedded_counts(design, root, d).items():
                    copies[table].written += n
                    done_before[table] += n
            rejected += bad
            written += len(rows)
            after = tuple(rows[-1][k] for k in key_columns(t))
            store.save(job, root, "0", after, written, meta=_meta(design, done_before),
                       rejected=rejected)
            replay = False
            bar.update(len(rows))
        store.save(job, root, "0", after, written, done=True, meta=_meta(design, done_before),
                   rejected=rejected)
    for table in sorted({t for t, _ in lossy}):
        copies[table].notes += precision_notes(Counter({k: v for k, v in lossy.items()
                                                        if k[0] == table}))
    copies[root].rejected = len(rejected)
    copies[root].rejected_keys = [r["key"] for r in rejected]
    copies[root].errors += [f"{root} _id={r['key']!r}: {r['error']}" for r in rejected[:20]]
    for c in copies.values():
        c.seconds = time.monotonic() - started
    return list(copies.values())


def _meta(design, rows: Counter) -> dict:
    return {"design": design_hash(design), "rows": dict(rows)}


def assemble(conn, design, table: str, rows: list[dict], lossy: Counter | None = None
             ) -> list[dict]:
    """The documents of ``rows`` of ``table``, with every embedded table read and nested.
    ``lossy`` counts, per (table, column), timestamps whose microseconds a BSON date
    (milliseconds) cannot keep."""
    if lossy is not None:
        _count_lossy(design, table, rows, lossy)
    children = {}
    for p in design.children(table):
        keys = sorted({tuple(r.get(c) for c in p.fk.ref_columns) for r in rows},
                      key=repr)
        keys = [k for k in keys if None not in k]
        kids = children_of(conn, design.table(p.table), p.fk.columns, keys)
        docs = assemble(conn, design, p.table, kids, lossy)
        grouped: dict = {}
        for kid, doc in zip(kids, docs):
            grouped.setdefault(build.child_key(design, p.table, p.fk.columns, kid), []).append(doc)
        children[p.table] = grouped
    return [build.document(design, table, r, children) for r in rows]


def _count_lossy(design, table: str, rows: list[dict], lossy: Counter) -> None:
    from .. import values as sql_values
    cols = [c for c in design.table(table).columns
            if sql_values.kind_of(c.type) == "datetime"]
    for c in cols:
        for r in rows:
            v = r.get(c.name)
            if v is None:
                continue
            try:
                v = sql_values.canonical(v, c.type)
            except ValueError:
                continue
            if v.microsecond % 1000:
                lossy[(table, c.name)] += 1


def precision_notes(lossy: Counter) -> list[str]:
    return [f"{t}.{c}: {n} value(s) carry microseconds; a BSON date keeps milliseconds, "
            "so they were truncated (store them as text in a design of your own to keep them)"
            for (t, c), n in sorted(lossy.items())]


def embedded_counts(design, table: str, doc: dict) -> Counter:
    """Rows of each table one document holds (itself included)."""
    out = Counter({table: 1})
    for p in design.children(table):
        inner = doc.get(p.field)
        items = inner if isinstance(inner, list) else ([inner] if inner else [])
        for item in items:
            out += embedded_counts(design, p.table, item)
    return out


def _write(coll, docs: list[dict], replay: bool) -> tuple[list[dict], list[dict]]:
    """Write ``docs``; (written documents, rejected {key, error}). ``replay``: upsert by
    _id, for a page that may have been written before a stop."""
    from pymongo import ReplaceOne
    from pymongo.errors import BulkWriteError
    try:
        if replay:
            coll.bulk_write([ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in docs],
                            ordered=False)
        else:
            coll.insert_many(docs, ordered=False)
        return docs, []
    except BulkWriteError as e:
        errors = e.details.get("writeErrors") or []
        bad = {err.get("index"): err.get("errmsg", "refused").splitlines()[0] for err in errors}
        ok = [d for i, d in enumerate(docs) if i not in bad]
        return ok, [{"key": _plain(docs[i].get("_id")), "error": msg} for i, msg in bad.items()]


def _plain(v):
    return v if isinstance(v, (int, str, float)) else repr(v)


# -- validation ------------------------------------------------------------------------------
def check(conn, db, design, roots, report: CopyReport, rows: dict[str, int]) -> None:
    """Run the validation queries, the checksums and the sample; record the outcome
    in ``report``'s TableCopy entries (checksum_match, errors) and warnings."""
    by_table = {t.name: t for t in report.tables}
    for q in scripts.validation_queries(design, rows):
        if q.collection not in roots:
            continue
        got = run_query(db, q)
        if got != q.expect:
            problem = f"{q.label}: expected {q.expect}, found {got}"
            table = _table_of(design, q, by_table)
            (by_table[table].errors if table else report.warnings).append(problem)
    for root in roots:
        _checksums(conn, db, design, root, by_table)


def run_query(db, q) -> int:
    if q.pipeline is not None:
        out = list(db[q.collection].aggregate(q.pipeline))
        return int(out[0]["n"]) if out else 0
    return db[q.collection].count_documents(q.filter)


def _table_of(design, q, by_table) -> str | None:
    for t in by_table:
        if q.label.startswith(design.target_name(t) + ":") and "validator" not in q.label:
            return t
    return None


def _checksums(conn, db, design, root, by_table) -> None:
    inside = [t for t in design.tables if design.root_of(t) == root]
    source = {t: Checksum() for t in inside}
    step = max(1, count(conn, design.table(root)) // SAMPLE)
    sample_ids, found = {}, {}
    for t in inside:
        for i, r in enumerate(rows_in_order(conn, design.table(t))):
            source[t].add_fingerprints(build.row_fingerprints(design, t, r))
            if t == root and i % step == 0 and len(sample_ids) < SAMPLE:
                sample_ids[_id_key(design, root, r)] = r   # a sample spread over the keys
    target = {t: Checksum() for t in inside}
    for doc in db[root].find({}):
        for t, fps in build.source_rows(design, root, doc):
            target[t].add_fingerprints(fps)
        key = build.fingerprint_id(doc.get("_id"))
        if key in sample_ids:
            found[key] = doc
    for t in inside:
        c = by_table[t]
        c.read = source[t].rows
        c.checksum_match = source[t] == target[t]
        if not c.checksum_match:
            c.errors.append(f"{design.target_name(t)}: checksum differs ({source[t].rows} rows "
                            f"in the source, {target[t].rows} rebuilt from the documents)")
    _compare_sample(conn, design, root, sample_ids, found, by_table[root])


def _id_key(design, root: str, row: dict) -> str:
    return build.fingerprint_id(build.document(design, root, row, {}).get("_id"))


def _compare_sample(conn, design, root, sample_ids, found, copy: TableCopy) -> None:
    rows = list(sample_ids.values())
    expected = assemble(conn, design, root, rows) if rows else []
    diffs = []
    for doc in expected:
        key = build.fingerprint_id(doc.get("_id"))
        got = found.get(key)
        if got is None:
            diffs.append(f"{root} _id={doc.get('_id')!r}: missing")
            continue
        diffs += [f"{root} _id={doc.get('_id')!r}: {d}" for d in build.differences(doc, got)]
    copy.notes.append(f"sample: {len(expected)} document(s) compared field by field, "
                      f"{len(diffs)} difference(s)")
    copy.errors += diffs[:20]
    if diffs:
        copy.checksum_match = False
