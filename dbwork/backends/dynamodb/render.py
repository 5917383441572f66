"""DynamoDB operations -> statements: one JSON object per line, ``{"Action": {...}}``.
An AWS API action (``CreateTable``, ``UpdateTable``, ``DeleteTable``,
``UpdateTimeToLive``) carries exactly the request boto3 sends; a ``dbwork.*`` action is
an item job dbwork runs itself (backup, restore, transform, copy). The session
executes the same lines, so what a dry run shows is what runs.

>>> from .model import KeyAttr, TableDef
>>> from .ops import CreateTable
>>> render(CreateTable(TableDef("t", (KeyAttr("id", "S"),))), None)
['{"CreateTable": {"TableName": "t", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}}']
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ...errors import UnsupportedError
from . import ops as o
from .model import PROVISIONED, IndexDef, KeyAttr, TableDef


def dumps(action: str, request: dict) -> str:
    """One statement: the action and its request as one line of JSON."""
    return json.dumps({action: request}, ensure_ascii=False)


def loads(statement: str) -> tuple[str, dict]:
    """The inverse of :func:`dumps`: (action, request)."""
    from ...errors import ParseError
    try:
        value = json.loads(statement.strip().rstrip(";"))
    except ValueError as e:
        raise ParseError(f"not a DynamoDB statement (one JSON object per line): {e}") from None
    if not isinstance(value, dict) or len(value) != 1:
        raise ParseError('a DynamoDB statement is one {"Action": {...}} object')
    (action, request), = value.items()
    return action, request


def render(op, schema, dialect=None) -> list[str]:
    fn = _RENDERERS.get(type(op))
    if fn is None:
        raise UnsupportedError(f"no DynamoDB statement for {type(op).__name__}")
    return [dumps(action, request) for action, request in fn(op, schema)]


def key_schema(keys: tuple[KeyAttr, ...]) -> list[dict]:
    return [{"AttributeName": k.name, "KeyType": k.role} for k in keys]


def attribute_definitions(types: dict[str, str]) -> list[dict]:
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


def throughput(read, write) -> dict:
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": write}


def index_request(index: IndexDef, provisioned: bool) -> dict:
    out: dict = {"IndexName": index.name, "KeySchema": key_schema(index.keys),
                 "Projection": {"ProjectionType": index.projection}}
    if index.include:
        out["Projection"]["NonKeyAttributes"] = list(index.include)
    if provisioned and index.read is not None:
        out["ProvisionedThroughput"] = throughput(index.read, index.write)
    return out


def table_request(t: TableDef) -> dict:
    provisioned = t.billing == PROVISIONED
    out: dict = {"TableName": t.name, "KeySchema": key_schema(t.keys),
                 "AttributeDefinitions": attribute_definitions(t.attribute_types()),
                 "BillingMode": t.billing}
    if provisioned:
        out["ProvisionedThroughput"] = throughput(t.read, t.write)
    if t.gsis:
        out["GlobalSecondaryIndexes"] = [index_request(i, provisioned) for i in t.gsis]
    if t.lsis:
        out["LocalSecondaryIndexes"] = [index_request(i, False) for i in t.lsis]
    if t.stream:
        out["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": t.stream}
    return out


def ttl_request(table: str, attribute: str, enabled: bool) -> dict:
    return {"TableName": table,
            "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}


def _create(op: o.CreateTable, schema=None):
    out = [("CreateTable", table_request(op.table))]
    if op.table.ttl:
        out.append(("UpdateTimeToLive", ttl_request(op.table.name, op.table.ttl, True)))
    return out


def _drop(op: o.DropTable, schema=None):
    return [("DeleteTable", {"TableName": op.table.name})]


def _add_gsi(op: o.AddGSI, schema=None):
    # every key attribute of the table, not only the new index's: AWS merges them,
    # moto replaces the table's definitions with what the request lists
    types = dict(schema.table(op.table).attribute_types()) if schema is not None and \
        schema.has_table(op.table) else {}
    types.update({k.name: k.type for k in op.index.keys})
    provisioned = op.index.read is not None
    return [("UpdateTable", {
        "TableName": op.table, "AttributeDefinitions": attribute_definitions(types),
        "GlobalSecondaryIndexUpdates": [{"Create": index_request(op.index, provisioned)}]})]


def _drop_gsi(op: o.DropGSI, schema=None):
    return [("UpdateTable", {"TableName": op.table, "GlobalSecondaryIndexUpdates": [
        {"Delete": {"IndexName": op.index.name}}]})]


def _ttl(op: o.SetTTL, schema=None):
    if op.after is None:
        return [("UpdateTimeToLive", ttl_request(op.table, op.before or "", False))]
    return [("UpdateTimeToLive", ttl_request(op.table, op.after, True))]


def _stream(op: o.SetStream, schema=None):
    out = []
    if op.before is not None:
        out.append(("UpdateTable", {"TableName": op.table,
                                    "StreamSpecification": {"StreamEnabled": False}}))
    if op.after is not None:
        out.append(("UpdateTable", {"TableName": op.table, "StreamSpecification": {
            "StreamEnabled": True, "StreamViewType": op.after}}))
    return out


def _set_default(op: o.SetDefault, schema=None):
    return [("dbwork.SetDefault", {"table": op.table, "attribute": op.attribute,
                                   "value": op.value})]


def _rename(op: o.RenameAttribute, schema=None):
    return [("dbwork.RenameAttribute", {"table": op.table, "from": op.old, "to": op.new})]


def _split(op: o.SplitAttribute, schema=None):
    return [("dbwork.SplitAttribute", {"table": op.table, "from": op.source,
                                       "separator": op.separator, "into": list(op.into)})]


def _copy(op: o.CopyItems, schema=None):
    return [("dbwork.CopyItems", {"from": op.source, "to": op.target})]


def _backup(op: o.BackupItems, schema=None):
    return [("dbwork.BackupItems", {"table": op.table, "backup": op.backup, "where": op.where})]


def _restore(op: o.RestoreItems, schema=None):
    return [("dbwork.RestoreItems", {"table": op.table, "backup": op.backup})]


def _nothing(op, schema=None):
    return []


_RENDERERS: dict[type, Callable[..., Any]] = {
    o.CreateTable: _create, o.DropTable: _drop, o.AddGSI: _add_gsi, o.DropGSI: _drop_gsi,
    o.SetTTL: _ttl, o.SetStream: _stream, o.SetDefault: _set_default,
    o.RenameAttribute: _rename, o.SplitAttribute: _split, o.CopyItems: _copy,
    o.BackupItems: _backup, o.RestoreItems: _restore, o.ItemsRestored: _nothing,
}
