"""Live Cosmos DB database -> :class:`~dbwork.model.documents.DocumentSchema`: each
container with its definition (partition key, indexing policy, unique keys, default
TTL) as options, its item count and the item shape inferred from a sample."""
from __future__ import annotations

from ...model.documents import Collection, DocumentSchema, FieldStat
from .items import SYSTEM_PROPERTIES, count

RESERVED = ("dbwork_", "_dbwork_")
DEFINITION_KEYS = ("partitionKey", "indexingPolicy", "uniqueKeyPolicy", "defaultTtl")


def is_user_container(name: str) -> bool:
    return not name.startswith(RESERVED)


def definition_of(properties: dict) -> dict:
    """The parts of a container's properties a migration changes, normalised.

    >>> definition_of({"id": "a", "_rid": "x", "partitionKey": {"paths": ["/c"], "kind": "Hash", "version": 2},
    ...                "indexingPolicy": {"indexingMode": "consistent", "compositeIndexes": None}})
    {'partitionKey': {'paths': ['/c'], 'kind': 'Hash'}, 'indexingPolicy': {'indexingMode': 'consistent'}}
    """
    out = {}
    for key in DEFINITION_KEYS:
        value = properties.get(key)
        if key == "partitionKey" and value:
            value = {"paths": list(value["paths"]), "kind": value.get("kind", "Hash")}
        if key == "indexingPolicy" and value:
            value = {k: v for k, v in value.items() if v is not None}
        if key == "uniqueKeyPolicy" and value and not value.get("uniqueKeys"):
            value = None
        if value is not None:
            out[key] = value
    return out


def introspect_database(db, sample: int = 1000, only=None) -> DocumentSchema:
    collections = {}
    for properties in db.list_containers():
        name = properties["id"]
        if not is_user_container(name) or (only and name not in only):
            continue
        container = db.get_container_client(name)
        docs = list(container.query_items(f"SELECT TOP {int(sample)} * FROM c",
                                          enable_cross_partition_query=True))
        fields = infer_fields([{k: v for k, v in d.items() if k not in SYSTEM_PROPERTIES}
                               for d in docs])
        collections[name] = Collection(name, definition_of(properties), (), tuple(fields),
                                       count(container), len(docs))
    return DocumentSchema(db.id, dict(sorted(collections.items())))


def type_name(value) -> str:
    """The JSON type of a value.

    >>> [type_name(v) for v in (None, True, 1, 1.5, "a", [1], {"a": 1})]
    ['null', 'bool', 'number', 'number', 'string', 'array', 'object']
    """
    for kind, name in ((type(None), "null"), (bool, "bool"), ((int, float), "number"),
                       (str, "string"), (list, "array"), (dict, "object")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def infer_fields(docs: list[dict]) -> list[FieldStat]:
    """Property paths seen in ``docs`` (``a.b`` nested), with type counts and presence."""
    types: dict[str, dict[str, int]] = {}
    present: dict[str, int] = {}
    for doc in docs:
        seen: set[str] = set()
        _walk(doc, "", types, seen)
        for p in seen:
            present[p] = present.get(p, 0) + 1
    return [FieldStat(p, dict(t), present.get(p, 0), len(docs)) for p, t in types.items()]


def _walk(value: dict, prefix: str, types: dict, seen: set) -> None:
    for k, v in value.items():
        path = f"{prefix}{k}"
        bucket = types.setdefault(path, {})
        bucket[type_name(v)] = bucket.get(type_name(v), 0) + 1
        seen.add(path)
        if isinstance(v, dict):
            _walk(v, path + ".", types, seen)
