"""Run one Redis operation against the server: key names are read with SCAN in batches
(never KEYS) and taken as a snapshot first, so keys a step renames are not met twice;
each batch then goes out in one pipeline (a MULTI/EXEC transaction where a key is
deleted and written again, so no key is ever seen half converted).

A backup is a hash ``_dbwork_bak_<version>_<n>`` in the migration's database: one field
per key (``<db>\\0<key>``) holding ``<expiry>\\0<DUMP payload>``, or ``-`` for a key
that did not exist (the rollback deletes it). ``<expiry>`` is the moment the key expires,
in Unix milliseconds (the server's TIME plus the key's PTTL; ``-1``: never), and the
rollback RESTOREs with ABSTTL: a restored key expires when it would have without the
migration (one whose moment has passed stays gone, as it would have).

>>> encode_entry(-1, b"payload"), decode_entry(b"1500\\x00payload")
(b'-1\\x00payload', (1500, b'payload'))
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable, Iterable, Iterator

from ...errors import DbworkError
from . import ops as o
from .keys import KeyGlob

ABSENT = b"-"


class KeyConflict(DbworkError):
    """A step would overwrite keys or fields that exist (or make two keys one)."""

    def __init__(self, problem: str, examples: list):
        self.problem = problem
        self.examples = examples
        shown = ", ".join(_show(k) for k in examples[:3])
        super().__init__(f"{problem}: {len(examples)} key(s), e.g. {shown}")


class BadValue(DbworkError):
    """A value is not what the conversion reads (a string that is not a JSON object)."""


def _show(key) -> str:
    return key.decode("utf-8", "backslashreplace") if isinstance(key, bytes) else str(key)


def encode_entry(pttl: int, payload: bytes) -> bytes:
    return str(pttl).encode() + b"\x00" + payload


def decode_entry(value: bytes) -> tuple[int, bytes]:
    pttl, _, payload = value.partition(b"\x00")
    return int(pttl), payload


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Executor:
    """Runs operations on database ``db``; ``client(n)`` is a client for database n."""

    def __init__(self, client: Callable[[int], Any], db: int, batch: int = 500,
                 before_batch: Callable[[], None] | None = None):
        self.client, self.db, self.batch = client, db, batch
        self.before_batch = before_batch or (lambda: None)

    @property
    def r(self):
        return self.client(self.db)

    # -- selection --------------------------------------------------------------------
    def scan(self, pattern: str) -> list[bytes]:
        """Every key matching ``pattern`` (SCAN MATCH in batches; dbwork's keys left out)."""
        glob, seen = KeyGlob(pattern), dict[bytes, None]()
        for key in self.r.scan_iter(match=pattern, count=self.batch):
            if glob.matches(key):
                seen[key] = None
        return list(seen)

    def select(self, op) -> list[bytes]:
        """The keys ``op`` acts on: those matching its pattern, of its type if it has one."""
        keys = self.scan(op.pattern)
        if op.source_type is None:
            return keys
        out = []
        for batch in chunks(keys, self.batch):
            pipe = self.r.pipeline(transaction=False)
            for key in batch:
                pipe.type(key)
            out += [k for k, t in zip(batch, pipe.execute()) if _text(t) == op.source_type]
        return out

    def run(self, op) -> int:
        """Run ``op``; returns how many keys it changed."""
        runner = getattr(self, "_" + type(op).__name__)
        return runner(op)

    # -- backups ----------------------------------------------------------------------
    def _BackupKeys(self, op: o.BackupKeys) -> int:
        entries = [(self.db, key) for key in self.select(op.op)]
        entries += [t for _, key in list(entries) for t in op.op.targets(key, self.db)]
        saved = 0
        for batch in chunks(list(dict.fromkeys(entries)), self.batch):
            self.before_batch()
            fields = self._dump(batch)
            if fields:
                self.r.hset(op.backup, mapping=fields)
            saved += len(fields)
        return saved

    def _dump(self, entries: list[tuple[int, bytes]]) -> dict:
        by_db = defaultdict(list)
        for db, key in entries:
            by_db[db].append(key)
        fields = {}
        for db, keys in by_db.items():
            pipe = self.client(db).pipeline(transaction=False)
            pipe.time()
            for key in keys:
                pipe.dump(key)
                pipe.pttl(key)
            (seconds, micros), *answers = pipe.execute()
            now_ms = seconds * 1000 + micros // 1000
            for key, payload, pttl in zip(keys, answers[::2], answers[1::2]):
                name = str(db).encode() + b"\x00" + key
                expires = now_ms + int(pttl) if int(pttl) > 0 else -1
                fields[name] = ABSENT if payload is None else encode_entry(expires, payload)
        return fields

    def _RestoreKeys(self, op: o.RestoreKeys) -> int:
        restored = 0
        items = list(self.r.hscan_iter(op.backup, count=self.batch))
        for batch in chunks(items, self.batch):
            self.before_batch()
            by_db = defaultdict(list)
            for name, value in batch:
                db, _, key = name.partition(b"\x00")
                by_db[int(db)].append((key, value))
            for db, entries in by_db.items():
                pipe = self.client(db).pipeline(transaction=True)
                for key, value in entries:
                    if value == ABSENT:
                        pipe.delete(key)
                    else:
                        expires, payload = decode_entry(value)
                        pipe.restore(key, max(expires, 0), payload, replace=True,
                                     absttl=expires > 0)
                pipe.execute()
                restored += len(entries)
        self.r.delete(op.backup)   # every key is back: the backup has done its work
        return restored

    def _Restored(self, op) -> int:
        return 0

    # -- key operations ---------------------------------------------------------------
    def _RenamePattern(self, op: o.RenamePattern) -> int:
        keys = self.select(op)
        glob = KeyGlob(op.pattern)
        targets = {k: glob.rename(k, op.template) for k in keys}
        self._refuse_collisions(targets)
        for batch in chunks(keys, self.batch):
            self.before_batch()
            self._refuse_existing([targets[k] for k in batch], self.db,
                                  f"RENAME PATTERN {op.pattern}: the new name exists")
            pipe = self.r.pipeline(transaction=True)
            for key in batch:
                pipe.rename(key, targets[key])
            pipe.execute()
        return len(keys)

    def _refuse_collisions(self, targets: dict) -> None:
        sources, seen, clash = set(targets), {}, []
        for key, new in targets.items():
            if new in sources or new in seen:
                clash.append(new)
            seen[new] = key
        if clash:
            raise KeyConflict("the new names collide with each other or with keys the "
                              "pattern renames", clash)

    def _refuse_existing(self, keys: list[bytes], db: int, problem: str) -> None:
        pipe = self.client(db).pipeline(transaction=False)
        for key in keys:
            pipe.exists(key)
        found = [k for k, n in zip(keys, pipe.execute()) if n]
        if found:
            raise KeyConflict(problem, found)

    def _ExpirePattern(self, op: o.ExpirePattern) -> int:
        return self._each(op, lambda pipe, key: pipe.expire(key, op.seconds))

    def _PersistPattern(self, op: o.PersistPattern) -> int:
        return self._each(op, lambda pipe, key: pipe.persist(key))

    def _DeletePattern(self, op: o.DeletePattern) -> int:
        return self._each(op, lambda pipe, key: pipe.unlink(key))

    def _each(self, op, command) -> int:
        keys = self.select(op)
        for batch in chunks(keys, self.batch):
            self.before_batch()
            pipe = self.r.pipeline(transaction=False)
            for key in batch:
                command(pipe, key)
            pipe.execute()
        return len(keys)

    def _MovePattern(self, op: o.MovePattern) -> int:
        if op.database == self.db:
            raise KeyConflict(f"MOVE PATTERN {op.pattern}: the keys are in database "
                              f"{self.db} already", [])
        keys = self.select(op)
        for batch in chunks(keys, self.batch):
            self.before_batch()
            self._refuse_existing(batch, op.database, f"MOVE PATTERN {op.pattern}: "
                                  f"database {op.database} has keys of the same name")
            pipe = self.r.pipeline(transaction=True)
            for key in batch:
                pipe.move(key, op.database)
            moved = pipe.execute()
            left = [k for k, ok in zip(batch, moved) if not ok]
            if left:
                raise KeyConflict(f"MOVE PATTERN {op.pattern}: not moved", left)
        return len(keys)

    # -- values -----------------------------------------------------------------------
    def _ConvertValues(self, op: o.ConvertValues) -> int:
        keys = self.select(op)
        for batch in chunks(keys, self.batch):
            self.before_batch()
            values, ttls = self._read(batch, op.source)
            pipe = self.r.pipeline(transaction=True)
            for key, value, pttl in zip(batch, values, ttls):
                pipe.delete(key)
                _write(pipe, key, op.target, convert_value(key, value, op.source, op.target))
                if pttl > 0:
                    pipe.pexpire(key, pttl)
            pipe.execute()
        return len(keys)

    def _read(self, keys: list[bytes], fmt: str) -> tuple[list, list[int]]:
        pipe = self.r.pipeline(transaction=False)
        for key in keys:
            _READ[fmt](pipe, key)
            pipe.pttl(key)
        answers = pipe.execute()
        return answers[::2], [int(t) for t in answers[1::2]]

    def _RenameField(self, op: o.RenameField) -> int:
        return self._fields(op, op.old, [op.new], lambda value: {op.new: value})

    def _SplitField(self, op: o.SplitField) -> int:
        n = len(op.into)

        def parts(value: bytes) -> dict:
            pieces = value.split(op.separator.encode(), n - 1)
            pieces += [b""] * (n - len(pieces))
            return dict(zip(op.into, pieces))
        return self._fields(op, op.field, list(op.into), parts)

    def _fields(self, op, field: str, new: list[str], make: Callable[[bytes], dict]) -> int:
        """Replace ``field`` of each hash by the fields ``make(value)`` returns; a hash
        that has one of the ``new`` fields already is a conflict (nothing is overwritten)."""
        keys, changed = self.select(op), 0
        for batch in chunks(keys, self.batch):
            self.before_batch()
            pipe = self.r.pipeline(transaction=False)
            for key in batch:
                pipe.hget(key, field)
                pipe.hmget(key, new)
            answers = pipe.execute()
            found = [(k, v) for k, v in zip(batch, answers[::2]) if v is not None]
            clash = [k for k, v, have in zip(batch, answers[::2], answers[1::2])
                     if v is not None and any(x is not None for x in have)]
            if clash:
                raise KeyConflict(f"field(s) {', '.join(new)} exist already in keys "
                                  f"{op.pattern}", clash)
            write = self.r.pipeline(transaction=True)
            for key, value in found:
                write.hset(key, mapping=make(value))
                write.hdel(key, field)
            write.execute()
            changed += len(found)
        return changed


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


_READ = {
    "json": lambda pipe, key: pipe.get(key),
    "hash": lambda pipe, key: pipe.hgetall(key),
    "list": lambda pipe, key: pipe.lrange(key, 0, -1),
    "set": lambda pipe, key: pipe.smembers(key),
    "stream": lambda pipe, key: pipe.xrange(key, "-", "+"),
}


def _write(pipe, key: bytes, fmt: str, value) -> None:
    if fmt == "json":
        pipe.set(key, value)
    elif fmt == "hash":
        pipe.hset(key, mapping=value)
    elif fmt == "list":
        pipe.rpush(key, *value)
    elif fmt == "set":
        pipe.sadd(key, *value)
    else:
        for item in value:
            pipe.xadd(key, {"value": item})


def convert_value(key: bytes, value, source: str, target: str):
    """One value read as ``source`` in the shape ``target`` is written from.

    >>> convert_value(b"u:1", b'{"name": "Ann", "age": 41, "tags": ["a"]}', "json", "hash")
    {'name': b'Ann', 'age': b'41', 'tags': b'["a"]'}
    >>> convert_value(b"u:1", {b"name": b"Ann"}, "hash", "json")
    b'{"name": "Ann"}'
    """
    if source == "json":
        return json_to_hash(key, value)
    if source == "hash":
        return json.dumps({_text(k): v.decode("utf-8", "surrogateescape")
                           for k, v in value.items()}, ensure_ascii=False).encode(
                               "utf-8", "surrogateescape")
    if source == "list":
        return list(dict.fromkeys(value)) if target == "set" else list(value)
    if source == "set":
        return sorted(value)
    return [fields.get(b"value", json.dumps({_text(k): _text(v) for k, v in fields.items()}))
            for _, fields in value]


def json_to_hash(key: bytes, value: bytes) -> dict:
    """A JSON object's members as hash fields: strings as they are, anything else as
    its JSON text (a number ``41`` becomes ``"41"``)."""
    problem = json_problem(value)
    if problem:
        raise BadValue(f"{_show(key)} is not a JSON object with members ({problem})")
    obj = json.loads(value)
    return {k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)).encode()
            for k, v in obj.items()}


def json_problem(value: bytes | None) -> str | None:
    """Why ``value`` cannot become a hash, or None.

    >>> json_problem(b"[1]"), json_problem(b"{}"), json_problem(b"{bad")
    ('a JSON array, not an object', 'an empty object', 'not JSON')
    """
    try:
        obj = json.loads(value or b"")
    except (ValueError, UnicodeDecodeError):
        return "not JSON"
    if not isinstance(obj, dict):
        return f"a JSON {type(obj).__name__.replace('list', 'array').replace('dict', 'object')}, not an object"
    return "an empty object" if not obj else None


def first(items: Iterable, n: int) -> list:
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out
