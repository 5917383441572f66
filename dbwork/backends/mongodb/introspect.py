"""Live MongoDB database -> DocumentSchema: collections with options, indexes with
full specs, and the document shape inferred from a sample (the first ``sample``
documents in natural order, so the result is stable from run to run).

>>> infer_fields([{"_id": 1, "a": {"b": 2}, "tags": ["x"]}, {"_id": 2}])[1].path
'a'
"""
from __future__ import annotations

import datetime
import re
import uuid

from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from bson.dbref import DBRef

from ...model.documents import Collection, DocumentSchema, FieldStat, IndexSpec

RESERVED = ("system.", "dbwork_", "_dbwork_")
DEFAULT_SAMPLE = 1000


def is_user_collection(name: str) -> bool:
    return not name.startswith(RESERVED)


def introspect(db, sample: int = DEFAULT_SAMPLE, only=None) -> DocumentSchema:
    """Read every user collection of pymongo database ``db``."""
    infos = {c["name"]: c for c in db.list_collections()}
    names = sorted(n for n in infos if is_user_collection(n) and
                   infos[n].get("type", "collection") == "collection")
    if only is not None:
        names = [n for n in names if n in set(only)]
    return DocumentSchema(db.name, {n: read_collection(db, n, infos[n], sample) for n in names})


def read_collection(db, name: str, info: dict, sample: int) -> Collection:
    coll = db[name]
    options = dict(info.get("options") or {})
    if not options:
        options = _options(coll)
    docs = list(coll.find({}, limit=sample)) if sample else []
    return Collection(name, options=options, indexes=read_indexes(coll),
                      fields=tuple(infer_fields(docs)), documents=coll.count_documents({}),
                      sampled=len(docs))


def _options(coll) -> dict:
    try:
        return dict(coll.options() or {})
    except Exception:  # a stand-in that cannot list options: none known
        return {}


def read_indexes(coll) -> tuple[IndexSpec, ...]:
    out = []
    for spec in coll.list_indexes():
        spec = dict(spec)
        key = tuple((k, _direction(v)) for k, v in dict(spec.pop("key")).items())
        name = spec.pop("name")
        for drop in ("v", "ns", "background"):
            spec.pop(drop, None)
        out.append(IndexSpec(name, key, spec))
    return tuple(sorted(out, key=lambda i: (i.name != "_id_", i.name)))


def _direction(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# -- the document shape ---------------------------------------------------------------
def type_name(value) -> str:
    """The BSON type name of a Python value as pymongo decodes it."""
    for kind, name in _TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


_TYPES = [(bool, "bool"), (Int64, "long"), (int, "int"), (float, "double"),
          (Decimal128, "decimal"), (str, "string"), (ObjectId, "objectId"),
          (datetime.datetime, "date"), (dict, "object"), (list, "array"),
          (type(None), "null"), (Binary, "binData"), (bytes, "binData"),
          (uuid.UUID, "binData"), (Regex, "regex"), (re.Pattern, "regex"),
          (Timestamp, "timestamp"), (Code, "javascript"), (DBRef, "dbPointer"),
          (MinKey, "minKey"), (MaxKey, "maxKey")]


def infer_fields(docs: list[dict]) -> list[FieldStat]:
    """Field paths seen in ``docs`` (``a.b`` nested, ``a[]`` array elements), in first
    seen order, with type counts and presence."""
    types: dict[str, dict[str, int]] = {}
    present: dict[str, int] = {}
    for doc in docs:
        seen: set[str] = set()
        _walk(doc, "", types, seen)
        for p in seen:
            present[p] = present.get(p, 0) + 1
    n = len(docs)
    return [FieldStat(p, dict(t), present.get(p, 0), n) for p, t in types.items()]


def _walk(value: dict, prefix: str, types: dict, seen: set) -> None:
    for k, v in value.items():
        path = f"{prefix}{k}"
        _count(path, v, types, seen)


def _count(path: str, v, types: dict, seen: set) -> None:
    t = type_name(v)
    bucket = types.setdefault(path, {})
    bucket[t] = bucket.get(t, 0) + 1
    seen.add(path)
    if isinstance(v, dict):
        _walk(v, path + ".", types, seen)
    elif isinstance(v, list):
        for item in v:
            _count(path + "[]", item, types, seen)
