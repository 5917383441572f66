"""Checkpoints of a copy, one per table and chunk, so that a copy stopped by Ctrl-C or
kill -9 resumes where it stopped: no row twice, no row missing.

A checkpoint says, for one (job, table, chunk): the last key written, the rows written so
far and whether the chunk is done. Two stores, one interface (``load``, ``save``,
``finished``, ``clear``):

- :class:`SqlCheckpoints` keeps them in a table of the *target* database
  (``_dbwork_copy_checkpoints``), written on the same DB-API connection and in the same
  transaction as the batch it describes: the batch and its checkpoint commit together or
  not at all, which is what makes a resume exact (exactly once).
- :class:`FileCheckpoints` keeps them in a JSON file, replaced atomically (write, fsync,
  rename) after each batch: for targets without transactions (MongoDB), where the writer
  must make a replayed batch harmless (upsert by key).

Keys are JSON lists (ints, strings, floats as they are; dates, decimals and bytes as
tagged strings) and come back as tuples.

>>> import sqlite3
>>> conn = sqlite3.connect(":memory:")
>>> store = SqlCheckpoints(conn, "sqlite")
>>> store.ensure()
>>> store.save("job1", "users", "0", (41,), rows=41)
>>> conn.commit()
>>> store.load("job1", "users", "0")
Checkpoint(table='users', chunk='0', last_key=(41,), rows=41, done=False)
>>> store.save("job1", "users", "0", (100,), rows=100, done=True); conn.commit()
>>> store.finished("job1", "users")
True
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...dialects import get_dialect

TABLE = "_dbwork_copy_checkpoints"


@dataclass(frozen=True)
class Checkpoint:
    """Where one chunk of one table stands: ``last_key`` (a tuple, None before the
    first batch), ``rows`` written so far, ``done``."""

    table: str
    chunk: str
    last_key: tuple | None
    rows: int
    done: bool = False


def job_id(*parts) -> str:
    """A stable id for one copy job from what defines it (masked URLs, table names).

    >>> job_id("sqlite:///a.db", "postgresql://h/db", ["users"]) == job_id(
    ...     "sqlite:///a.db", "postgresql://h/db", ["users"])
    True
    >>> len(job_id("x"))
    16
    """
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def encode_key(key) -> str | None:
    """A key tuple as JSON text that :func:`decode_key` turns back into the same values.

    >>> decode_key(encode_key((1, "a", dt.date(2024, 1, 2), Decimal("1.50"))))
    (1, 'a', datetime.date(2024, 1, 2), Decimal('1.50'))
    """
    if key is None:
        return None
    return json.dumps([_tag(v) for v in key])


def decode_key(text: str | None) -> tuple | None:
    if text is None:
        return None
    return tuple(_untag(v) for v in json.loads(text))


_TAGS = {"dt": dt.datetime.fromisoformat, "d": dt.date.fromisoformat,
         "t": dt.time.fromisoformat, "dec": Decimal,
         "b": lambda s: base64.b64decode(s.encode())}


def _tag(v):
    if isinstance(v, dt.datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, dt.date):
        return {"d": v.isoformat()}
    if isinstance(v, dt.time):
        return {"t": v.isoformat()}
    if isinstance(v, Decimal):
        return {"dec": str(v)}
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"b": base64.b64encode(bytes(v)).decode()}
    return v


def _untag(v):
    if isinstance(v, dict) and len(v) == 1:
        (tag, text), = v.items()
        return _TAGS[tag](text)
    return v


class SqlCheckpoints:
    """Checkpoints in the target database, on a DB-API connection (sqlite3, psycopg,
    PyMySQL). ``save`` does not commit: the caller commits it with the batch."""

    def __init__(self, conn, dialect: str):
        self.conn = conn
        self.dialect = dialect
        self.mark = get_dialect(dialect).param_mark

    def ensure(self) -> None:
        """Create the checkpoint table if it is missing (committed at once)."""
        text = get_dialect(self.dialect).long_text
        self._run(f"CREATE TABLE IF NOT EXISTS {TABLE} (job VARCHAR(32) NOT NULL, "
                  f"tbl VARCHAR(255) NOT NULL, chunk VARCHAR(64) NOT NULL, last_key {text}, "
                  f"rows_done BIGINT NOT NULL, done INTEGER NOT NULL, "
                  f"PRIMARY KEY (job, tbl, chunk))")
        self.conn.commit()

    def load(self, job: str, table: str, chunk: str) -> Checkpoint | None:
        rows = self._run(f"SELECT last_key, rows_done, done FROM {TABLE} WHERE job = {self.mark} "
                         f"AND tbl = {self.mark} AND chunk = {self.mark}", (job, table, chunk))
        if not rows:
            return None
        key, n, done = rows[0]
        return Checkpoint(table, chunk, decode_key(key), int(n), bool(done))

    def all(self, job: str) -> list[Checkpoint]:
        """Every checkpoint of ``job``."""
        rows = self._run(f"SELECT tbl, chunk, last_key, rows_done, done FROM {TABLE} "
                         f"WHERE job = {self.mark}", (job,))
        return [Checkpoint(t, c, decode_key(k), int(n), bool(d)) for t, c, k, n, d in rows]

    def save(self, job: str, table: str, chunk: str, last_key, rows: int,
             done: bool = False) -> None:
        """Record a chunk's progress, inside the caller's open transaction."""
        m = self.mark
        self._run(f"DELETE FROM {TABLE} WHERE job = {m} AND tbl = {m} AND chunk = {m}",
                  (job, table, chunk))
        self._run(f"INSERT INTO {TABLE} (job, tbl, chunk, last_key, rows_done, done) "
                  f"VALUES ({m}, {m}, {m}, {m}, {m}, {m})",
                  (job, table, chunk, encode_key(last_key), int(rows), int(done)))

    def finished(self, job: str, table: str) -> bool:
        """Whether some chunk of ``table`` was recorded and every one of them is done."""
        marks = [c.done for c in self.all(job) if c.table == table]
        return bool(marks) and all(marks)

    def clear(self, job: str, table: str | None = None) -> None:
        """Forget a job (or one table of it), committed at once."""
        if table is None:
            self._run(f"DELETE FROM {TABLE} WHERE job = {self.mark}", (job,))
        else:
            self._run(f"DELETE FROM {TABLE} WHERE job = {self.mark} AND tbl = {self.mark}",
                      (job, table))
        self.conn.commit()

    def drop(self) -> None:
        """Remove the checkpoint table (after a copy that ended done and validated)."""
        self._run(f"DROP TABLE IF EXISTS {TABLE}")
        self.conn.commit()

    def _run(self, sql: str, params=()):
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
        finally:
            cur.close()


class FileCheckpoints:
    """Checkpoints in a JSON file, rewritten atomically on every ``save`` (safe across
    kill -9: the file is either the old or the new one, never half written).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ck.json")
    >>> s = FileCheckpoints(path)
    >>> s.save("j", "orders", "0", ("a",), rows=3)
    >>> FileCheckpoints(path).load("j", "orders", "0").last_key
    ('a',)
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._lock = threading.Lock()

    def ensure(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def load(self, job: str, table: str, chunk: str) -> Checkpoint | None:
        entry = self._read().get(job, {}).get(table, {}).get(chunk)
        if entry is None:
            return None
        return Checkpoint(table, chunk, decode_key(entry["key"]), entry["rows"], entry["done"])

    def all(self, job: str) -> list[Checkpoint]:
        return [Checkpoint(t, c, decode_key(e["key"]), e["rows"], e["done"])
                for t, chunks in self._read().get(job, {}).items() for c, e in chunks.items()]

    def save(self, job: str, table: str, chunk: str, last_key, rows: int,
             done: bool = False) -> None:
        with self._lock:
            data = self._read()
            data.setdefault(job, {}).setdefault(table, {})[chunk] = {
                "key": encode_key(last_key), "rows": int(rows), "done": bool(done)}
            self._write(data)

    def finished(self, job: str, table: str) -> bool:
        marks = [c.done for c in self.all(job) if c.table == table]
        return bool(marks) and all(marks)

    def clear(self, job: str, table: str | None = None) -> None:
        with self._lock:
            data = self._read()
            if table is None:
                data.pop(job, None)
            else:
                data.get(job, {}).pop(table, None)
            self._write(data)

    def drop(self) -> None:
        self.path.unlink(missing_ok=True)
