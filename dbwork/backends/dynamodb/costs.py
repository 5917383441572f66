"""Capacity and cost notes for each step (pure: the operations, the schema and the
live item counts the plan gathered). They are warnings on the card, not refusals.

>>> from .model import KeyAttr, IndexDef, TableDef, DynamoSchema
>>> from .ops import AddGSI
>>> s = DynamoSchema().with_table(TableDef("orders", (KeyAttr("id", "S"),)))
>>> notes([AddGSI("orders", IndexDef("by_s", (KeyAttr("s", "S"),)))], s, lambda t: 1200)
['add GSI orders.by_s: the backfill reads all 1,200 item(s) of orders and writes one index entry per item that has the index key: on demand, up to 1,200 write request unit(s) (more for items over 1 KB)']
"""
from __future__ import annotations

from typing import Any, Callable

from . import ops as o
from .model import PROVISIONED, DynamoSchema


def notes(ops: list, schema: DynamoSchema, items: Callable[[str], int]) -> list[str]:
    """One note per step that costs capacity or money, in order."""
    out: list[str] = []
    for op in ops:
        fn = _NOTES.get(type(op))
        note = fn(op, schema, items) if fn else None
        if note:
            out.append(note)
        schema = op.apply(schema)
    return out


def _writes(schema: DynamoSchema, table: str, n: int, what: str = "write") -> str:
    t = schema.table(table) if schema.has_table(table) else None
    if t is not None and t.billing == PROVISIONED:
        seconds = n // max(t.write or 1, 1)
        return f"provisioned at {t.write} WCU, about {seconds:,} s of {table}'s write " \
               f"capacity (throttling other writers meanwhile)"
    return f"on demand, up to {n:,} {what} request unit(s) (more for items over 1 KB)"


def _create(op: o.CreateTable, schema, items) -> str | None:
    t = op.table
    if t.billing == PROVISIONED:
        gsi = sum((i.read or 0) + (i.write or 0) for i in t.gsis)
        return f"{op.describe()}: provisioned capacity ({t.read} RCU, {t.write} WCU" + (
            f", plus {gsi} units for its GSIs" if gsi else "") + \
            ") is billed every hour whether used or not; on demand bills per request"
    return None


def _add_gsi(op: o.AddGSI, schema, items) -> str:
    n = items(op.table)
    t = schema.table(op.table)
    if t.billing == PROVISIONED:
        cost = f"the index's own {op.index.write} WCU limit it: about " \
               f"{n // max(op.index.write or 1, 1):,} s, and they are billed hourly"
    else:
        cost = f"on demand, up to {n:,} write request unit(s) (more for items over 1 KB)"
    return f"{op.describe().split(' (')[0]}: the backfill reads all {n:,} item(s) of " \
           f"{op.table} and writes one index entry per item that has the index key: {cost}"


def _drop_table(op: o.DropTable, schema, items) -> str:
    n = items(op.table.name)
    return f"drop table {op.table.name}: its {n:,} item(s) are first copied into an " \
           f"on-demand backup table ({n:,} read(s) and {n:,} write request unit(s)); the " \
           "backup stays until the migration is rolled back"


def _transform(op, schema, items) -> str:
    n = items(op.table)
    return f"{op.describe()}: scans {op.table} ({n:,} item(s), read capacity) and writes " \
           f"each changed item twice (backup, update): {_writes(schema, op.table, 2 * n)}"


def _copy(op: o.CopyItems, schema, items) -> str:
    n = items(op.source)
    return f"{op.describe()}: reads {n:,} item(s) twice (check, copy) and writes them: " \
           f"{_writes(schema, op.target, n)}. The old table stays: point the application " \
           "at the new one, then drop the old one in a later migration"


def _ttl(op: o.SetTTL, schema, items) -> str:
    return f"{op.describe()}: AWS allows one TTL change per table in about an hour, so a " \
           "rollback right after may be refused there (emulators do not enforce it); " \
           "TTL deletions are free and take up to a few days"


def _stream(op: o.SetStream, schema, items) -> str | None:
    if op.after is None:
        return f"{op.describe()}: its consumers (Lambda triggers, replicas) stop getting " \
               "changes; records already in the stream stay readable for 24 hours"
    return f"{op.describe()}: stream reads are billed per request unless a Lambda " \
           "trigger reads them"


_NOTES: dict[type, Callable[..., Any]] = {o.CreateTable: _create, o.AddGSI: _add_gsi, o.DropTable: _drop_table,
          o.SetDefault: _transform, o.RenameAttribute: _transform,
          o.SplitAttribute: _transform, o.CopyItems: _copy, o.SetTTL: _ttl,
          o.SetStream: _stream}
