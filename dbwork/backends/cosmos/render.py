"""Operations -> command documents (one JSON object per statement), what the session
executes and what a dry run, a card and a migration file show.

>>> from dbwork.ops.document_ops import DropCollection
>>> from dbwork.model.documents import Collection
>>> render(DropCollection(Collection("orders")), None)
['{"deleteContainer": "orders"}']
"""
from __future__ import annotations

import json

from ...ops import document_ops as d
from .ops import ChangePartitionKey, ReplaceContainer, TransformItems

SWAP_PREFIX = "_dbwork_swap_"


def _json(command: dict) -> str:
    return json.dumps(command, sort_keys=False, separators=(", ", ": "))


def render(op, schema, dialect=None) -> list[str]:
    fn = _RENDERERS.get(type(op))
    if fn is None:
        raise NotImplementedError(f"Cosmos DB cannot do {op.describe()}")
    return [_json(c) for c in fn(op)]


def _create(op):
    return [{"createContainer": {"id": op.collection.name, **op.collection.options}}]


def _drop(op):
    return [{"deleteContainer": op.collection.name}]


def _replace(op):
    return [{"replaceContainer": op.collection,
             "indexingPolicy": op.after.get("indexingPolicy"),
             "defaultTtl": op.after.get("defaultTtl")}]


def _change_key(op):
    return [{"changePartitionKey": {"id": op.collection, **op.after},
             "swap": SWAP_PREFIX + op.collection}]


def _transform(op):
    command: dict = {"transformItems": op.collection}
    if op.set:
        command["set"] = op.set
    if op.rename:
        command["rename"] = [list(pair) for pair in op.rename]
    if op.remove:
        command["remove"] = list(op.remove)
    return [command]


def _backup(op):
    return [{"backupItems": op.collection, "to": op.backup}]


def _restore(op):
    return [{"restoreItems": op.collection, "from": op.backup}]


def _restored(op):
    return []   # the backup step's reverse writes the items back


_RENDERERS = {d.CreateCollection: _create, d.DropCollection: _drop,
              ReplaceContainer: _replace, ChangePartitionKey: _change_key,
              TransformItems: _transform, d.BackupDocuments: _backup,
              d.RestoreDocuments: _restore, d.Restored: _restored}
