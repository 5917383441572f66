"""Move one chunk of one table (a primary-key range) from the source to the target,
batch by batch: read a bounded batch, write it along the target's fast path (COPY into
PostgreSQL, multi-row INSERT into MariaDB, executemany into SQLite) and save the chunk's
checkpoint in the same target transaction, then commit. A batch the target refuses is
retried row by row: the good rows go in, each refused row is reported by its key.

Everything a chunk needs travels in a :class:`ChunkSpec` (plain, picklable values), so a
chunk runs the same in a local thread or on a Dask worker.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from ...dialects import get_dialect
from ...errors import CopyFailed
from . import dbapi, sqltext
from .checkpoint import SqlCheckpoints


@dataclass(frozen=True)
class TableSpec:
    """One table to copy: names, columns, key, and how to walk it. ``mode``: 'range'
    (one integer key: batches are key ranges), 'keyset' (any other key: ordered batches
    after the last key) or 'whole' (no key: one pass, started over after a stop)."""

    name: str
    target: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    mode: str
    families: tuple[str, ...]
    target_families: tuple[str, ...]
    # PostgreSQL to PostgreSQL with every column of the same type: batches move as
    # binary COPY output straight into binary COPY input, never parsed in Python
    passthrough: bool = False


@dataclass(frozen=True)
class ChunkSpec:
    job: str
    source_url: str = field(repr=False)     # holds the password: never shown
    target_url: str = field(repr=False)
    source: str                             # dialect names
    target: str
    table: TableSpec
    chunk: str
    lo: int | None = None                   # keys > lo
    hi: int | None = None                   # keys <= hi (None: to the end)
    step: int = 50_000                      # keys per batch (range) or rows (keyset)


@dataclass
class ChunkResult:
    table: str
    chunk: str
    read: int = 0
    written: int = 0
    resumed_from: int = 0
    rejected_keys: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: bool = False


def chunk_id(lo, hi) -> str:
    """The id of the key range (lo, hi] (empty: unbounded).

    >>> chunk_id(None, 100), chunk_id(100, None)
    (':100', '100:')
    """
    return f"{'' if lo is None else lo}:{'' if hi is None else hi}"


def chunk_bounds(chunk: str) -> tuple[int | None, int | None]:
    """The key range a chunk id names.

    >>> chunk_bounds('5:10'), chunk_bounds(':')
    ((5, 10), (None, None))
    """
    lo, _, hi = chunk.partition(":")
    return (int(lo) if lo else None), (int(hi) if hi else None)


def run_chunk(spec: ChunkSpec, on_batch=None, stop: threading.Event | None = None) -> ChunkResult:
    """Copy one chunk to its end (or until ``stop`` is set); resumable at every batch."""
    src = dbapi.connect(spec.source_url)
    dst = dbapi.connect(spec.target_url)
    try:
        return _Chunk(spec, src, dst, on_batch, stop).run()
    finally:
        for c in (src, dst):
            try:
                c.close()
            except Exception:
                pass


class _Chunk:
    def __init__(self, spec: ChunkSpec, src, dst, on_batch, stop):
        self.spec, self.src, self.dst = spec, src, dst
        self.t = spec.table
        self.store = SqlCheckpoints(dst, spec.target)
        self.on_batch = on_batch or (lambda n: None)
        self.stop = stop
        self.sq = get_dialect(spec.source).quote
        self.tq = get_dialect(spec.target).quote
        self.convert = converters(spec.source, spec.target, self.t.families,
                                  self.t.target_families)
        self.writer = WRITERS[spec.target]
        self.bulk_sql = self._bulk_sql()

    def _bulk_sql(self) -> str | None:
        """The SELECT that has SQLite spell a key range in the target's load format,
        where that path applies (SQLite into PostgreSQL or MariaDB, an integer key)."""
        s, t = self.spec, self.t
        fmt = {"postgresql": "copy", "mysql": "tsv"}.get(s.target)
        if s.source != "sqlite" or fmt is None or t.mode != "range" or \
                (fmt == "tsv" and "binary" in t.target_families):
            return None
        sqltext.register(self.src)
        return sqltext.batch_sql(self.sq, t.name, t.columns, t.families, t.key[0], fmt)

    def run(self) -> ChunkResult:
        s, t = self.spec, self.t
        ck = self.store.load(s.job, t.name, s.chunk)
        result = ChunkResult(t.name, s.chunk, resumed_from=ck.rows if ck else 0)
        if ck and ck.done:
            result.done = True
            return result
        if t.mode == "whole":
            return self._whole(result)
        last = ck.last_key if ck else None
        rows_done = result.resumed_from
        while not (self.stop and self.stop.is_set()):
            piped = None
            if t.mode == "range" and t.passthrough:
                piped = self._pipe(last)
            elif self.bulk_sql:
                piped = self._bulk(last)
            if piped is not None:
                n, last_after, finished = piped
                rows, written = range(n), n
            else:
                rows, last_after, finished = self._read(last)
                written = self._write(rows, result)
            result.read += len(rows)
            rows_done += written
            self.store.save(s.job, t.name, s.chunk, last_after, rows_done, done=finished)
            self._commit(last_after)
            result.written += written
            self.on_batch(len(rows))
            last = last_after
            if finished:
                result.done = True
                break
        return result

    # -- reading ---------------------------------------------------------------------
    def _select(self) -> str:
        cols = ", ".join(self.sq(c) for c in self.t.columns)
        return f"SELECT {cols} FROM {self.sq(self.t.name)}"

    def _mark(self) -> str:
        return "?" if self.spec.source == "sqlite" else "%s"

    def _read(self, last):
        if self.t.mode == "range":
            return self._read_range(last)
        return self._read_keyset(last)

    def _read_range(self, last):
        """Keys in (a, b]: a the last key written (or the chunk's low bound), b a step
        further, cut at the chunk's high bound. The last chunk (no high bound) ends at
        an empty batch with no key beyond it."""
        k = self.sq(self.t.key[0])
        a, b = self._range(last)
        rows = dbapi.run(self.src, f"{self._select()} WHERE {k} > {a} AND {k} <= {b} "
                                   f"ORDER BY {k}")
        self._end_read()
        return rows, (b,), self._finished(b, len(rows))

    def _range(self, last) -> tuple[int, int]:
        """The next batch's keys (a, b]: after the last key written (or the chunk's low
        bound), a step further, cut at the chunk's high bound."""
        s = self.spec
        a = int(last[0]) if last is not None else int(s.lo)
        return a, (a + s.step if s.hi is None else min(a + s.step, int(s.hi)))

    def _finished(self, b: int, n: int) -> bool:
        """Whether the batch up to key ``b`` (``n`` rows) ends the chunk: its high bound
        reached, or (the last chunk) an empty batch with no key beyond it."""
        hi = self.spec.hi
        if hi is not None:
            return b >= hi
        return n == 0 and self._none_after(self.sq(self.t.key[0]), b)

    def _bulk(self, last):
        """One key range spelled by SQLite in the target's load format and loaded in one
        go; None when SQLite could not spell it (a value the format has no text for, a
        batch too big for one string) or the target refused it: the batch then goes the
        row way, where each refusal is named."""
        a, b = self._range(last)
        self.src.text_factory = bytes
        try:
            n, data = self.src.execute(self.bulk_sql, (a, b)).fetchone()
        except sqlite3.Error:
            return None
        finally:
            self.src.text_factory = str
        if sqltext.lines_in(data) != n:
            return None
        if n:
            try:
                self.writer.text(self.dst, self.tq, self.t, data + b"\n", n)
            except (RowsNotTaken, *dbapi.driver_errors()) as e:
                self._rollback_or_fail(e)
                return None
        return n, (b,), self._finished(b, n)

    def _pipe(self, last):
        """One key range as binary COPY from the source into the target; None when the
        target refused it (the batch is then read and written row by row)."""
        k = self.sq(self.t.key[0])
        a, b = self._range(last)
        cols = ", ".join(self.tq(c) for c in self.t.columns)
        out_sql = (f"COPY ({self._select()} WHERE {k} > {a} AND {k} <= {b} ORDER BY {k}) "
                   f"TO STDOUT (FORMAT binary)")
        try:
            with self.src.cursor() as rc, self.dst.cursor() as wc:
                with rc.copy(out_sql) as out, \
                        wc.copy(f"COPY {self.tq(self.t.target)} ({cols}) FROM STDIN "
                                f"(FORMAT binary)") as inp:
                    for block in out:
                        inp.write(block)
                n = rc.rowcount
        except dbapi.driver_errors() as e:
            self._rollback_or_fail(e)
            self._end_read()
            return None
        self._end_read()
        return n, (b,), self._finished(b, n)

    def _none_after(self, k: str, b: int) -> bool:
        return not dbapi.run(self.src, f"SELECT 1 FROM {self.sq(self.t.name)} WHERE {k} > "
                                       f"{int(b)} LIMIT 1")

    def _read_keyset(self, last):
        keys = [self.sq(c) for c in self.t.key]
        sql = self._select()
        params: tuple = ()
        if last is not None:
            m = self._mark()
            if len(keys) == 1:
                sql += f" WHERE {keys[0]} > {m}"
            else:
                sql += f" WHERE ({', '.join(keys)}) > ({', '.join([m] * len(keys))})"
            params = tuple(last)
        sql += f" ORDER BY {', '.join(keys)} LIMIT {int(self.spec.step)}"
        rows = dbapi.run(self.src, sql, params)
        self._end_read()
        if not rows:
            return rows, last, True
        idx = [self.t.columns.index(c) for c in self.t.key]
        last_after = tuple(rows[-1][i] for i in idx)
        return rows, last_after, len(rows) < self.spec.step

    def _end_read(self) -> None:
        """Close the source's read transaction (PostgreSQL and MariaDB open one)."""
        if self.spec.source != "sqlite":
            self.src.rollback()

    def _whole(self, result: ChunkResult) -> ChunkResult:
        """A table without a key: the target's rows of an unfinished pass are deleted,
        then every row is copied; done is saved with the last batch."""
        s, t = self.spec, self.t
        dbapi.run(self.dst, f"DELETE FROM {self.tq(t.target)}")
        self.store.save(s.job, t.name, s.chunk, None, 0)
        self._commit(None)
        result.resumed_from = 0
        cur = dbapi.streaming_cursor(self.src, s.source, "dbwork_copy_whole", s.step)
        try:
            cur.execute(self._select())
            total = 0
            while True:
                rows = cur.fetchmany(s.step)
                result.read += len(rows)
                written = self._write(rows, result)
                total += written
                self.store.save(s.job, t.name, s.chunk, None, total, done=not rows)
                self._commit(None)
                result.written += written
                self.on_batch(len(rows))
                if not rows:
                    break
        finally:
            cur.close()
        result.done = True
        return result

    # -- writing ---------------------------------------------------------------------
    def _write(self, rows, result: ChunkResult) -> int:
        if not rows:
            return 0
        rows = convert_rows(rows, self.convert)
        try:
            self.writer.batch(self.dst, self.tq, self.t, rows)
            return len(rows)
        except (RowsNotTaken, *dbapi.driver_errors()) as e:
            self._rollback_or_fail(e)
        return self._row_by_row(rows, result)

    def _rollback_or_fail(self, e: BaseException) -> None:
        if dbapi.is_disconnect(e):
            raise CopyFailed(self.t.name, _first_line(e)) from None
        try:
            self.dst.rollback()
        except dbapi.driver_errors() as again:
            raise CopyFailed(self.t.name, _first_line(again)) from None

    def _row_by_row(self, rows, result: ChunkResult) -> int:
        idx = [self.t.columns.index(c) for c in self.t.key] if self.t.key else None
        written = 0
        for row in rows:
            try:
                self.writer.one(self.dst, self.tq, self.t, row)
                written += 1
            except dbapi.driver_errors() as e:
                if dbapi.is_disconnect(e):
                    raise CopyFailed(self.t.name, _first_line(e)) from None
                key = tuple(row[i] for i in idx) if idx else tuple(row)
                result.rejected_keys.append(key[0] if len(key) == 1 else key)
                result.errors.append(f"{self.t.name} key {key[0] if len(key) == 1 else key!r}: "
                                     f"{_first_line(e)}")
        return written

    def _commit(self, key) -> None:
        try:
            self.dst.commit()
        except dbapi.driver_errors() as e:
            raise CopyFailed(self.t.name, _first_line(e), key) from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# -- writers -----------------------------------------------------------------------------
class PostgresWriter:
    """COPY ... FROM STDIN (text format: the server parses every value, so text from
    SQLite or MariaDB lands in typed columns); one row at a time in a savepoint."""

    @staticmethod
    def batch(conn, q, t: TableSpec, rows) -> None:
        cols = ", ".join(q(c) for c in t.columns)
        with conn.cursor() as cur:
            with cur.copy(f"COPY {q(t.target)} ({cols}) FROM STDIN") as cp:
                write = cp.write_row
                for r in rows:
                    write(r)

    @staticmethod
    def text(conn, q, t: TableSpec, data: bytes, n: int) -> None:
        """Rows already in COPY's text format (``n`` of them)."""
        cols = ", ".join(q(c) for c in t.columns)
        with conn.cursor() as cur:
            with cur.copy(f"COPY {q(t.target)} ({cols}) FROM STDIN") as cp:
                cp.write(data)

    @staticmethod
    def one(conn, q, t: TableSpec, row) -> None:
        cols = ", ".join(q(c) for c in t.columns)
        marks = ", ".join(["%s"] * len(t.columns))
        with conn.transaction():
            with conn.cursor() as cur:
                cur.execute(f"INSERT INTO {q(t.target)} ({cols}) VALUES ({marks})", row)


class RowsNotTaken(Exception):
    """A bulk load that took fewer rows than it was given or warned (MariaDB's LOAD DATA
    LOCAL turns errors into warnings): the batch is rolled back and retried row by row,
    where each refusal is an error naming its row."""


class MysqlWriter:
    """LOAD DATA LOCAL INFILE of a batch written as a tab-separated file (about twice
    as fast as PyMySQL's multi-row INSERTs, measured here); any warning or a row short
    and the batch goes row by row. Binary values take multi-row INSERTs."""

    @staticmethod
    def batch(conn, q, t: TableSpec, rows) -> None:
        if any(f == "binary" for f in t.target_families):
            return MysqlWriter.inserts(conn, q, t, rows)
        data = "".join("\t".join([_tsv(v) for v in r]) + "\n" for r in rows)
        MysqlWriter.text(conn, q, t, data.encode("utf-8"), len(rows))

    @staticmethod
    def text(conn, q, t: TableSpec, data: bytes, n: int) -> None:
        """``n`` rows already tab-separated as LOAD DATA reads them, UTF-8."""
        import os
        import tempfile
        fd, path = tempfile.mkstemp(prefix="dbwork_copy_", suffix=".tsv")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            cols = ", ".join(q(c) for c in t.columns)
            with conn.cursor() as cur:
                cur.execute(f"LOAD DATA LOCAL INFILE %s INTO TABLE {q(t.target)} "
                            f"CHARACTER SET utf8mb4 ({cols})", (path,))
                warned = cur._result.warning_count if cur._result else 0
                if cur.rowcount != n or warned:
                    raise RowsNotTaken(f"{cur.rowcount} of {n} rows, {warned} warnings")
        finally:
            os.unlink(path)

    @staticmethod
    def inserts(conn, q, t: TableSpec, rows) -> None:
        cols = ", ".join(q(c) for c in t.columns)
        marks = ", ".join(["%s"] * len(t.columns))
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {q(t.target)} ({cols}) VALUES ({marks})", rows)

    @staticmethod
    def one(conn, q, t: TableSpec, row) -> None:
        _finite_only(t, row)
        cols = ", ".join(q(c) for c in t.columns)
        marks = ", ".join(["%s"] * len(t.columns))
        with conn.cursor() as cur:
            cur.execute(f"INSERT INTO {q(t.target)} ({cols}) VALUES ({marks})", row)


def _finite_only(t: TableSpec, row) -> None:
    """MariaDB has no NaN or infinity in any numeric type: say so, by column (PyMySQL
    would send a Decimal infinity as the bare word Infinity, an 'unknown column')."""
    import pymysql
    for c, v in zip(t.columns, row):
        if isinstance(v, float) and v - v != 0 or isinstance(v, Decimal) and not v.is_finite():
            raise pymysql.err.DataError(f"MariaDB has no NaN or infinity: {c} is {v}")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\0": "\\0"})


def _tsv(v) -> str:
    r"""One value as LOAD DATA's default format reads it (\N is NULL).

    >>> [_tsv(v) for v in (None, True, "a\tb", 1.5, dt.timedelta(hours=26, seconds=5))]
    ['\\N', '1', 'a\\tb', '1.5', '26:00:05']
    """
    if v is None:
        return "\\N"
    if isinstance(v, str):
        return v.translate(_TSV_ESCAPES)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, dt.timedelta):
        secs = int(v.total_seconds())
        sign = "-" if secs < 0 else ""
        secs = abs(secs)
        return f"{sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
    return str(v).translate(_TSV_ESCAPES)


class SqliteWriter:
    @staticmethod
    def batch(conn, q, t: TableSpec, rows) -> None:
        cols = ", ".join(q(c) for c in t.columns)
        marks = ", ".join(["?"] * len(t.columns))
        conn.executemany(f"INSERT INTO {q(t.target)} ({cols}) VALUES ({marks})", rows)

    @staticmethod
    def one(conn, q, t: TableSpec, row) -> None:
        cols = ", ".join(q(c) for c in t.columns)
        marks = ", ".join(["?"] * len(t.columns))
        conn.execute(f"INSERT INTO {q(t.target)} ({cols}) VALUES ({marks})", row)


WRITERS = {"postgresql": PostgresWriter, "mysql": MysqlWriter, "sqlite": SqliteWriter}


# -- values the target's driver takes --------------------------------------------------
def _json_text(v):
    return v if isinstance(v, (str, bytes)) or v is None else json.dumps(v, default=str)


def _utc_naive(v):
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(v, (dict, list)):
        return json.dumps(v, default=str)
    if isinstance(v, uuid.UUID):
        return str(v)
    return v


class _NaNRefused:
    """What a NaN becomes for SQLite, which has none (it would bind it as NULL and the
    value would be lost without a word): binding it raises, so the row is refused and
    named by its key."""

    def __conform__(self, protocol):
        raise sqlite3.IntegrityError("SQLite has no NaN (it would store NULL): "
                                     "the row is not copied")


def _for_sqlite(v):
    if v is None or isinstance(v, (int, float, str, bytes)):
        if isinstance(v, float) and v != v:
            return _NaNRefused()
        return int(v) if isinstance(v, bool) else v
    if isinstance(v, Decimal):
        if not v.is_finite():     # an infinity is a REAL infinity in SQLite
            return _NaNRefused() if v.is_nan() else float(v)
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, (dict, list)):
        return json.dumps(v, default=str)
    if isinstance(v, memoryview):
        return bytes(v)
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def _bool_text(v):
    return v if v is None or isinstance(v, bool) else bool(int(v)) if str(v).isdigit() else v


def converters(source: str, target: str, families, target_families) -> list:
    """Per column: a function making a source value what the target's driver takes, or
    None where the value passes as it is (the fast path)."""
    out = []
    for fam, tfam in zip(families, target_families):
        if target == "sqlite":
            out.append(None if source == "sqlite" else _for_sqlite)
        elif target == "postgresql":
            if tfam == "json" and source == "postgresql":
                out.append(_json_text)
            elif source != "postgresql" and tfam == "bool":
                out.append(_bool_text)
            elif source == "postgresql" and tfam != "json" and fam == "json":
                out.append(_json_text)
            else:
                out.append(None)
        else:
            out.append(None if source == "mysql" else _utc_naive)
    return out


def convert_rows(rows, convert) -> list:
    if not any(convert):
        return rows
    pairs = [(i, f) for i, f in enumerate(convert) if f]
    out = []
    for r in rows:
        r = list(r)
        for i, f in pairs:
            r[i] = f(r[i])
        out.append(r)
    return out
