"""Items in bulk, with the low-level client (typed attribute values, so nothing is
converted on the way: numbers stay strings, binaries and sets stay what they were):
paginated scans, exact counts, batched writes with their unprocessed items retried.

>>> key_text({"id": {"S": "a"}, "n": {"N": "1"}}, ("n", "id"))
'{"id": {"S": "a"}, "n": {"N": "1"}}'
"""
from __future__ import annotations

import json
import time
from typing import Iterator

from ...errors import DbworkError

BATCH = 25   # BatchWriteItem's limit


def scan_items(client, table: str, where: dict | None = None,
               projection: tuple[str, ...] = ()) -> Iterator[dict]:
    """Every item of ``table`` (strongly consistent), optionally only those that have
    (``{"has": a}``) or lack (``{"lacks": a}``) an attribute."""
    kwargs: dict = {"TableName": table, "ConsistentRead": True}
    names: dict = {}
    if where:
        (test, attribute), = where.items()
        fn = "attribute_exists" if test == "has" else "attribute_not_exists"
        kwargs["FilterExpression"] = f"{fn}(#w)"
        names["#w"] = attribute
    if projection:
        names.update({f"#p{n}": a for n, a in enumerate(projection)})
        kwargs["ProjectionExpression"] = ", ".join(f"#p{n}" for n in range(len(projection)))
    if names:
        kwargs["ExpressionAttributeNames"] = names
    for page in client.get_paginator("scan").paginate(**kwargs):
        yield from page.get("Items", [])


def count_items(client, table: str) -> int:
    """The exact number of items (a COUNT scan: it reads the whole table)."""
    total = 0
    try:
        for page in client.get_paginator("scan").paginate(TableName=table, Select="COUNT"):
            total += page.get("Count", 0)
    except client.exceptions.ResourceNotFoundException:
        return 0
    return total


def key_of(item: dict, key_names: tuple[str, ...]) -> dict:
    return {k: item[k] for k in key_names}


def key_text(item: dict, key_names: tuple[str, ...]) -> str:
    """A key as canonical JSON text (the backup table's own key)."""
    return json.dumps(key_of(item, key_names), sort_keys=True)


def put_all(client, table: str, items, retries: int = 8) -> int:
    """Write ``items`` (whole) into ``table`` in batches of 25; returns how many."""
    n, batch = 0, []
    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == BATCH:
            _write(client, table, batch, retries)
            n, batch = n + len(batch), []
    if batch:
        _write(client, table, batch, retries)
        n += len(batch)
    return n


def _write(client, table: str, requests: list, retries: int) -> None:
    pending = {table: requests}
    for attempt in range(retries):
        left = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if not left:
            return
        pending = left
        time.sleep(min(0.05 * 2 ** attempt, 2.0))   # throttled: back off
    raise DbworkError(f"{table}: {len(pending.get(table, []))} item(s) were still "
                      f"unprocessed after {retries} tries (throttled); re-run the step")
