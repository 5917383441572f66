"""Validation of a copy, computed on each side: row counts, an order-independent
checksum over every row (values canonicalised so the same data hashes alike on every
engine, :mod:`.canon`), and a sample of rows compared field by field."""
from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass, field, replace

from ...dialects import get_dialect
from . import dbapi
from .canon import TableChecksum, canonical
from .executors import default_workers, forking, is_dask
from .transfer import TableSpec

FETCH = 20_000
SAMPLE = 25


@dataclass(frozen=True)
class SideSpec:
    url: str = field(repr=False)
    dialect: str
    table: str
    columns: tuple[str, ...]
    families: tuple[str, ...]
    key: str | None = None          # with lo/hi: only keys in (lo, hi] (None: unbounded)
    lo: int | None = None
    hi: int | None = None


def checksum_side(side: SideSpec) -> TableChecksum:
    """The checksum of every row of one side's table (or of one key range of it),
    streamed (server-side cursors)."""
    conn = dbapi.connect(side.url)
    q = get_dialect(side.dialect).quote
    sql = f"SELECT {', '.join(q(c) for c in side.columns)} FROM {q(side.table)}"
    bounds = ([f"{q(side.key)} > {int(side.lo)}"] if side.lo is not None else []) + \
        ([f"{q(side.key)} <= {int(side.hi)}"] if side.hi is not None else [])
    if side.key and bounds:
        sql += " WHERE " + " AND ".join(bounds)
    total = TableChecksum()
    try:
        cur = dbapi.streaming_cursor(conn, side.dialect, "dbwork_copy_validate", FETCH)
        cur.execute(sql)
        while True:
            rows = cur.fetchmany(FETCH)
            if not rows:
                break
            total.add_many(rows, side.families)
        cur.close()
        return total
    finally:
        conn.close()


def sample_keys(side: SideSpec, key: tuple[str, ...], n: int = SAMPLE) -> list[tuple]:
    """Up to ``n`` keys of the source, picked at random, plus the first and last."""
    conn = dbapi.connect(side.url)
    q = get_dialect(side.dialect).quote
    cols = ", ".join(q(c) for c in key)
    rand = get_dialect(side.dialect).random_function
    try:
        keys = dbapi.run(conn, f"SELECT {cols} FROM {q(side.table)} ORDER BY {rand} LIMIT {n}")
        for order in ("ASC", "DESC"):
            keys += dbapi.run(conn, f"SELECT {cols} FROM {q(side.table)} ORDER BY "
                                    + ", ".join(f"{q(c)} {order}" for c in key) + " LIMIT 1")
        return list(dict.fromkeys(tuple(k) for k in keys))
    finally:
        conn.close()


def fetch_rows(side: SideSpec, key: tuple[str, ...], keys: list[tuple]) -> dict:
    """The rows of ``keys`` on one side, by their canonical key."""
    conn = dbapi.connect(side.url)
    q = get_dialect(side.dialect).quote
    mark = get_dialect(side.dialect).param_mark
    where = " AND ".join(f"{q(c)} = {mark}" for c in key)
    sql = (f"SELECT {', '.join(q(c) for c in side.columns)} FROM {q(side.table)} "
           f"WHERE {where}")
    idx = [side.columns.index(c) for c in key]
    fam = dict(zip(side.columns, side.families))
    out = {}
    try:
        for k in keys:
            for row in dbapi.run(conn, sql, tuple(k)):
                out[tuple(canonical(row[i], fam[key[j]]) for j, i in enumerate(idx))] = row
        return out
    finally:
        conn.close()


def compare_sample(table: str, columns, families, source_rows: dict,
                   target_rows: dict) -> list[str]:
    """Differences, field by field, between the sampled rows of both sides.

    >>> compare_sample("t", ("id", "a"), ("integer", "text"), {("1",): (1, "x")},
    ...                {("1",): (1, "y")})
    ["t key 1: a is 'x' in the source, 'y' in the target"]
    """
    problems = []
    for k, row in source_rows.items():
        shown = k[0] if len(k) == 1 else k
        other = target_rows.get(k)
        if other is None:
            problems.append(f"{table} key {shown}: missing in the target")
            continue
        for c, f, a, b in zip(columns, families, row, other):
            if canonical(a, f) != canonical(b, f):
                problems.append(f"{table} key {shown}: {c} is {canonical(a, f)!r} in the "
                                f"source, {canonical(b, f)!r} in the target")
    return problems


def families_for(spec: TableSpec) -> tuple[str, ...]:
    """One canonical family per column for both sides: the source's, unless it says
    only 'text'/'other' and the target's type says more (a zone-aware time, JSON)."""
    return tuple(t if s in ("text", "other") and t not in ("text", "other") else s
                 for s, t in zip(spec.families, spec.target_families))


# -- a copy's validation, on the workers ------------------------------------------
PROCESSES_FROM = 200_000   # rows: below this, threads (a process costs an import)


def validate_copy(job, report, executor=None) -> None:
    """Counts and checksums on each side (per key range, so the work spreads over the
    workers: processes for big copies, the Dask cluster when one is given), and a
    field-by-field sample."""
    Validation(job, executor).finish(report)


class Validation:
    """A copy's validation, its two sides submitted separately: the source's checksums
    can start before the copy (the source is read, not written, while rows move, so
    its hashing overlaps the load), the target's once the rows are in."""

    def __init__(self, job, executor=None):
        self.job, self.own = job, executor is None
        self.pool = executor or self._local_pool(job)
        self.futures: dict[int, dict] = {}

    @staticmethod
    def _local_pool(job):
        context = forking() if sum(job.counts.values()) >= PROCESSES_FROM else None
        if context:
            return cf.ProcessPoolExecutor(max(2, default_workers(job.target)),
                                          mp_context=context)
        return cf.ThreadPoolExecutor(2)

    def start(self, side: int) -> "Validation":
        """Submit the checksums of one side (0 source, 1 target) of every table."""
        if side in self.futures:
            return self
        extra = {"pure": False} if is_dask(self.pool) else {}
        out = {}
        for t in self.job.tables:
            s = self.sides(t.name)[side]
            parts = [replace(s, key=self.job.specs[t.name].key[0], lo=lo, hi=hi)
                     for lo, hi in self.job.ranges.get(t.name, [])] or [s]
            out[t.name] = [self.pool.submit(checksum_side, p, **extra) for p in parts]
        self.futures[side] = out
        return self

    def sides(self, name: str) -> tuple[SideSpec, SideSpec]:
        job, spec = self.job, self.job.specs[name]
        fam = families_for(spec)
        return (SideSpec(job.source_url, job.source, spec.name, spec.columns, fam),
                SideSpec(job.target_url, job.target, spec.target, spec.columns, fam))

    def finish(self, report) -> None:
        """Both sides' sums (submitting what is not yet), judged table by table."""
        try:
            self.start(0).start(1)
            for t in self.job.tables:
                sums = [TableChecksum(), TableChecksum()]
                for side in (0, 1):
                    for f in self.futures[side][t.name]:
                        sums[side] = sums[side].merge(f.result())
                spec = self.job.specs[t.name]
                _judge(report.table(t.name), spec, self.sides(t.name), families_for(spec),
                       *sums)
        finally:
            self.close()

    def close(self, wait: bool = True) -> None:
        """Shut the local pool (after a failure: without waiting for running sums)."""
        if self.own:
            self.pool.shutdown(wait=wait, cancel_futures=True)


def _judge(tc, spec: TableSpec, sides, fam, src_sum, dst_sum) -> None:
    tc.checksum_match = src_sum == dst_sum
    tc.notes.append(f"source {src_sum.rows} rows {src_sum.hex}, target "
                    f"{dst_sum.rows} rows {dst_sum.hex}")
    if src_sum.rows != dst_sum.rows:
        tc.errors.append(f"{spec.name}: {src_sum.rows} rows in the source, "
                         f"{dst_sum.rows} in the target")
    if spec.key:
        tc.errors += _sample(spec, sides, fam)
    if tc.errors and tc.checksum_match:
        tc.checksum_match = False


def _sample(spec: TableSpec, sides, fam) -> list[str]:
    keys = sample_keys(sides[0], spec.key)
    a = fetch_rows(sides[0], spec.key, keys)
    b = fetch_rows(sides[1], spec.key, keys)
    return compare_sample(spec.name, spec.columns, fam, a, b)
