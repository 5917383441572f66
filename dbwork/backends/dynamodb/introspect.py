"""Live DynamoDB tables -> :class:`DynamoSchema` (``DescribeTable`` and
``DescribeTimeToLive``): keys, billing, secondary indexes, TTL and stream.

>>> table_def({"TableName": "t", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
...            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}).key_text()
'id S HASH'
"""
from __future__ import annotations

from .model import ON_DEMAND, PROVISIONED, DynamoSchema, IndexDef, KeyAttr, TableDef

RESERVED = ("dbwork_", "_dbwork_")


def is_user_table(name: str, prefix: str = "") -> bool:
    """A table dbwork manages: under ``prefix``, and not its own bookkeeping."""
    return name.startswith(prefix) and not name[len(prefix):].startswith(RESERVED)


def table_names(client, prefix: str = "") -> list[str]:
    names: list[str] = []
    for page in client.get_paginator("list_tables").paginate():
        names += page.get("TableNames", [])
    return sorted(n for n in names if is_user_table(n, prefix))


def introspect(client, prefix: str = "", only=None) -> DynamoSchema:
    names = table_names(client, prefix)
    if only is not None:
        names = [n for n in names if n in set(only)]
    tables = {n: read_table(client, n) for n in names}
    return DynamoSchema({n: t for n, t in tables.items() if t is not None}, prefix)


def read_table(client, name: str) -> TableDef | None:
    try:
        description = client.describe_table(TableName=name)["Table"]
        ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    except client.exceptions.ResourceNotFoundException:
        return None   # dropped between the listing and the look
    table = table_def(description)
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        table = TableDef(**{**table.__dict__, "ttl": ttl.get("AttributeName")})
    return table


def table_def(d: dict) -> TableDef:
    types = {a["AttributeName"]: a["AttributeType"] for a in d.get("AttributeDefinitions", [])}
    billing = (d.get("BillingModeSummary") or {}).get("BillingMode") or (
        PROVISIONED if _capacity(d)[0] else ON_DEMAND)
    read, write = _capacity(d) if billing == PROVISIONED else (None, None)
    stream = d.get("StreamSpecification") or {}
    return TableDef(
        d["TableName"], _keys(d["KeySchema"], types), billing, read, write,
        tuple(sorted((_index(i, types, billing) for i in d.get("GlobalSecondaryIndexes", [])
                      if i.get("IndexStatus") != "DELETING"), key=lambda i: i.name)),
        tuple(sorted((_index(i, types, ON_DEMAND) for i in d.get("LocalSecondaryIndexes", [])),
                     key=lambda i: i.name)),
        None, stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        int(d.get("ItemCount") or 0))


def _keys(schema: list[dict], types: dict) -> tuple[KeyAttr, ...]:
    keys = [KeyAttr(k["AttributeName"], types.get(k["AttributeName"], "S"), k["KeyType"])
            for k in schema]
    return tuple(sorted(keys, key=lambda k: k.role != "HASH"))


def _capacity(d: dict) -> tuple[int | None, int | None]:
    p = d.get("ProvisionedThroughput") or {}
    return p.get("ReadCapacityUnits") or None, p.get("WriteCapacityUnits") or None


def _index(i: dict, types: dict, billing: str) -> IndexDef:
    projection = i.get("Projection") or {}
    read, write = _capacity(i) if billing == PROVISIONED else (None, None)
    return IndexDef(i["IndexName"], _keys(i["KeySchema"], types),
                    projection.get("ProjectionType", "ALL"),
                    tuple(projection.get("NonKeyAttributes", ())), read, write)
