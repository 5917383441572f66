"""The SQL-to-SQL copy from start to end: read the source schema, translate it, create
the tables, copy every table's chunks in foreign-key order on local workers or a Dask
cluster, add keys and indexes after the data, set sequences past the copied ids,
validate, report. Checkpoints make every step resumable."""
from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from dataclasses import dataclass, field, replace

from ...dialects import get_dialect
from ...errors import CopyFailed, CopyRefused, UnknownObjectError
from ...hooks import overridable
from ...model.schema import Schema, Table
from ..copy_report import CopyReport, TableCopy
from . import dbapi
from .executors import as_completed, default_workers, is_dask
from .validate import Validation, validate_copy
from .canon import family_of
from .checkpoint import SqlCheckpoints, job_id
from .progress import Progress
from .transfer import ChunkResult, ChunkSpec, TableSpec, chunk_bounds, chunk_id, run_chunk
from .translate import fk_order, named, translate_table
from . import ddl

SKIP_PREFIXES = ("dbwork_", "_dbwork_")


@dataclass
class Options:
    batch_rows: int = 50_000
    chunk_rows: int = 250_000
    workers: int | None = None
    validate: bool = True


@dataclass
class Job:
    """What one copy call works on (the plan plus where it stands)."""

    source_wb: object
    target_wb: object
    source: str
    target: str
    source_url: str = field(repr=False)
    target_url: str = field(repr=False)
    tables: list[Table] = field(default_factory=list)       # target tables, FK order
    source_tables: dict = field(default_factory=dict)
    specs: dict = field(default_factory=dict)
    identities: dict = field(default_factory=dict)
    enums: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    id: str = ""
    counts: dict = field(default_factory=dict)     # source rows per table (progress totals)
    done_before: dict = field(default_factory=dict)  # rows checkpointed by earlier runs
    ranges: dict = field(default_factory=dict)     # table -> chunk key ranges (lo, hi)


def copy_sql(source_wb, target_wb, tables=None, resume=True, progress=True, executor=None,
             options: Options | None = None) -> CopyReport:
    opts = options or Options()
    job = plan(source_wb, target_wb, tables)
    started = time.monotonic()
    tconn = dbapi.connect(job.target_url, target_wb.timeouts.connect)
    try:
        store = SqlCheckpoints(tconn, job.target)
        store.ensure()
        if not resume:
            store.clear(job.id)
        known = {c.table for c in store.all(job.id)}
        present = prepare_target(job, tconn, known)
        already_copied(job, present, executor)
        chunks = plan_chunks(job, store, opts, skip=set(present))
    finally:
        tconn.close()
    # the source's checksums run while the rows move (it is only read meanwhile)
    check = Validation(job, executor).start(0) if opts.validate else None
    try:
        results = run_chunks(job, chunks, executor, progress, opts)
        report = _report(job, results)
        for name in present:
            report.table(name).notes.append("already in the target, row for row: "
                                            "nothing copied")
        finish_target(job, report, opts.workers)
    except BaseException:
        if check is not None:
            check.close(wait=False)
        raise
    if check is not None:
        check.finish(report)
    _timings(report, time.monotonic() - started)
    if report.ok:
        _forget(job)
    return report


def verify(source_wb, target_wb, tables=None, executor=None) -> CopyReport:
    """Validation alone, for a copy made earlier."""
    job = plan(source_wb, target_wb, tables)
    report = _report(job, [])
    validate_copy(job, report, executor)
    return report


# -- planning ----------------------------------------------------------------------------
def plan(source_wb, target_wb, tables=None) -> Job:
    """Everything decided before a row moves: checked names, translated tables (a type
    the target cannot hold is refused here), foreign-key order."""
    src_schema = source_schema(source_wb)
    names = _chosen(src_schema, tables)
    source, target = source_wb.dialect.name, target_wb.dialect.name
    job = Job(source_wb, target_wb, source, target,
              source_wb.url.sqlalchemy_url(), target_wb.url.sqlalchemy_url())
    src_schema = _declared_types(job, src_schema, names)
    lengths = _text_lengths(job, src_schema, names) if target == "mysql" else {}
    out = []
    for name in names:
        t = src_schema.tables[name]
        tr = translate_table(t, source, target, src_schema.enums, lengths.get(name))
        job.warnings += tr.warnings
        job.enums.update(tr.enum_types)
        if tr.identity:
            job.identities[name] = tr.identity
        job.source_tables[name] = t
        out.append(tr.table)
    job.tables = fk_order(named(out, get_dialect(target).fit))
    for t in job.tables:
        job.specs[t.name] = table_spec(job.source_tables[t.name], t, source, target)
    job.id = job_id(source_wb.url.masked(), target_wb.url.masked(),
                    [t.name for t in job.tables])
    return job


def source_schema(wb) -> Schema:
    """The source's schema; on SQLite with the column-level UNIQUEs SQLAlchemy's
    inspector does not report (read from PRAGMA index_list)."""
    return with_unreported_uniques(wb.dialect, wb, wb.schema())


@overridable
def with_unreported_uniques(dialect, wb, schema: Schema) -> Schema:
    """``schema`` with the unique constraints the inspector does not report (SQLite's
    column-level UNIQUEs); by default as it is."""
    return schema


def _declared_types(job: Job, schema: Schema, names) -> Schema:
    """Columns whose type SQLAlchemy does not know (it reports NULL: a PostgreSQL POINT,
    a range) get the type the server's catalog declares, so the translation can map or
    refuse it by name."""
    unknown = [(n, c.name) for n in names for c in schema.tables[n].columns
               if (c.type or "").upper() in ("NULL", "NULLTYPE")]
    if not unknown or job.source == "sqlite":
        return schema
    conn = dbapi.connect(job.source_url)
    mark = "%s"
    where = "table_schema = current_schema()" if job.source == "postgresql" else \
        "table_schema = DATABASE()"
    col = "udt_name" if job.source == "postgresql" else "column_type"
    try:
        declared = {}
        for table, column in unknown:
            rows = dbapi.run(conn, f"SELECT {col} FROM information_schema.columns WHERE "
                                   f"{where} AND table_name = {mark} AND column_name = {mark}",
                             (table, column))
            if rows:
                declared[(table, column)] = str(rows[0][0]).upper().lstrip("_")
    finally:
        conn.close()
    tables = dict(schema.tables)
    for (table, column), type_ in declared.items():
        t = tables[table]
        tables[table] = t.replacing_column(column, replace(t.column(column), type=type_))
    return replace(schema, tables=tables)


def _chosen(schema: Schema, tables) -> list[str]:
    if tables is None:
        return sorted(n for n in schema.tables if not n.startswith(SKIP_PREFIXES))
    names = [tables] if isinstance(tables, str) else list(tables)
    for n in names:
        if n not in schema.tables:
            raise UnknownObjectError("table", n)
    return names


def _text_lengths(job: Job, schema: Schema, names) -> dict:
    """For MariaDB: the longest value of every TEXT column that a key or index uses."""
    conn = dbapi.connect(job.source_url)
    q = get_dialect(job.source).quote
    length = "LENGTH" if job.source != "mysql" else "CHAR_LENGTH"
    out: dict = {}
    try:
        for n in names:
            t = schema.tables[n]
            keyed = set(t.primary_key.columns if t.primary_key else ())
            for g in (*t.uniques, *t.foreign_keys, *t.indexes):
                keyed.update(g.columns)
            for c in t.columns:
                if c.name in keyed and family_of(c.type or "TEXT") in ("text", "other"):
                    (m,), = dbapi.run(conn, f"SELECT MAX({length}({q(c.name)})) FROM {q(n)}")
                    out.setdefault(n, {})[c.name] = int(m or 0)
        return out
    finally:
        conn.close()


def table_spec(src: Table, tgt: Table, source: str = "", target: str = "") -> TableSpec:
    key = tuple(src.primary_key.columns) if src.primary_key else ()
    if len(key) == 1 and family_of(src.column(key[0]).type or "") == "integer":
        mode = "range"
    else:
        mode = "keyset" if key else "whole"
    same = source == target == "postgresql" and \
        [c.type for c in src.columns] == [c.type for c in tgt.columns]
    return TableSpec(src.name, tgt.name, tuple(c.name for c in src.columns), key, mode,
                     tuple(family_of(c.type or "TEXT") for c in src.columns),
                     tuple(family_of(c.type or "TEXT") for c in tgt.columns), same)


# -- the target's tables -------------------------------------------------------------
def prepare_target(job: Job, conn, known: set[str]) -> dict[str, int]:
    """Create what is missing. A table that exists already is copied into if this job
    has checkpoints for it, or if it is empty; the tables that hold rows without
    checkpoints are returned (name -> rows) to be checked against the source."""
    existing = ddl.existing_tables(conn, job.target)
    present = {}
    for t in job.tables:
        if t.name in existing and t.name not in known:
            n = dbapi.run(conn, f"SELECT COUNT(*) FROM {get_dialect(job.target).quote(t.name)}")[0][0]
            if job.target != "sqlite":
                conn.rollback()
            if n:
                present[t.name] = n
    for st in ddl.before_data(job.tables, job.enums, job.target,
                              existing | ddl.existing_types(conn, job.target)):
        dbapi.run(conn, st)
    conn.commit()
    return present


def already_copied(job: Job, present: dict[str, int], executor=None) -> None:
    """Tables that already hold rows (a copy that finished before, a re-run notebook):
    left alone when they hold exactly the source's rows, else refused, before anything
    is written."""
    if not present:
        return
    sub = replace(job, tables=[t for t in job.tables if t.name in present], counts={},
                  ranges={})
    check = _report(sub, [])
    validate_copy(sub, check, executor)
    for t in check.tables:
        if not t.checksum_match:
            raise CopyRefused(t.name, reason=f"the target's table already holds "
                                             f"{present[t.name]} rows that are not the "
                                             f"source's (drop it, or copy into an empty one)")


def plan_chunks(job: Job, store: SqlCheckpoints, opts: Options,
                skip=()) -> list[ChunkSpec]:
    """The chunks of every table: as checkpointed (a resume keeps the first run's
    ranges), or split now by primary-key range and recorded."""
    saved: dict = {}
    for c in store.all(job.id):
        saved.setdefault(c.table, []).append(c.chunk)
        job.done_before[c.table] = job.done_before.get(c.table, 0) + c.rows
    src = dbapi.connect(job.source_url)
    out = []
    try:
        for t in job.tables:
            if t.name in skip:      # already there, row for row: no chunk, no checkpoint
                continue
            spec = job.specs[t.name]
            ids, step = _chunks_of(src, job, spec, saved.get(t.name), opts)
            if t.name not in saved:
                for cid in ids:
                    store.save(job.id, t.name, cid, None, 0)
            out += [_chunk_spec(job, spec, cid, step) for cid in ids]
            if spec.mode == "range":   # the first range open below: no key escapes the check
                bounds = [chunk_bounds(c) for c in ids]
                job.ranges[t.name] = [(None, bounds[0][1])] + bounds[1:]
        store.conn.commit()
    finally:
        src.close()
    return out


def _chunks_of(src, job: Job, spec: TableSpec, saved, opts: Options):
    q = get_dialect(job.source).quote
    if spec.mode != "range":
        job.counts[spec.name] = dbapi.run(src, f"SELECT COUNT(*) FROM {q(spec.name)}")[0][0]
        if job.source != "sqlite":
            src.rollback()
        return (saved or ["all"]), opts.batch_rows
    lo, hi, n = dbapi.run(src, f"SELECT MIN({q(spec.key[0])}), MAX({q(spec.key[0])}), "
                               f"COUNT(*) FROM {q(spec.name)}")[0]
    job.counts[spec.name] = n
    if job.source != "sqlite":
        src.rollback()
    if not n:
        lo = hi = 0
        n = 1
    lo, hi = int(lo), int(hi)
    step = max(1, int(opts.batch_rows * (hi - lo + 1) / n))
    if saved:
        return sorted(saved, key=lambda c: (chunk_bounds(c)[0] is not None,
                                            chunk_bounds(c)[0] or 0)), step
    parts = max(1, min(-(-n // max(1, opts.chunk_rows)), 64))
    width = max(1, -(-(hi - lo + 1) // parts))
    bounds = [lo - 1 + i * width for i in range(parts)] + [None]
    return [chunk_id(a, b) for a, b in zip(bounds, bounds[1:])], step


def _chunk_spec(job: Job, spec: TableSpec, cid: str, step: int) -> ChunkSpec:
    lo, hi = chunk_bounds(cid) if spec.mode == "range" else (None, None)
    return ChunkSpec(job.id, job.source_url, job.target_url, job.source, job.target, spec,
                     cid, lo, hi, step)


# -- running the chunks ------------------------------------------------------------------
def run_chunks(job: Job, chunks: list[ChunkSpec], executor, progress, opts: Options):
    """Every chunk to its end; a Ctrl-C lets running batches commit, then stops."""
    stop = threading.Event()
    with Progress(progress) as bars:
        bar = {t.name: bars.bar(t.name, total=job.counts.get(t.name),
                                initial=job.done_before.get(t.name, 0)) for t in job.tables}
        own = executor is None
        pool = executor or cf.ThreadPoolExecutor(opts.workers or default_workers(job.target))
        try:
            return _collect(job, chunks, pool, bar, stop)
        except KeyboardInterrupt:
            stop.set()
            raise
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)


def _collect(job: Job, chunks, pool, bar, stop) -> list[ChunkResult]:
    dask = is_dask(pool)
    futures = {}
    for spec in chunks:
        if dask:
            f = pool.submit(run_chunk, spec, pure=False)
        else:
            f = pool.submit(run_chunk, spec, bar[spec.table.name].update, stop)
        futures[f] = spec
    results, failures = [], []
    for f in as_completed(futures, dask):
        spec = futures[f]
        try:
            r = f.result()
        except CopyFailed as e:
            stop.set()
            failures.append(e)
            continue
        if dask:
            bar[spec.table.name].update(r.read)
        results.append(r)
    if failures:
        raise failures[0]
    return results


# -- after the data ----------------------------------------------------------------------
def finish_target(job: Job, report: CopyReport, workers: int | None = None) -> None:
    """Keys and indexes (those not there yet), one table per connection side by side;
    then foreign keys the same way; then sequences."""
    have = ddl.existing_names(job.target_wb, [t.name for t in job.tables])
    keys, fks = ddl.after_data_by_table(job.tables, job.target, have)
    side_by_side = 1 if job.target == "sqlite" else (workers or default_workers(job.target))
    for phase in (keys, fks):
        groups = [g for g in phase.values() if g]
        with cf.ThreadPoolExecutor(max(1, min(side_by_side, len(groups) or 1))) as pool:
            for problems in pool.map(lambda g: _run_group(job.target_url, g), groups):
                report.warnings += problems
    conn = dbapi.connect(job.target_url)
    try:
        for table, column in job.identities.items():
            for st in ddl.sequence_reset(table, column, job.target):
                dbapi.run(conn, st)
        conn.commit()
    finally:
        conn.close()


def _run_group(url: str, statements: list[str]) -> list[str]:
    """Run one table's statements on a connection of their own; what failed, said."""
    problems = []
    conn = dbapi.connect(url)
    try:
        for st in statements:
            try:
                dbapi.run(conn, st)
                conn.commit()
            except dbapi.driver_errors() as e:
                conn.rollback()
                problems.append(f"could not run {st!r}: {str(e).splitlines()[0]}")
    finally:
        conn.close()
    return problems


def _report(job: Job, results: list[ChunkResult]) -> CopyReport:
    by_table: dict[str, TableCopy] = {t.name: TableCopy(t.name) for t in job.tables}
    for r in results:
        tc = by_table[r.table]
        tc.read += r.read
        tc.written += r.written
        tc.resumed_from += r.resumed_from
        tc.rejected += len(r.rejected_keys)
        tc.rejected_keys += r.rejected_keys
        tc.errors += r.errors
    report = CopyReport(job.source_wb.url.masked(), job.target_wb.url.masked(),
                        list(by_table.values()), warnings=list(job.warnings))
    for tc in report.tables:
        if tc.resumed_from:
            tc.notes.append(f"resumed: {tc.resumed_from} rows were copied before")
    return report


def _timings(report: CopyReport, seconds: float) -> None:
    rows = max(1, report.total("read") + sum(t.resumed_from for t in report.tables))
    for t in report.tables:
        t.seconds = seconds * (t.read + t.resumed_from) / rows


def _forget(job: Job) -> None:
    conn = dbapi.connect(job.target_url)
    try:
        store = SqlCheckpoints(conn, job.target)
        store.clear(job.id)
        if not dbapi.run(conn, f"SELECT 1 FROM {ddl.CHECKPOINTS} LIMIT 1"):
            store.drop()
    finally:
        conn.close()
