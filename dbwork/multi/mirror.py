"""Mirror a SQL table as a MongoDB collection: the ``$jsonSchema`` validator from the
column types and NOT NULLs, the indexes from the keys (a single-column primary key is
``_id``, as :func:`dbwork.copy` writes it; a composite one and UNIQUE: unique indexes;
foreign keys and plain indexes: indexes). Pure: a neutral Table in, the
mongosh text (that dbwork's own parser reads) out.

>>> from dbwork.model.schema import Column, PrimaryKey, Table
>>> t = Table("events", (Column("id", "INTEGER", nullable=False),
...                      Column("kind", "VARCHAR(20)", nullable=False),
...                      Column("at", "TIMESTAMP")), primary_key=PrimaryKey(("id",)))
>>> print(mirror_text(t))
db.createCollection("events", {"validator": {"$jsonSchema": {"bsonType": "object", "required": ["_id", "kind"], "properties": {"_id": {"bsonType": ["int", "long"]}, "kind": {"bsonType": "string", "maxLength": 20}, "at": {"bsonType": ["date", "null"]}}}}})
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..model.types import base_name, type_family, type_params

# neutral type family -> the BSON types a mirrored value may have
BSON_TYPES = {
    "integer": ["int", "long"],
    "numeric": ["double", "decimal", "int", "long"],
    "text": ["string"],
    "time": ["date"],
    "bool": ["bool"],
    "binary": ["binData"],
    "json": ["object", "array"],
}


@dataclass(frozen=True)
class MirrorSpec:
    """``--mirror main:events backup``: the SQL ``source`` target and ``table``, mirrored
    into the document ``target``.

    >>> MirrorSpec.parse("main:events backup")
    MirrorSpec(source='main', table='events', target='backup')
    """

    source: str
    table: str
    target: str

    @classmethod
    def parse(cls, text: str) -> "MirrorSpec":
        from ..errors import ConfigError
        parts = text.split()
        if len(parts) != 2 or parts[0].count(":") != 1 or not all(parts[0].split(":")):
            raise ConfigError(f"mirror must read 'SOURCE:TABLE TARGET' (e.g. 'main:events "
                              f"backup'), not {text!r}")
        source, table = parts[0].split(":")
        return cls(source, table, parts[1])


def document_key(table) -> str | None:
    """The column that becomes ``_id``: a single-column primary key (the convention of
    :func:`dbwork.copy` into MongoDB, so a backfill and the mirror agree), else None."""
    pk = table.primary_key.columns if table.primary_key else ()
    return pk[0] if len(pk) == 1 else None


def field_name(table, column: str) -> str:
    return "_id" if column == document_key(table) else column


def json_schema(table) -> dict:
    """The ``$jsonSchema`` of ``table``'s rows: a required field per NOT NULL column,
    the BSON types of each column's type (plus null where it may be NULL), a string's
    maxLength from VARCHAR(n); a single-column primary key is ``_id``."""
    props = {field_name(table, c.name): _property(c) for c in table.columns}
    required = [field_name(table, c.name) for c in table.columns if not c.nullable]
    schema = {"bsonType": "object"}
    if required:
        schema["required"] = required
    schema["properties"] = props
    return schema


def _property(column) -> dict:
    family = type_family(column.type)
    types = list(BSON_TYPES.get(family, []))
    prop: dict = {}
    if types:
        if column.nullable:
            types.append("null")
        prop["bsonType"] = types[0] if len(types) == 1 else types
    params = type_params(column.type)
    if family == "text" and params and base_name(column.type) in ("VARCHAR", "CHAR"):
        prop["maxLength"] = params[0]
    return prop


def index_specs(table) -> list[tuple[dict, dict]]:
    """(keys, options) of every index the collection gets, unique keys first, each
    key set once (none on ``_id``, which MongoDB indexes itself)."""
    out, seen = [], {(document_key(table),)}

    def add(columns, unique, name):
        columns = [field_name(table, c) for c in columns]
        key = tuple(columns)
        if key == ("_id",):
            return
        if key in seen:
            return
        seen.add(key)
        options = {"unique": True} if unique else {}
        out.append(({c: 1 for c in columns}, {**options, "name": name}))

    if table.primary_key and document_key(table) is None:   # a single key is _id: indexed
        add(table.primary_key.columns, True, table.primary_key.name or f"{table.name}_pkey")
    for u in table.uniques:
        add(u.columns, True, u.name or f"{table.name}_{'_'.join(u.columns)}_key")
    for ix in table.indexes:
        add(ix.columns, ix.unique, ix.name)
    for fk in table.foreign_keys:
        add(fk.columns, False, fk.name or f"{table.name}_{'_'.join(fk.columns)}_fkey")
    return out


def mirror_text(table, collection: str | None = None) -> str:
    """The mongosh commands that create the mirror of ``table`` (named ``collection``,
    default the table's name): createCollection with the validator, then each index."""
    name = collection or table.name
    options = {"validator": {"$jsonSchema": json_schema(table)}}
    lines = [f"db.createCollection({json.dumps(name)}, {json.dumps(options)})"]
    for keys, opts in index_specs(table):
        lines.append(f"db.{name}.createIndex({json.dumps(keys)}, {json.dumps(opts)})")
    return "\n".join(lines)
