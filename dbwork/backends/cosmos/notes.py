"""Request-unit estimates and consistency notes per step (pure).

The figures are Azure's published rules of thumb for a 1 KB item with the default
indexing policy: a point read costs about 1 RU, a write about 5.5 RU (more with more
indexed paths), so they are an order of magnitude, not a bill.

>>> from dbwork.ops.document_ops import BackupDocuments
>>> step_notes([BackupDocuments("orders", "_b", {})], {"orders": 1000}, "Session")[0]
'step 1 (back up all documents of orders into _b): about 6,500 RU (1,000 item(s): a read and a write of each, at about 1 RU per read and 5.5 RU per write of a 1 KB item); consistency Session: items written by other clients while the step runs may be missed, stop writers first'
"""
from __future__ import annotations

from ...ops import document_ops as d
from .ops import ChangePartitionKey, ReplaceContainer, TransformItems

READ_RU, WRITE_RU = 1.0, 5.5
# how many reads and writes each kind of step makes per item
_PER_ITEM = {d.BackupDocuments: (1, 1), d.RestoreDocuments: (1, 1), TransformItems: (1, 1),
             ChangePartitionKey: (2, 2), d.DropCollection: (0, 0)}


def step_notes(ops, counts: dict, consistency: str = "") -> list[str]:
    out = []
    level = consistency or "unknown (the server does not say)"
    for n, op in enumerate(ops, 1):
        items = counts.get(op.tables()[0], 0) if op.tables() else 0
        note = _note(op, items, level)
        if note:
            out.append(f"step {n} ({op.describe()}): {note}")
    return out


def _note(op, items: int, level: str) -> str | None:
    if isinstance(op, ReplaceContainer):
        if op.before.get("indexingPolicy") != op.after.get("indexingPolicy"):
            return ("the index is rebuilt in the background and consumes the container's "
                    "spare RUs; until it finishes, queries that need the new paths may be "
                    "slower or incomplete")
        return "a definition change: no item is read or written (0 RU)"
    reads, writes = _PER_ITEM.get(type(op), (0, 0))
    if not (reads or writes) or not items:
        return None
    ru = items * (reads * READ_RU + writes * WRITE_RU)
    return (f"about {ru:,.0f} RU ({items:,} item(s): {_each(reads, writes)}, at about "
            f"1 RU per read and 5.5 RU per write of a 1 KB item); consistency {level}: "
            "items written by other clients while the step runs may be missed, stop "
            "writers first")


def _each(reads: int, writes: int) -> str:
    if (reads, writes) == (1, 1):
        return "a read and a write of each"
    return f"{reads} reads and {writes} writes of each"
