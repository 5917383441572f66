"""Checkpoints of a copy into MongoDB, kept in the target database itself (collection
``dbwork_copy_checkpoints``), with the interface and key encoding of
:mod:`dbwork.data.copy.checkpoint` (load, save, finished, all, clear). MongoDB has no
transaction to write a batch and its checkpoint together (a standalone server refuses
them), so the copy makes a replayed batch harmless instead: the first batch after a
resume is written as upserts by ``_id``.

A checkpoint also records what the copy was (``meta``: the source, the design's hash),
so a resume under another design is refused instead of mixing two layouts.
"""
from __future__ import annotations

from ..copy.checkpoint import Checkpoint, decode_key, encode_key

COLLECTION = "dbwork_copy_checkpoints"


class MongoCheckpoints:
    """``MongoCheckpoints(db)``: one document per (job, table, chunk)."""

    def __init__(self, db):
        self.coll = db[COLLECTION]

    @staticmethod
    def _id(job: str, table: str, chunk: str) -> str:
        return f"{job}/{table}/{chunk}"

    def ensure(self) -> None:
        pass

    def load(self, job: str, table: str, chunk: str = "0") -> Checkpoint | None:
        d = self.coll.find_one({"_id": self._id(job, table, chunk)})
        return _checkpoint(d) if d else None

    def meta(self, job: str, table: str, chunk: str = "0") -> dict:
        d = self.coll.find_one({"_id": self._id(job, table, chunk)})
        return dict(d.get("meta") or {}) if d else {}

    def rejected(self, job: str, table: str, chunk: str = "0") -> list:
        d = self.coll.find_one({"_id": self._id(job, table, chunk)})
        return list(d.get("rejected") or []) if d else []

    def all(self, job: str) -> list[Checkpoint]:
        return [_checkpoint(d) for d in self.coll.find({"job": job})]

    def save(self, job: str, table: str, chunk: str, last_key, rows: int, done: bool = False,
             meta: dict | None = None, rejected: list | None = None) -> None:
        doc = {"job": job, "table": table, "chunk": chunk, "key": encode_key(last_key),
               "rows": int(rows), "done": bool(done)}
        if meta is not None:
            doc["meta"] = meta
        if rejected is not None:
            doc["rejected"] = rejected[:1000]
        self.coll.update_one({"_id": self._id(job, table, chunk)}, {"$set": doc}, upsert=True)

    def finished(self, job: str, table: str) -> bool:
        marks = [c.done for c in self.all(job) if c.table == table]
        return bool(marks) and all(marks)

    def clear(self, job: str, table: str | None = None) -> None:
        flt = {"job": job} if table is None else {"job": job, "table": table}
        self.coll.delete_many(flt)


def _checkpoint(d: dict) -> Checkpoint:
    return Checkpoint(d["table"], d["chunk"], decode_key(d.get("key")), int(d.get("rows", 0)),
                      bool(d.get("done")))
