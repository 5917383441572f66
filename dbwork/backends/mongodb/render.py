"""Document operations -> MongoDB database commands, one canonical line of Extended
JSON (v2, relaxed) each: exactly the command document a server receives.

Key order is kept, not sorted: the command name must come first and an index key's
order is its meaning. Int64 values are written ``{"$numberLong": ...}`` so they come
back as Int64 (relaxed mode would print a plain number).

>>> from dbwork.model.documents import DocumentSchema, IndexSpec
>>> from dbwork.ops.document_ops import CreateIndex
>>> render(CreateIndex("orders", IndexSpec("sku_1", (("sku", 1),), {"unique": True})),
...        DocumentSchema("shop"), None)
['{"createIndexes": "orders", "indexes": [{"key": {"sku": 1}, "name": "sku_1", "unique": true}]}']
"""
from __future__ import annotations

from bson import Int64, json_util
from bson.json_util import JSONOptions, JSONMode

from ...errors import UnsupportedError
from ...model.documents import VALIDATION_DEFAULTS, VALIDATION_KEYS
from ...ops import document_ops as d

JSON = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True)


def dumps(command: dict) -> str:
    """One command document as canonical text (the form files and history keep)."""
    return json_util.dumps(_mark_longs(command), json_options=JSON)


def loads(text: str) -> dict:
    """The inverse of :func:`dumps`."""
    return json_util.loads(text, json_options=JSON)


def _mark_longs(value):
    if isinstance(value, Int64):
        return {"$numberLong": str(int(value))}
    if isinstance(value, dict):
        return {k: _mark_longs(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mark_longs(v) for v in value]
    return value


def commands(op, schema) -> list[dict]:
    """The command documents for ``op`` on ``schema`` (before it runs)."""
    fn = _RENDERERS.get(type(op))
    if fn is None:
        raise UnsupportedError(f"no MongoDB command for {type(op).__name__}")
    return fn(op, schema)


def render(op, schema, dialect=None) -> list[str]:
    return [dumps(c) for c in commands(op, schema)]


def _create(op: d.CreateCollection, schema) -> list[dict]:
    c = op.collection
    out = [{"create": c.name, **c.options}]
    indexes = [i.spec() for i in c.indexes if i.name != "_id_"]
    if indexes:
        out.append({"createIndexes": c.name, "indexes": indexes})
    return out


def _drop(op: d.DropCollection, schema) -> list[dict]:
    return [{"drop": op.collection.name}]


def _rename(op: d.RenameCollection, schema) -> list[dict]:
    db = schema.database
    return [{"renameCollection": f"{db}.{op.old}", "to": f"{db}.{op.new}", "dropTarget": False}]


def _create_index(op: d.CreateIndex, schema) -> list[dict]:
    return [{"createIndexes": op.collection, "indexes": [op.index.spec()]}]


def _drop_index(op: d.DropIndex, schema) -> list[dict]:
    return [{"dropIndexes": op.collection, "index": op.index.name}]


def _validator(op: d.SetValidator, schema) -> list[dict]:
    after = {k: op.after.get(k, VALIDATION_DEFAULTS[k]) for k in VALIDATION_KEYS}
    return [{"collMod": op.collection, **after}]


def _update(collection: str, q: dict, u, multi: bool = True, **options) -> dict:
    return {"update": collection, "updates": [{"q": q, "u": u, "multi": multi, **options}],
            "ordered": True}


def _rename_fields(op: d.RenameFields, schema) -> list[dict]:
    return [_update(op.collection, _having(op.filter, [o for o, _ in op.renames]),
                    {"$rename": dict(op.renames)})]


def _having(flt: dict, paths: list[str]) -> dict:
    """``flt`` narrowed to documents that have one of ``paths``: the documents a
    $rename changes (the same effect, and an index on the field can serve it)."""
    exists = [{p: {"$exists": True}} for p in paths]
    cond = exists[0] if len(exists) == 1 else {"$or": exists}
    if not flt:
        return cond
    if len(exists) == 1 and paths[0] not in flt and "$and" not in flt:
        return {**flt, **cond}
    return {"$and": [flt, cond]}


def _set_fields(op: d.SetFields, schema) -> list[dict]:
    return [_update(op.collection, op.filter, {"$set": dict(op.values)})]


def _unset_fields(op: d.UnsetFields, schema) -> list[dict]:
    return [_update(op.collection, op.filter, {"$unset": {f: "" for f in op.fields}})]


def _update_documents(op: d.UpdateDocuments, schema) -> list[dict]:
    return [_update(op.collection, op.filter, op.update, op.multi, **op.options)]


def _delete(op: d.DeleteDocuments, schema) -> list[dict]:
    return [{"delete": op.collection, "deletes": [{"q": op.filter, "limit": 0 if op.multi else 1}],
             "ordered": True}]


def _insert(op: d.InsertDocuments, schema) -> list[dict]:
    return [{"insert": op.collection, "documents": list(op.documents), "ordered": True}]


def _delete_inserted(op: d.DeleteInserted, schema) -> list[dict]:
    return [{"delete": op.collection, "deletes": [{"q": {"_id": {"$in": list(op.ids)}},
                                                   "limit": 0}], "ordered": True}]


def _backup(op: d.BackupDocuments, schema) -> list[dict]:
    return [{"aggregate": op.collection,
             "pipeline": [{"$match": op.filter},
                          {"$merge": {"into": op.backup, "on": "_id",
                                      "whenMatched": "replace", "whenNotMatched": "insert"}}],
             "cursor": {}}]


def _restore(op: d.RestoreDocuments, schema) -> list[dict]:
    return [{"aggregate": op.backup,
             "pipeline": [{"$merge": {"into": op.collection, "on": "_id",
                                      "whenMatched": "replace", "whenNotMatched": "insert"}}],
             "cursor": {}, "bypassDocumentValidation": True},
            {"drop": op.backup}]


def _restored(op, schema) -> list[dict]:
    return []


def _raw(op: d.RawCommand, schema) -> list[dict]:
    return [op.command]


_RENDERERS = {
    d.CreateCollection: _create, d.DropCollection: _drop, d.RenameCollection: _rename,
    d.CreateIndex: _create_index, d.DropIndex: _drop_index, d.SetValidator: _validator,
    d.RenameFields: _rename_fields, d.SetFields: _set_fields, d.UnsetFields: _unset_fields,
    d.UpdateDocuments: _update_documents, d.DeleteDocuments: _delete,
    d.InsertDocuments: _insert, d.DeleteInserted: _delete_inserted,
    d.BackupDocuments: _backup, d.RestoreDocuments: _restore, d.Restored: _restored,
    d.RawCommand: _raw,
}
