"""The executor of rendered command documents: containers and items through the
azure-cosmos SDK. Every command here is a function of (database, command).

Items are read and written whole (read, change, replace), so a backup holds exactly
what a restore writes back; ``patch_item`` would cost fewer request units on Azure.

>>> clean({"id": "1", "a": 1, "_rid": "x", "_etag": "e", "_ts": 1, "_self": "s"})
{'id': '1', 'a': 1}
>>> partition_value({"id": "1", "c": {"r": "eu"}}, ["/c/r"])
'eu'
"""
from __future__ import annotations

import copy
import hashlib
import json

from ...errors import ConfigError

SYSTEM_PROPERTIES = ("_rid", "_etag", "_ts", "_self", "_attachments", "_lsn")


def clean(item: dict) -> dict:
    """An item without the properties the server adds."""
    return {k: v for k, v in item.items() if k not in SYSTEM_PROPERTIES}


def partition_value(item: dict, paths: list[str]):
    """The item's value under the (first) partition key path ``/a/b``."""
    value = item
    for part in paths[0].strip("/").split("/"):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def backup_id(item: dict, paths: list[str]) -> str:
    """A backup item's id: unique per (partition key value, id)."""
    raw = json.dumps([partition_value(item, paths), item["id"]], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def count(container) -> int:
    return int(next(iter(container.query_items("SELECT VALUE COUNT(1) FROM c",
                                               enable_cross_partition_query=True)), 0))


def all_items(container) -> list[dict]:
    return [clean(i) for i in container.read_all_items()]


def run_command(db, command: dict):
    """Run one command document (its first key names it)."""
    name = next(iter(command))
    runner = _RUNNERS.get(name)
    if runner is None:
        raise ConfigError(f"unknown Cosmos command {name!r} (known: {', '.join(_RUNNERS)})")
    return runner(db, command)


def partition_key(definition: dict):
    from azure.cosmos import PartitionKey
    pk = definition["partitionKey"]
    paths = pk["paths"]
    return PartitionKey(paths if len(paths) > 1 else paths[0], kind=pk.get("kind", "Hash"))


def create_container(db, definition: dict):
    kwargs = {"partition_key": partition_key(definition)}
    for key, arg in (("indexingPolicy", "indexing_policy"),
                     ("uniqueKeyPolicy", "unique_key_policy"), ("defaultTtl", "default_ttl")):
        if definition.get(key) is not None:
            kwargs[arg] = definition[key]
    return db.create_container(definition["id"], **kwargs)


def _create(db, c):
    create_container(db, c["createContainer"])


def _delete(db, c):
    db.delete_container(c["deleteContainer"])


def _replace(db, c):
    """The container's indexing policy and default TTL, as given (its key stays).
    Azure keeps the items and unique keys; a server that loses them (the npm emulator
    makes the container again, empty) is reported, not trusted."""
    container = db.get_container_client(c["replaceContainer"])
    live = container.read()
    items = count(container)
    db.replace_container(container, partition_key(live),
                         indexing_policy=c.get("indexingPolicy", live.get("indexingPolicy")),
                         default_ttl=c.get("defaultTtl"))
    _check_kept(container, live, items)


def _check_kept(container, live: dict, items: int) -> None:
    from ...errors import DbworkError
    now, left = container.read(), count(container)
    lost = []
    if left < items:
        lost.append(f"{items - left} of {items} item(s)")
    if (live.get("uniqueKeyPolicy") or {}).get("uniqueKeys") != \
            (now.get("uniqueKeyPolicy") or {}).get("uniqueKeys"):
        lost.append("its unique keys")
    if lost:
        raise DbworkError(f"the server lost {' and '.join(lost)} of container {live['id']} "
                          "when its definition was replaced (Azure keeps them; the npm "
                          "emulator does not)")


def _backup(db, c):
    """Copy the container's items into a new container (partition key ``/id``)."""
    from azure.cosmos import PartitionKey
    source = db.get_container_client(c["backupItems"])
    paths = source.read()["partitionKey"]["paths"]
    backup = db.create_container_if_not_exists(c["to"], PartitionKey("/id"))
    for item in all_items(source):
        backup.upsert_item({"id": backup_id(item, paths), "item": item})


def _restore(db, c):
    """Write every backed-up item back as it was (replace by id and partition key),
    then drop the backup container."""
    target = db.get_container_client(c["restoreItems"])
    for saved in db.get_container_client(c["from"]).read_all_items():
        target.upsert_item(saved["item"])
    db.delete_container(c["from"])


def _transform(db, c):
    """Add, rename or remove properties of every item (read, change, replace)."""
    container = db.get_container_client(c["transformItems"])
    for item in all_items(container):
        changed = transform(item, c)
        if changed != item:
            container.replace_item(item["id"], changed)


def transform(item: dict, c: dict) -> dict:
    """One item changed as the command says.

    >>> transform({"id": "1", "qty": 2}, {"rename": [["qty", "quantity"]], "set": {"v": 1}})
    {'id': '1', 'quantity': 2, 'v': 1}
    """
    out = copy.deepcopy(item)
    for old, new in c.get("rename", []):
        if old in out:
            out[new] = out.pop(old)
    for name in c.get("remove", []):
        out.pop(name, None)
    for name, value in c.get("set", {}).items():
        out.setdefault(name, copy.deepcopy(value))
    return out


def _change_key(db, c):
    """A new partition key: the items move into a swap container made with the new
    definition, the container is made again under its name with that definition, and
    the items move back; the swap container is dropped. A run stopped half-way is
    resumed: items are only ever deleted from a container after they are copied."""
    definition, swap = c["changePartitionKey"], c["swap"]
    name = definition["id"]
    names = {x["id"] for x in db.list_containers()}
    if name in names:
        if swap not in names:
            create_container(db, {**definition, "id": swap})
        _copy(db.get_container_client(name), db.get_container_client(swap))
        db.delete_container(name)
    create_container(db, definition)
    _copy(db.get_container_client(swap), db.get_container_client(name))
    db.delete_container(swap)


def _copy(source, target) -> None:
    for item in all_items(source):
        target.upsert_item(item)


_RUNNERS = {"createContainer": _create, "deleteContainer": _delete,
            "replaceContainer": _replace, "backupItems": _backup, "restoreItems": _restore,
            "transformItems": _transform, "changePartitionKey": _change_key}
