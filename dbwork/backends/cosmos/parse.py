"""The Cosmos DB cell language: one command per line; ``--`` or ``#`` starts a comment.

::

    CREATE CONTAINER name PARTITION KEY /path [UNIQUE KEY /a[, /b]]... [TTL seconds|-1]
                          [INDEXING {json}]
    DROP CONTAINER name                          (its items are backed up first)
    ALTER CONTAINER name SET TTL seconds|-1|OFF
    ALTER CONTAINER name SET INDEXING {json}
    ALTER CONTAINER name SET PARTITION KEY /path (a copy through a swap container)
    UPDATE ITEMS name SET property = json        (where the item lacks it)
    UPDATE ITEMS name RENAME property TO property
    UPDATE ITEMS name REMOVE property

Every mistake is a :class:`~dbwork.errors.ParseError` with line and column, raised
before anything reaches the server.

>>> from dbwork.model.documents import DocumentSchema
>>> [op.describe() for op in parse_commands("CREATE CONTAINER orders PARTITION KEY /customerId TTL 60",
...                                          DocumentSchema("shop")).ops]
['create collection orders']
>>> parse_commands("DROP CONTAINERS x", DocumentSchema("shop"))
Traceback (most recent call last):
...
dbwork.errors.ParseError: expected CONTAINER, found 'CONTAINERS' (line 1, column 6)
"""
from __future__ import annotations

import json
import re
from typing import NoReturn

from ...errors import ObjectExistsError, ParseError, UnknownObjectError
from ...model.documents import Collection
from ...ops.document_ops import CreateCollection, DropCollection
from ...parse.sql import Parsed
from .ops import ChangePartitionKey, ReplaceContainer, TransformItems

_TOKEN = re.compile(r"\s*(?:(?P<path>/[A-Za-z0-9_/-]*)|(?P<num>-?\d+)(?![\w.])|"
                    r"(?P<word>[A-Za-z_][A-Za-z0-9_-]*)|(?P<punct>[=,]))")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
_PROPERTY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]{0,254}$")


class Cursor:
    """One line's text read token by token; every error names line and column."""

    def __init__(self, text: str, line: int):
        self.text, self.line, self.pos = text, line, 0

    def fail(self, message: str, pos: int | None = None) -> NoReturn:
        column = (self.pos if pos is None else pos) + 1
        raise ParseError(message, self.line, column, self.text.strip())

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self._skip()
        return self.pos >= len(self.text)

    def peek(self) -> str:
        self._skip()
        m = _TOKEN.match(self.text, self.pos)
        return m.group(0).strip() if m else self.text[self.pos:self.pos + 1]

    def take(self, what: str) -> str:
        self._skip()
        m = _TOKEN.match(self.text, self.pos)
        if m is None or m.end() == self.pos:
            self.fail(f"expected {what}, found {self.text[self.pos:self.pos + 10]!r}"
                      if self.pos < len(self.text) else f"expected {what} at the end of the line")
        self.pos = m.end()
        return m.group(0).strip()

    def keyword(self, *words: str) -> str:
        start = self._start()
        token = self.take(" or ".join(words))
        if token.upper() not in words:
            self.fail(f"expected {' or '.join(words)}, found {token!r}", start)
        return token.upper()

    def symbol(self, symbol: str) -> None:
        start = self._start()
        token = self.take(repr(symbol))
        if token != symbol:
            self.fail(f"expected {symbol!r}, found {token!r}", start)

    def name(self, what: str, pattern=_NAME) -> tuple[str, int]:
        start = self._start()
        token = self.take(what)
        if not pattern.match(token):
            self.fail(f"invalid {what} {token!r}", start)
        return token, start

    def path(self) -> str:
        start = self._start()
        token = self.take("a path like /customerId")
        if not token.startswith("/") or len(token) < 2 or "//" in token:
            self.fail(f"expected a path like /customerId, found {token!r}", start)
        return token.rstrip("/")

    def integer(self, what: str) -> int:
        start = self._start()
        token = self.take(what)
        if not re.fullmatch(r"-?\d+", token):
            self.fail(f"expected {what}, found {token!r}", start)
        return int(token)

    def json_value(self):
        start = self._start()
        try:
            value, end = json.JSONDecoder().raw_decode(self.text, start)
        except ValueError as e:
            self.fail(f"expected a JSON value: {getattr(e, 'msg', e)}",
                      getattr(e, "pos", start))
        self.pos = end
        return value

    def _start(self) -> int:
        self._skip()
        return self.pos

    def end(self) -> None:
        if not self.at_end():
            self.fail(f"unexpected {self.text[self.pos:].strip()[:20]!r} at the end of the command")


def parse_commands(text: str, schema, first_line: int = 1) -> Parsed:
    """The operations of a cell, checked against ``schema`` (the live containers)."""
    ops = []
    for n, raw in enumerate((text or "").splitlines(), start=first_line):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        cursor = Cursor(line, n)
        op = _command(cursor, schema)
        cursor.end()
        ops.append(op)
        schema = op.apply(schema)
    return Parsed(ops, schema)


def _strip_comment(line: str) -> str:
    stripped = line.lstrip()
    return "" if stripped.startswith(("--", "#")) else line


def _command(c: Cursor, schema):
    verb = c.keyword("CREATE", "DROP", "ALTER", "UPDATE")
    if verb == "UPDATE":
        c.keyword("ITEMS")
        return _update_items(c, schema, *_existing(c, schema))
    c.keyword("CONTAINER")
    if verb == "CREATE":
        return _create(c, schema)
    name, _ = _existing(c, schema)
    if verb == "DROP":
        return DropCollection(schema.collection(name))
    return _alter(c, schema, name)


def _existing(c: Cursor, schema) -> tuple[str, int]:
    name, start = c.name("container name")
    if not schema.has_collection(name):
        raise UnknownObjectError("container", name)
    return name, start


def _create(c: Cursor, schema):
    name, start = c.name("container name")
    if schema.has_collection(name):
        raise ObjectExistsError("container", name)
    c.keyword("PARTITION")
    c.keyword("KEY")
    definition: dict = {"partitionKey": {"paths": [c.path()], "kind": "Hash"}}
    while not c.at_end():
        word = c.keyword("UNIQUE", "TTL", "INDEXING")
        if word == "UNIQUE":
            c.keyword("KEY")
            keys = definition.setdefault("uniqueKeyPolicy", {"uniqueKeys": []})["uniqueKeys"]
            keys.append({"paths": _paths(c)})
        elif word == "TTL":
            definition["defaultTtl"] = _ttl(c)
        else:
            definition["indexingPolicy"] = _indexing(c)
    return CreateCollection(Collection(name, definition))


def _paths(c: Cursor) -> list[str]:
    paths = [c.path()]
    while c.peek() == ",":
        c.symbol(",")
        paths.append(c.path())
    return paths


def _ttl(c: Cursor, allow_off: bool = False):
    start = c._start()
    if allow_off and c.peek().upper() == "OFF":
        c.take("OFF")
        return None
    value = c.integer("a TTL in seconds (-1: items expire only with their own ttl)"
                      + (" or OFF" if allow_off else ""))
    if value == 0 or value < -1 or value > 2147483647:
        c.fail(f"a TTL is -1 or 1..2147483647 seconds, not {value}", start)
    return value


def _indexing(c: Cursor) -> dict:
    start = c._start()
    policy = c.json_value()
    if not isinstance(policy, dict):
        c.fail("an indexing policy is a JSON object", start)
    mode = str(policy.get("indexingMode", "consistent")).lower()
    if mode not in ("consistent", "none"):
        c.fail(f"indexingMode is consistent or none, not {mode!r}", start)
    for key in ("includedPaths", "excludedPaths"):
        if not isinstance(policy.get(key, []), list) or not all(
                isinstance(p, dict) and str(p.get("path", "")).startswith("/")
                for p in policy.get(key, [])):
            c.fail(f"{key} is a list of {{\"path\": \"/...\"}}", start)
    return {**policy, "indexingMode": mode}


def _alter(c: Cursor, schema, name: str):
    c.keyword("SET")
    live = dict(schema.collection(name).options)
    what = c.keyword("TTL", "INDEXING", "PARTITION")
    if what == "PARTITION":
        c.keyword("KEY")
        after = {**live, "partitionKey": {"paths": [c.path()], "kind": "Hash"}}
        return ChangePartitionKey(name, live, after)
    after = dict(live)
    if what == "TTL":
        ttl = _ttl(c, allow_off=True)
        after.pop("defaultTtl", None)
        if ttl is not None:
            after["defaultTtl"] = ttl
    else:
        after["indexingPolicy"] = _indexing(c)
    return ReplaceContainer(name, live, after)


def _update_items(c: Cursor, schema, name: str, _start: int):
    options = schema.collection(name).options
    key = options.get("partitionKey", {}).get("paths", ["/id"])[0].strip("/").split("/")[0]
    what = c.keyword("SET", "RENAME", "REMOVE")
    prop, start = c.name("property name", _PROPERTY)
    if prop in ("id", key) and what != "SET":
        c.fail(f"{prop} is the item's id or partition key: it cannot be renamed or "
               "removed (ALTER CONTAINER ... SET PARTITION KEY changes the key)", start)
    if what == "SET":
        c.symbol("=")
        return TransformItems(name, set={prop: c.json_value()})
    if what == "REMOVE":
        return TransformItems(name, remove=(prop,))
    c.keyword("TO")
    new, start = c.name("property name", _PROPERTY)
    if new in ("id", key):
        c.fail(f"{new} is the item's id or partition key", start)
    return TransformItems(name, rename=((prop, new),))
