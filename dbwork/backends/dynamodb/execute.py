"""Run one rendered statement: an AWS action through boto3 (then wait, bounded, for
the table or index it changed), or one of dbwork's item jobs (backup, restore,
transformations, copy). An explicit down section may also hold commands, which are
parsed against the live tables and run the same way.

>>> ACTIONS["CreateTable"]
'create_table'
"""
from __future__ import annotations

import time

from ...errors import DbworkError
from .items import key_of, key_text, put_all, scan_items

ACTIONS = {"CreateTable": "create_table", "DeleteTable": "delete_table",
           "UpdateTable": "update_table", "UpdateTimeToLive": "update_time_to_live"}
BACKUP_KEY = "k"


def run_statement(session, statement: str) -> None:
    from .render import loads
    if not statement.lstrip().startswith("{"):
        return _run_commands(session, statement)
    action, request = loads(statement)
    if action in ACTIONS:
        return _run_action(session, action, request)
    job = JOBS.get(action)
    if job is None:
        from ...errors import ParseError
        raise ParseError(f"unknown DynamoDB action {action!r} (known: "
                         f"{', '.join(sorted(ACTIONS) + sorted(JOBS))})")
    job(session, request)


def _run_commands(session, text: str) -> None:
    from .parse import parse_commands
    from .render import render
    schema = session.introspect()
    for op in parse_commands(text, schema):
        for statement in render(op, schema):
            run_statement(session, statement)
        schema = op.apply(schema)


def _run_action(session, action: str, request: dict) -> None:
    client, wait = session.client, session.backend.wait_timeout
    getattr(client, ACTIONS[action])(**request)
    table = request["TableName"]
    if action == "DeleteTable":
        wait_table(client, table, None, wait)
        return
    wait_table(client, table, "ACTIVE", wait)
    for update in request.get("GlobalSecondaryIndexUpdates", []):
        if "Create" in update:
            wait_index(client, table, update["Create"]["IndexName"], "ACTIVE", wait)
        if "Delete" in update:
            wait_index(client, table, update["Delete"]["IndexName"], None, wait)


# -- bounded waits --------------------------------------------------------------------
def _poll(check, what: str, state: str, timeout: float) -> None:
    from .session import WaitTimeout
    deadline, pause = time.monotonic() + timeout, 0.05
    while not check():
        if time.monotonic() >= deadline:
            raise WaitTimeout(what, state, timeout)
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def _status(client, table: str) -> dict | None:
    try:
        return client.describe_table(TableName=table)["Table"]
    except client.exceptions.ResourceNotFoundException:
        return None


def wait_table(client, table: str, state: str | None, timeout: float) -> None:
    """Until ``table`` is ``state`` (None: gone)."""
    def check():
        d = _status(client, table)
        return d is None if state is None else d is not None and d["TableStatus"] == state
    _poll(check, f"table {table}", state or "deleted", timeout)


def wait_index(client, table: str, index: str, state: str | None, timeout: float) -> None:
    """Until GSI ``index`` of ``table`` is ``state`` (None: gone)."""
    def check():
        d = _status(client, table) or {}
        found = [i for i in d.get("GlobalSecondaryIndexes", []) if i["IndexName"] == index]
        if state is None:
            return not found
        return bool(found) and found[0].get("IndexStatus") == state
    _poll(check, f"index {table}.{index}", state or "deleted", timeout)


# -- item jobs ------------------------------------------------------------------------
def key_names(client, table: str) -> tuple[str, ...]:
    d = client.describe_table(TableName=table)["Table"]
    return tuple(k["AttributeName"] for k in d["KeySchema"])


def _backup(session, r: dict) -> None:
    """Copy the matching items, whole, into the backup table (created on demand; an
    existing one from a failed run is written over by key)."""
    from .session import ensure_table
    client, physical = session.client, session.backend.table_name(r["backup"])
    keys = key_names(client, r["table"])
    ensure_table(client, physical, BACKUP_KEY, "S", session.backend.wait_timeout)
    put_all(client, physical, ({BACKUP_KEY: {"S": key_text(item, keys)}, "item": {"M": item}}
                               for item in scan_items(client, r["table"], r.get("where"))))


def _restore(session, r: dict) -> None:
    """Put every backed-up item back as it was (whole, replacing by key), then drop
    the backup table."""
    from .session import ensure_table
    client, physical = session.client, session.backend.table_name(r["backup"])
    wait = session.backend.wait_timeout
    ensure_table(client, physical, BACKUP_KEY, "S", wait)   # a failed step's empty one
    put_all(client, r["table"], (b["item"]["M"] for b in scan_items(client, physical)))
    client.delete_table(TableName=physical)
    wait_table(client, physical, None, wait)


def _update(client, table: str, key: dict, expression: str, condition: str,
            names: dict, values: dict | None = None) -> None:
    kwargs: dict = {"TableName": table, "Key": key, "UpdateExpression": expression,
                    "ConditionExpression": condition, "ExpressionAttributeNames": names}
    if values:
        kwargs["ExpressionAttributeValues"] = values
    try:
        client.update_item(**kwargs)
    except client.exceptions.ConditionalCheckFailedException:
        pass   # changed by someone else meanwhile: already in the wanted shape


def _set_default(session, r: dict) -> None:
    client, table, attribute = session.client, r["table"], r["attribute"]
    keys = key_names(client, table)
    for item in list(scan_items(client, table, {"lacks": attribute}, keys)):
        _update(client, table, key_of(item, keys), "SET #a = :v", "attribute_not_exists(#a)",
                {"#a": attribute}, {":v": r["value"]})


def _rename(session, r: dict) -> None:
    client, table, old, new = session.client, r["table"], r["from"], r["to"]
    keys = key_names(client, table)
    for item in list(scan_items(client, table, {"has": old}, keys)):
        _update(client, table, key_of(item, keys), "SET #n = #o REMOVE #o",
                "attribute_exists(#o)", {"#n": new, "#o": old})


def _split(session, r: dict) -> None:
    """Check every value first (a string each), then write: a bad item stops the step
    before any item changed."""
    client, table, source, into = session.client, r["table"], r["from"], r["into"]
    keys = key_names(client, table)
    items = list(scan_items(client, table, {"has": source}, keys + (source,)))
    for item in items:
        if "S" not in item[source]:
            raise DbworkError(f"cannot split {table}.{source} of the item "
                              f"{key_text(item, keys)}: it is not a string")
    for item in items:
        parts = item[source]["S"].split(r["separator"], len(into) - 1)
        names = {"#s": source, **{f"#t{n}": t for n, t in enumerate(into)}}
        sets = [f"#t{n} = :v{n}" for n in range(len(parts))]
        values = {f":v{n}": {"S": p} for n, p in enumerate(parts)}
        removes = ["#s"] if source not in into else []
        expression = "SET " + ", ".join(sets) + (" REMOVE #s" if removes else "")
        _update(client, table, key_of(item, keys), expression, "attribute_exists(#s)",
                names, values)


def _copy(session, r: dict) -> None:
    """Check that every item has the new key (right types), then copy them all."""
    client, source, target = session.client, r["from"], r["to"]
    d = client.describe_table(TableName=target)["Table"]
    types = {a["AttributeName"]: a["AttributeType"] for a in d["AttributeDefinitions"]}
    new_keys = [k["AttributeName"] for k in d["KeySchema"]]
    for item in scan_items(client, source):
        for k in new_keys:
            if k not in item or types[k] not in item[k]:
                raise DbworkError(f"cannot copy {source} into {target}: an item has no "
                                  f"{types[k]} attribute {k} for the new key (its "
                                  f"attributes: {', '.join(sorted(item)[:8])})")
    put_all(client, target, scan_items(client, source))


JOBS = {"dbwork.BackupItems": _backup, "dbwork.RestoreItems": _restore,
        "dbwork.SetDefault": _set_default, "dbwork.RenameAttribute": _rename,
        "dbwork.SplitAttribute": _split, "dbwork.CopyItems": _copy}
