"""Cosmos DB's own operations (beside the document operations it shares with MongoDB:
create and drop a container, back up and restore items). Each carries what it changes,
so its reverse needs no second look at the database.

>>> op = ReplaceContainer("orders", {"defaultTtl": 60}, {})
>>> op.reverse().after, op.describe()
({'defaultTtl': 60}, 'change the default TTL of orders (60 -> off)')
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...errors import IrreversibleError
from ...model.documents import FieldStat
from ...ops.document_ops import BackupDocuments, Restored, _update_coll
from ...ops.schema_ops import CHANGING, DATA, Operation


def _ttl(value) -> str:
    return "off" if value is None else ("on, no default" if value == -1 else str(value))


@dataclass(frozen=True)
class ReplaceContainer(Operation):
    """A new indexing policy or default TTL (``before`` is the live definition)."""

    collection: str
    before: dict
    after: dict
    kind = CHANGING

    def apply(self, schema):
        c = schema.collection(self.collection)
        return _update_coll(schema, self.collection, options=dict(self.after) or
                            {k: v for k, v in c.options.items() if k == "partitionKey"})

    def reverse(self):
        return ReplaceContainer(self.collection, self.after, self.before)

    def describe(self):
        what = []
        if self.before.get("indexingPolicy") != self.after.get("indexingPolicy"):
            what.append(f"change the indexing policy of {self.collection}")
        if self.before.get("defaultTtl") != self.after.get("defaultTtl"):
            what.append(f"change the default TTL of {self.collection} "
                        f"({_ttl(self.before.get('defaultTtl'))} -> "
                        f"{_ttl(self.after.get('defaultTtl'))})")
        return "; ".join(what) or f"replace the definition of {self.collection} (no change)"


@dataclass(frozen=True)
class ChangePartitionKey(Operation):
    """A container made again with another partition key, its items copied through a
    swap container (Cosmos DB cannot change a key in place)."""

    collection: str
    before: dict
    after: dict
    kind = CHANGING

    def apply(self, schema):
        return _update_coll(schema, self.collection, options=dict(self.after))

    def reverse(self):
        return ChangePartitionKey(self.collection, self.after, self.before)

    def describe(self):
        old = ", ".join(self.before["partitionKey"]["paths"])
        new = ", ".join(self.after["partitionKey"]["paths"])
        return f"change the partition key of {self.collection} ({old} -> {new}): copy " \
               "every item into a swap container and back"


@dataclass(frozen=True)
class TransformItems(Operation):
    """Add (where missing), rename or remove properties of every item. The items are
    backed up by the step before it; the backup's reverse restores them exactly."""

    collection: str
    set: dict = field(default_factory=dict)
    rename: tuple[tuple[str, str], ...] = ()
    remove: tuple[str, ...] = ()
    backup: str | None = None
    kind = DATA

    def apply(self, schema):
        c = schema.collection(self.collection)
        fields = []
        for f in c.fields:
            root, sep, rest = f.path.partition(".")
            if root in self.remove:
                continue
            root = dict(self.rename).get(root, root)
            fields.append(replace(f, path=root + sep + rest))
        fields += [FieldStat(p, {"new": 1}, 0, c.sampled) for p in self.set
                   if not any(f.path == p for f in fields)]
        return _update_coll(schema, self.collection, fields=tuple(fields))

    def reverse(self):
        if self.backup is None:
            raise IrreversibleError(self.describe(), "no backup of the items it changes")
        return Restored(self.collection, self.backup)

    def backed_up(self, backup: str) -> list[Operation]:
        return [BackupDocuments(self.collection, backup, {}), replace(self, backup=backup)]

    def describe(self):
        what = [f"add {p}" for p in self.set] + [f"rename {a} to {b}" for a, b in self.rename]
        what += [f"remove {p}" for p in self.remove]
        return f"{', '.join(what)} in every item of {self.collection}"
