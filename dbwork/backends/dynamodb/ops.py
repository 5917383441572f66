"""DynamoDB operations: plain frozen data that know their effect on a
:class:`~dbwork.backends.dynamodb.model.DynamoSchema`, their inverse and their kind.

A dropped table or index carries its whole definition, so its reverse needs no second
look at the database. Item transformations are preceded by a :class:`BackupItems`
step (added by the plan: ``backed_up``) that copies every item they will change, whole;
its reverse puts those items back exactly, so the rollback restores them byte for byte.

>>> from .model import KeyAttr, IndexDef
>>> op = AddGSI("orders", IndexDef("by_status", (KeyAttr("status", "S"),)))
>>> op.reverse().describe()
'drop GSI orders.by_status (status S HASH) projection ALL'
>>> RenameAttribute("orders", "qty", "quantity").backed_up("_b")[0].describe()
'back up the items of orders that have qty into _b'
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, cast

from ...errors import IrreversibleError
from ...ops.schema_ops import ADDITIVE, CHANGING, DATA, DESTRUCTIVE, RENAMING, Operation
from .model import DynamoSchema, IndexDef, TableDef


def _changed(schema: DynamoSchema, name: str, **changes) -> DynamoSchema:
    if not schema.has_table(name):
        return schema
    return schema.with_table(replace(schema.table(name), **changes))


# -- tables ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CreateTable(Operation):
    table: TableDef
    kind = ADDITIVE

    def apply(self, schema):
        return schema.with_table(self.table)

    def reverse(self):
        return DropTable(self.table)

    def describe(self):
        t = self.table
        extra = [f"{len(t.gsis)} GSI(s)"] if t.gsis else []
        extra += [f"{len(t.lsis)} LSI(s)"] if t.lsis else []
        extra += [f"TTL {t.ttl}"] if t.ttl else []
        extra += [f"stream {t.stream}"] if t.stream else []
        return f"create table {t.name} ({t.key_text()}), {t.billing_text()}" + (
            f", {', '.join(extra)}" if extra else "")

    def tables(self):
        return (self.table.name,)


@dataclass(frozen=True)
class DropTable(Operation):
    table: TableDef
    kind = DESTRUCTIVE

    def apply(self, schema):
        return schema.without_table(self.table.name)

    def reverse(self):
        return CreateTable(self.table)

    def describe(self):
        return f"drop table {self.table.name} and all its items"

    def loss(self):
        return f"drop table {self.table.name}", self.table.name

    def tables(self):
        return (self.table.name,)

    def backed_up(self, backup: str) -> list[Operation]:
        """Every item is copied aside first; the rollback re-creates the table (keys,
        indexes, TTL, stream) and then puts them back."""
        return [BackupItems(self.table.name, backup, {}), self]


# -- indexes, TTL, streams -----------------------------------------------------------
@dataclass(frozen=True)
class AddGSI(Operation):
    table: str
    index: IndexDef
    kind = ADDITIVE

    def apply(self, schema):
        t = schema.table(self.table)
        gsis = tuple(sorted(t.gsis + (self.index,), key=lambda i: i.name))
        return _changed(schema, self.table, gsis=gsis)

    def reverse(self):
        return DropGSI(self.table, self.index)

    def describe(self):
        return f"add GSI {self.table}.{self.index.describe()}"


@dataclass(frozen=True)
class DropGSI(Operation):
    table: str
    index: IndexDef
    kind = CHANGING     # an index holds copies of items: the items stay in the table

    def apply(self, schema):
        t = schema.table(self.table)
        return _changed(schema, self.table,
                        gsis=tuple(i for i in t.gsis if i.name != self.index.name))

    def reverse(self):
        return AddGSI(self.table, self.index)

    def describe(self):
        return f"drop GSI {self.table}.{self.index.describe()}"


@dataclass(frozen=True)
class SetTTL(Operation):
    """Turn TTL on (``after`` is the attribute) or off (``after`` is None); ``before``
    is what the table had, so the reverse puts it back."""

    table: str
    before: str | None
    after: str | None
    kind = CHANGING

    def apply(self, schema):
        return _changed(schema, self.table, ttl=self.after)

    def reverse(self):
        return SetTTL(self.table, self.after, self.before)

    def describe(self):
        if self.after is None:
            return f"turn TTL off on {self.table} (was {self.before})"
        return f"turn TTL on for {self.table} on attribute {self.after}"


@dataclass(frozen=True)
class SetStream(Operation):
    """Turn the table's stream on (``after`` is its view type) or off (None)."""

    table: str
    before: str | None
    after: str | None
    kind = CHANGING

    def apply(self, schema):
        return _changed(schema, self.table, stream=self.after)

    def reverse(self):
        return SetStream(self.table, self.after, self.before)

    def describe(self):
        if self.after is None:
            return f"turn the stream of {self.table} off (was {self.before})"
        return f"turn the stream of {self.table} on ({self.after})"


# -- items ------------------------------------------------------------------------
class _BackedUpItems(Operation):
    """An item transformation: the items it changes are copied aside, whole, by the
    step before it; its own reverse is nothing (that backup's reverse restores them)."""

    table: str
    backup: str | None

    def changes(self) -> dict:
        """Which items it changes: ``{"has": a}`` or ``{"lacks": a}``."""
        raise NotImplementedError

    def reverse(self):
        if self.backup is None:
            raise IrreversibleError(self.describe(), "no backup of the items it changes")
        return ItemsRestored(self.table, self.backup)

    def backed_up(self, backup: str) -> list[Operation]:
        changed: Operation = replace(cast(Any, self), backup=backup)
        return [BackupItems(self.table, backup, self.changes()), changed]


@dataclass(frozen=True)
class SetDefault(_BackedUpItems):
    """Give every item that lacks ``attribute`` the ``value`` (a typed attribute
    value, e.g. ``{"S": "new"}``)."""

    table: str
    attribute: str
    value: dict
    backup: str | None = None
    kind = DATA

    def apply(self, schema):
        return schema

    def changes(self) -> dict:
        return {"lacks": self.attribute}

    def describe(self):
        return f"add attribute {self.attribute} = {_show(self.value)} to the items of " \
               f"{self.table} that lack it"


@dataclass(frozen=True)
class RenameAttribute(_BackedUpItems):
    table: str
    old: str
    new: str
    backup: str | None = None
    kind = RENAMING

    def apply(self, schema):
        return schema

    def changes(self) -> dict:
        return {"has": self.old}

    def describe(self):
        return f"rename attribute {self.old} to {self.new} in the items of {self.table}"


@dataclass(frozen=True)
class SplitAttribute(_BackedUpItems):
    """Split a string attribute at ``separator`` into ``into`` (at most that many
    parts; the last keeps the rest) and remove the original."""

    table: str
    source: str
    separator: str
    into: tuple[str, ...]
    backup: str | None = None
    kind = DATA

    def apply(self, schema):
        return schema

    def changes(self) -> dict:
        return {"has": self.source}

    def describe(self):
        return f"split attribute {self.source} of {self.table} at {self.separator!r} " \
               f"into {', '.join(self.into)}"


@dataclass(frozen=True)
class CopyItems(Operation):
    """Copy every item of ``source`` into ``target`` (a key change: the new table was
    created by the step before; the old one stays until a later migration drops it)."""

    source: str
    target: str
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        return ItemsRestored(self.target, "")   # the rollback drops the new table

    def describe(self):
        return f"copy every item of {self.source} into {self.target}"

    def tables(self):
        return (self.source, self.target)


@dataclass(frozen=True)
class BackupItems(Operation):
    """Copy the items of ``table`` matching ``where`` (``{}``: all; ``{"has": a}``;
    ``{"lacks": a}``) into the backup table ``backup``, whole. Its reverse puts them
    back and drops the backup, so a rollback after a partial failure restores them."""

    table: str
    backup: str
    where: dict
    kind = ADDITIVE

    def apply(self, schema):
        return schema

    def reverse(self):
        return RestoreItems(self.table, self.backup)

    def describe(self):
        what = "every item" if not self.where else \
            f"the items of {self.table} that {'have' if 'has' in self.where else 'lack'} " \
            f"{next(iter(self.where.values()))}"
        if not self.where:
            what += f" of {self.table}"
        return f"back up {what} into {self.backup}"

    def tables(self):
        return (self.table,)


@dataclass(frozen=True)
class RestoreItems(Operation):
    table: str
    backup: str
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        return BackupItems(self.table, self.backup, {})

    def describe(self):
        return f"put the items of {self.table} back from {self.backup} (whole items, " \
               "by key), then drop the backup"


@dataclass(frozen=True)
class ItemsRestored(Operation):
    """The reverse of a backed-up transformation: nothing runs here."""

    table: str
    backup: str
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        raise IrreversibleError(self.describe())

    def describe(self):
        if not self.backup:
            return f"the items copied into {self.table} go with the table"
        return f"items of {self.table} come back from {self.backup}"


def _show(value: Any) -> str:
    (kind, v), = value.items()
    return f'"{v}"' if kind == "S" else str(v).lower() if kind == "BOOL" else str(v)


__all__ = ["AddGSI", "BackupItems", "CopyItems", "CreateTable", "DropGSI", "DropTable",
           "ItemsRestored", "RenameAttribute", "RestoreItems", "SetDefault", "SetStream",
           "SetTTL", "SplitAttribute"]
