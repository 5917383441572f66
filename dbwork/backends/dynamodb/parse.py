"""dbwork's DynamoDB commands -> operations, checked against the live tables before
anything runs. One command per line (``;`` also ends one); a line that starts with
spaces continues the command above, and so does anything inside parentheses.
``--``, ``#`` or ``//`` start a comment. Words are case-insensitive; names are not.

::

    CREATE TABLE orders KEY (customer S HASH, order_id S RANGE)
        [BILLING ON_DEMAND | BILLING PROVISIONED (READ 5, WRITE 5)]
        [GSI by_status (status S HASH, created N RANGE) [PROJECTION ALL | KEYS_ONLY |
             INCLUDE (a, b)] [CAPACITY (READ 5, WRITE 5)]]
        [LSI by_date (created N RANGE) [PROJECTION ...]]
        [TTL expires_at] [STREAM NEW_AND_OLD_IMAGES]
    DROP TABLE orders
    ADD GSI by_status ON orders (status S HASH) [PROJECTION ...] [CAPACITY (READ 5, WRITE 5)]
    DROP GSI by_status ON orders
    TTL ON orders ATTRIBUTE expires_at          TTL OFF orders
    STREAM ON orders [NEW_AND_OLD_IMAGES]       STREAM OFF orders
    ADD ATTRIBUTE status = "new" TO orders      (a string, number, true or false)
    RENAME ATTRIBUTE qty TO quantity IN orders
    SPLIT ATTRIBUTE name ON " " INTO first_name, last_name IN users
    COPY TABLE users TO users_by_email KEY (email S HASH) [BILLING ...]

>>> from .model import DynamoSchema
>>> [op.describe() for op in parse_commands("CREATE TABLE tbl KEY (id S HASH)", DynamoSchema())]
['create table tbl (id S HASH), on demand']
>>> parse_commands("CREATE TABLE tbl KEY (id X HASH)", DynamoSchema())
Traceback (most recent call last):
...
dbwork.errors.ParseError: a key type is S, N or B, not 'X' (line 1, column 26)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from ...errors import ObjectExistsError, ParseError, UnknownObjectError
from . import ops as o
from .model import (ON_DEMAND, PROJECTIONS, PROVISIONED, STREAM_VIEWS,
                    DynamoSchema, IndexDef, KeyAttr, TableDef)

_TOKEN = re.compile(r"""
   (?P<ws>[ \t\r]+)
  |(?P<comment>(?:--|\#|//)[^\n]*)
  |(?P<nl>\n)
  |(?P<string>"(?:[^"\\\n]|\\.)*"|'[^'\n]*')
  |(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  |(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)
  |(?P<punct>[(),=;])
""", re.X)
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{3,255}$")
_TYPE_WORDS = {"S": "S", "N": "N", "B": "B", "STRING": "S", "NUMBER": "N", "BINARY": "B"}
_ROLE_WORDS = {"HASH": "HASH", "PARTITION": "HASH", "RANGE": "RANGE", "SORT": "RANGE"}
MAX_GSIS, MAX_LSIS = 20, 5


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int

    def word(self) -> str:
        return self.text.upper() if self.kind == "name" else ""


def tokenize(text: str, first_line: int = 1) -> list[list[Token]]:
    """The commands of ``text``, each a list of tokens with their line and column."""
    commands: list[list[Token]] = [[]]
    line, start, depth = first_line, 0, 0
    pos = 0
    while text and pos < len(text):
        m = _TOKEN.match(text, pos)
        column = pos - start + 1
        if m is None:
            raise ParseError(f"unexpected character {text[pos]!r}", line, column)
        kind, value = m.lastgroup, m.group()
        pos = m.end()
        if kind == "nl":
            line, start = line + 1, pos
            if depth == 0 and not text[pos:pos + 1].isspace():
                commands.append([])
            continue
        if kind in ("ws", "comment"):
            continue
        if value == ";" and depth == 0:
            commands.append([])
            continue
        depth += {"(": 1, ")": -1}.get(value, 0) if kind == "punct" else 0
        commands[-1].append(Token(kind or "", value, line, column))
    return [c for c in commands if c]


class _Reader:
    """A cursor over one command's tokens, with errors that point at a token."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def error(self, message: str, token: Token | None = None) -> ParseError:
        t = token or self.peek() or self.tokens[-1]
        where = t if self.peek() is not None or token else \
            Token("", "", t.line, t.column + len(t.text))
        return ParseError(message, where.line, where.column)

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self, what: str) -> Token:
        t = self.peek()
        if t is None:
            raise self.error(f"expected {what} at the end of the command")
        self.pos += 1
        return t

    def at(self, *words: str) -> bool:
        t = self.peek()
        return t is not None and t.word() in words

    def accept(self, *words: str) -> str | None:
        if self.at(*words):
            return self.next(words[0]).word()
        return None

    def expect(self, *words: str) -> str:
        t = self.peek()
        if t is None or t.word() not in words:
            found = f"'{t.text}'" if t else "the end of the command"
            raise self.error(f"expected {' or '.join(words)}, found {found}")
        return self.next(words[0]).word()

    def punct(self, char: str) -> None:
        t = self.peek()
        if t is None or t.text != char:
            found = f"'{t.text}'" if t else "the end of the command"
            raise self.error(f"expected '{char}', found {found}")
        self.pos += 1

    def accept_punct(self, char: str) -> bool:
        t = self.peek()
        if t is not None and t.text == char:
            self.pos += 1
            return True
        return False

    def name(self, what: str) -> Token:
        t = self.next(what)
        if t.kind == "string":
            return replace(t, text=_unquote(t.text))
        if t.kind != "name":
            raise self.error(f"expected {what}, found '{t.text}'", t)
        return t

    def integer(self, what: str) -> int:
        t = self.next(what)
        if t.kind != "number" or not t.text.isdigit() or int(t.text) < 1:
            raise self.error(f"{what} is a whole number of at least 1, not '{t.text}'", t)
        return int(t.text)

    def end(self) -> None:
        t = self.peek()
        if t is not None:
            raise self.error(f"unexpected '{t.text}' after the end of the command", t)


def _unquote(text: str) -> str:
    return json.loads(text) if text.startswith('"') else text[1:-1]


# -- the commands ---------------------------------------------------------------------
def parse_commands(text: str, schema: DynamoSchema, first_line: int = 1) -> list:
    """Every command of ``text`` as operations, each checked against ``schema`` as the
    commands before it leave it."""
    out: list = []
    for tokens in tokenize(text, first_line):
        r = _Reader(tokens)
        verb = r.expect(*_COMMANDS)
        ops = _COMMANDS[verb](r, schema)
        r.end()
        for op in ops:
            schema = op.apply(schema)
        out += ops
    return out


def _create(r: _Reader, schema: DynamoSchema) -> list:
    r.expect("TABLE")
    name = _new_table(r, schema)
    r.expect("KEY")
    table = TableDef(name, _key(r, "the table"))
    while r.peek() is not None:
        table = _table_option(r, table)
    _check_indexes(r, table)
    table = replace(table, gsis=tuple(sorted(table.gsis, key=lambda i: i.name)),
                    lsis=tuple(sorted(table.lsis, key=lambda i: i.name)))
    return [o.CreateTable(table)]


def _table_option(r: _Reader, table: TableDef) -> TableDef:
    word = r.expect("BILLING", "GSI", "LSI", "TTL", "STREAM")
    if word == "BILLING":
        billing, read, write = _billing(r)
        return replace(table, billing=billing, read=read, write=write)
    if word == "GSI":
        return replace(table, gsis=table.gsis + (_index(r, table, local=False),))
    if word == "LSI":
        return replace(table, lsis=table.lsis + (_index(r, table, local=True),))
    if word == "TTL":
        return replace(table, ttl=r.name("the TTL attribute").text)
    return replace(table, stream=_stream_view(r))


def _billing(r: _Reader):
    word = r.expect("ON_DEMAND", "PAY_PER_REQUEST", "PROVISIONED")
    if word != "PROVISIONED":
        return ON_DEMAND, None, None
    return (PROVISIONED, *_capacity(r))


def _capacity(r: _Reader) -> tuple[int, int]:
    r.punct("(")
    r.expect("READ")
    read = r.integer("READ capacity")
    r.punct(",")
    r.expect("WRITE")
    write = r.integer("WRITE capacity")
    r.punct(")")
    return read, write


def _key(r: _Reader, what: str, local: bool = False) -> tuple[KeyAttr, ...]:
    r.punct("(")
    keys = [_key_attr(r)]
    while r.accept_punct(","):
        keys.append(_key_attr(r))
    close = r.peek()
    r.punct(")")
    roles = [k.role for k in keys]
    if roles not in (["HASH"], ["HASH", "RANGE"]) and not (local and roles == ["RANGE"]):
        shape = "(ATTR TYPE RANGE)" if local else "(ATTR TYPE HASH [, ATTR TYPE RANGE])"
        raise r.error(f"the key of {what} is {shape}, not ({', '.join(roles)})", close)
    if len({k.name for k in keys}) < len(keys):
        raise r.error(f"the key of {what} names {keys[0].name} twice", close)
    return tuple(keys)


def _key_attr(r: _Reader) -> KeyAttr:
    name = r.name("a key attribute").text
    t = r.next("a key type (S, N or B)")
    kind = _TYPE_WORDS.get(t.word())
    if kind is None:
        raise r.error(f"a key type is S, N or B, not '{t.text}'", t)
    role_token = r.next("HASH or RANGE")
    role = _ROLE_WORDS.get(role_token.word())
    if role is None:
        raise r.error(f"a key attribute is HASH or RANGE, not '{role_token.text}'", role_token)
    return KeyAttr(name, kind, role)


def _index(r: _Reader, table: TableDef, local: bool, name: Token | None = None) -> IndexDef:
    name = name or r.name("an index name")
    if table.has_index(name.text):
        raise r.error(f"{table.name} already has an index {name.text}", name)
    keys = _key(r, f"index {name.text}", local)
    if local:
        keys = (table.hash_key,) + tuple(k for k in keys if k.role == "RANGE")
        if len(keys) != 2:
            raise r.error(f"LSI {name.text} needs a RANGE key", name)
    index = IndexDef(name.text, keys)
    while r.at("PROJECTION", "CAPACITY"):
        if r.accept("PROJECTION"):
            index = _projection(r, index)
        else:
            r.expect("CAPACITY")
            if local:
                raise r.error("an LSI shares the table's capacity: no CAPACITY")
            read, write = _capacity(r)
            index = replace(index, read=read, write=write)
    return index


def _projection(r: _Reader, index: IndexDef) -> IndexDef:
    kind = r.expect(*PROJECTIONS)
    if kind != "INCLUDE":
        return replace(index, projection=kind)
    r.punct("(")
    names = [r.name("an attribute").text]
    while r.accept_punct(","):
        names.append(r.name("an attribute").text)
    r.punct(")")
    return replace(index, projection=kind, include=tuple(names))


def _stream_view(r: _Reader) -> str:
    return r.expect(*STREAM_VIEWS)


def _check_indexes(r: _Reader, table: TableDef) -> None:
    if len(table.gsis) > MAX_GSIS or len(table.lsis) > MAX_LSIS:
        raise r.error(f"{table.name}: at most {MAX_GSIS} GSIs and {MAX_LSIS} LSIs",
                      r.tokens[0])
    seen = {k.name: k.type for k in table.keys}
    for index in table.gsis + table.lsis:
        for k in index.keys:
            if seen.setdefault(k.name, k.type) != k.type:
                raise r.error(f"attribute {k.name} is {seen[k.name]} in one key and "
                              f"{k.type} in index {index.name}", r.tokens[0])
    for index in table.gsis:
        if table.billing == PROVISIONED and index.read is None:
            raise r.error(f"GSI {index.name} of a provisioned table needs CAPACITY "
                          "(READ n, WRITE n)", r.tokens[0])


def _new_table(r: _Reader, schema: DynamoSchema) -> str:
    t = r.name("a table name")
    if not _TABLE_NAME.match(t.text):
        raise r.error(f"a table name is 3 to 255 letters, digits, '_', '-' or '.', not "
                      f"{t.text!r}", t)
    if schema.prefix and not t.text.startswith(schema.prefix):
        raise r.error(f"table {t.text} is outside this target's prefix {schema.prefix!r}", t)
    if schema.has_table(t.text):
        raise ObjectExistsError("table", t.text)
    return t.text


def _table(r: _Reader, schema: DynamoSchema) -> TableDef:
    t = r.name("a table name")
    if not schema.has_table(t.text):
        raise UnknownObjectError("table", t.text)
    return schema.table(t.text)


def _drop(r: _Reader, schema: DynamoSchema) -> list:
    if r.accept("GSI"):
        name = r.name("an index name")
        r.expect("ON")
        table = _table(r, schema)
        return [o.DropGSI(table.name, table.gsi(name.text))]
    r.expect("TABLE")
    return [o.DropTable(_table(r, schema))]


def _add(r: _Reader, schema: DynamoSchema) -> list:
    if r.accept("LSI"):
        raise r.error("an LSI can only be defined in CREATE TABLE (DynamoDB cannot add "
                      "one later): copy into a new table with COPY TABLE", r.tokens[0])
    if r.accept("GSI"):
        name = r.name("an index name")
        r.expect("ON")
        table = _table(r, schema)
        return _add_gsi(r, table, _index(r, table, local=False, name=name))
    r.expect("ATTRIBUTE")
    attribute = r.name("an attribute name")
    r.punct("=")
    value = _value(r)
    r.expect("TO")
    table = _table(r, schema)
    _not_a_key(r, table, attribute)
    return [o.SetDefault(table.name, attribute.text, value)]


def _add_gsi(r: _Reader, table: TableDef, index: IndexDef) -> list:
    if table.billing == PROVISIONED and index.read is None:
        index = replace(index, read=table.read, write=table.write)
    _check_indexes(r, replace(table, gsis=table.gsis + (index,)))
    return [o.AddGSI(table.name, index)]


def _value(r: _Reader) -> dict:
    t = r.next("a value")
    if t.kind == "string":
        return {"S": _unquote(t.text)}
    if t.kind == "number":
        return {"N": t.text}
    if t.word() in ("TRUE", "FALSE"):
        return {"BOOL": t.word() == "TRUE"}
    raise r.error(f"a default is a string, a number, true or false, not '{t.text}'", t)


def _not_a_key(r: _Reader, table: TableDef, attribute: Token) -> None:
    if attribute.text in table.key_names():
        raise r.error(f"{attribute.text} is part of the key of {table.name}: a key cannot "
                      "change in place (COPY TABLE ... KEY (...) into a new table)", attribute)


def _rename(r: _Reader, schema: DynamoSchema) -> list:
    r.expect("ATTRIBUTE")
    old = r.name("an attribute name")
    r.expect("TO")
    new = r.name("the new attribute name")
    r.expect("IN")
    table = _table(r, schema)
    _not_a_key(r, table, old)
    _not_a_key(r, table, new)
    if old.text == new.text:
        raise r.error(f"{old.text} is renamed to itself", new)
    return [o.RenameAttribute(table.name, old.text, new.text)]


def _split(r: _Reader, schema: DynamoSchema) -> list:
    r.expect("ATTRIBUTE")
    source = r.name("an attribute name")
    r.expect("ON")
    sep = r.next("a separator string")
    if sep.kind != "string" or not _unquote(sep.text):
        raise r.error("the separator is a non-empty quoted string", sep)
    r.expect("INTO")
    into = [r.name("an attribute name")]
    while r.accept_punct(","):
        into.append(r.name("an attribute name"))
    if len(into) < 2:
        raise r.error("SPLIT needs at least two attributes after INTO", into[0])
    r.expect("IN")
    table = _table(r, schema)
    for t in [source] + into:
        _not_a_key(r, table, t)
    return [o.SplitAttribute(table.name, source.text, _unquote(sep.text),
                             tuple(t.text for t in into))]


def _copy(r: _Reader, schema: DynamoSchema) -> list:
    r.expect("TABLE")
    source = _table(r, schema)
    r.expect("TO")
    name = _new_table(r, schema)
    r.expect("KEY")
    keys = _key(r, f"table {name}")
    target = TableDef(name, keys, source.billing, source.read, source.write, ttl=source.ttl)
    if r.accept("BILLING"):
        billing, read, write = _billing(r)
        target = replace(target, billing=billing, read=read, write=write)
    return [o.CreateTable(target), o.CopyItems(source.name, name)]


def _ttl(r: _Reader, schema: DynamoSchema) -> list:
    on = r.expect("ON", "OFF") == "ON"
    table = _table(r, schema)
    if not on:
        if table.ttl is None:
            raise r.error(f"TTL is already off on {table.name}", r.tokens[-1])
        return [o.SetTTL(table.name, table.ttl, None)]
    r.expect("ATTRIBUTE")
    attribute = r.name("the TTL attribute")
    if table.ttl is not None:
        raise r.error(f"TTL is already on for {table.name} (attribute {table.ttl}): turn "
                      "it off first", attribute)
    return [o.SetTTL(table.name, None, attribute.text)]


def _stream(r: _Reader, schema: DynamoSchema) -> list:
    on = r.expect("ON", "OFF") == "ON"
    table = _table(r, schema)
    if not on:
        if table.stream is None:
            raise r.error(f"the stream of {table.name} is already off", r.tokens[-1])
        return [o.SetStream(table.name, table.stream, None)]
    view = _stream_view(r) if r.peek() is not None else "NEW_AND_OLD_IMAGES"
    if table.stream == view:
        raise r.error(f"the stream of {table.name} is already on ({view})", r.tokens[-1])
    return [o.SetStream(table.name, table.stream, view)]


_COMMANDS = {"CREATE": _create, "DROP": _drop, "ADD": _add, "RENAME": _rename,
             "SPLIT": _split, "COPY": _copy, "TTL": _ttl, "STREAM": _stream}
