"""mongosh-style commands -> document operations, with a parser of our own (a small
tokenizer and a recursive-descent parser; nothing is ever evaluated).

Accepted: the relaxed syntax people type (unquoted keys, single or double quotes,
trailing commas, ``//`` and ``/* */`` comments, ``ObjectId()``, ``ISODate()``,
``new Date()``, ``NumberLong()``, ``NumberInt()``, ``NumberDecimal()``, ``UUID()``,
``/regex/flags``), and a bare command document ``{...}`` (the canonical form dbwork
writes into files and history).

>>> from dbwork.model.documents import DocumentSchema
>>> p = parse_mongosh("db.createCollection('orders', {validator: {qty: {$gte: 0}},})",
...                   DocumentSchema("shop"))
>>> [op.describe() for op in p.ops]
['create collection orders (validator)']
>>> split_commands("db.a.drop(); db.b.drop()\\n{\\"drop\\": \\"c\\"};")
['db.a.drop()', 'db.b.drop()', '{"drop": "c"}']
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from bson import Decimal128, Int64, ObjectId, Regex
from bson.binary import Binary, UuidRepresentation
from bson.errors import BSONError

from ...errors import IrreversibleError, ObjectExistsError, ParseError, UnknownObjectError
from ...model.documents import (VALIDATION_KEYS, Collection, DocumentSchema, IndexSpec,
                               default_index_name)
from ...ops import document_ops as d

# -- tokens ---------------------------------------------------------------------------
_PUNCT = set("(){}[],:.;")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_REGEX_BEFORE = {"(", ",", ":", "[", None}


@dataclass(frozen=True)
class Token:
    kind: str        # ident, string, number, regex, punct, eof
    value: Any
    pos: int         # offset in the text
    end: int


class _Lexer:
    def __init__(self, text: str, first_line: int = 1):
        self.text, self.first_line = text, first_line

    def where(self, pos: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, pos) + self.first_line
        return line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def error(self, message: str, pos: int):
        line, col = self.where(pos)
        return ParseError(message, line, col)

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text, i, n = self.text, 0, len(self.text)
        while i < n:
            ch = text[i]
            if ch.isspace():
                i += 1
            elif text.startswith("//", i):
                j = text.find("\n", i)
                i = n if j < 0 else j
            elif text.startswith("/*", i):
                j = text.find("*/", i + 2)
                if j < 0:
                    raise self.error("unterminated comment", i)
                i = j + 2
            elif ch in "'\"":
                tok = self._string(i)
                out.append(tok)
                i = tok.end
            elif ch == "/" and (out[-1].value if out and out[-1].kind == "punct" else
                                None if not out else "x") in _REGEX_BEFORE:
                tok = self._regex(i)
                out.append(tok)
                i = tok.end
            elif ch in _PUNCT:
                out.append(Token("punct", ch, i, i + 1))
                i += 1
            elif (m := _NUMBER.match(text, i)) and (ch != "-" or m.end() > i + 1) and \
                    (ch != "." or m.end() > i + 1):
                out.append(Token("number", m.group(), i, m.end()))
                i = m.end()
            elif m := _IDENT.match(text, i):
                out.append(Token("ident", m.group(), i, m.end()))
                i = m.end()
            else:
                raise self.error(f"unexpected character {ch!r}", i)
        out.append(Token("eof", None, n, n))
        return out

    def _string(self, start: int) -> Token:
        text, quote, i, buf = self.text, self.text[start], start + 1, []
        escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0",
                   "\\": "\\", "'": "'", '"': '"', "/": "/"}
        while i < len(text):
            ch = text[i]
            if ch == quote:
                return Token("string", "".join(buf), start, i + 1)
            if ch == "\n":
                break
            if ch == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                    buf.append(chr(int(text[i + 2:i + 6], 16)))
                    i += 6
                    continue
                buf.append(escapes.get(nxt, nxt))
                i += 2
                continue
            buf.append(ch)
            i += 1
        raise self.error("unterminated string", start)

    def _regex(self, start: int) -> Token:
        text, i, in_class = self.text, start + 1, False
        while i < len(text) and text[i] != "\n":
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                m = re.compile(r"[imxsu]*").match(text, i + 1)
                return Token("regex", (text[start + 1:i], m.group()), start, m.end())
            i += 1
        raise self.error("unterminated regular expression", start)


# -- values ---------------------------------------------------------------------------
_CONSTANTS = {"true": True, "false": False, "null": None}


MAX_DEPTH = 100   # MongoDB refuses documents nested deeper (and Python's stack is finite)


class _Parser:
    """Recursive descent over the tokens: statements are calls on ``db`` or bare
    command documents; values are JSON plus the shell's constructors."""

    def __init__(self, text: str, first_line: int = 1):
        self.lex = _Lexer(text, first_line)
        self.toks = self.lex.tokens()
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def error(self, message: str, tok: Token | None = None):
        return self.lex.error(message, (tok or self.tok).pos)

    def take(self, kind: str, value=None) -> Token:
        t = self.tok
        if t.kind != kind or (value is not None and t.value != value):
            want = repr(value) if value is not None else kind
            got = "the end of the text" if t.kind == "eof" else repr(self.lex.text[t.pos:t.end])
            raise self.error(f"expected {want}, found {got}")
        self.i += 1
        return t

    def at(self, kind: str, value=None) -> bool:
        return self.tok.kind == kind and (value is None or self.tok.value == value)

    # statements
    def statements(self) -> list["Call"]:
        out = []
        while not self.at("eof"):
            if self.at("punct", ";"):
                self.i += 1
                continue
            out.append(self.statement())
            if not (self.at("punct", ";") or self.at("eof") or self.at("ident", "db") or
                    self.at("punct", "{")):
                raise self.error("expected ';' or a new command after the command")
        return out

    def statement(self) -> "Call":
        start = self.tok
        if self.at("punct", "{"):
            doc = self.value()
            return Call(None, "command", [doc], start.pos, self.toks[self.i - 1].end, start)
        self.take("ident", "db")
        target = None
        self.take("punct", ".") if not self.at("punct", "[") else None
        if self.at("punct", "["):
            self.i += 1
            target = self.take("string").value
            self.take("punct", "]")
            self.take("punct", ".")
        name_tok = self.take("ident")
        if target is None and name_tok.value == "getCollection":
            args = self.arguments()
            if len(args) != 1 or not isinstance(args[0], str):
                raise self.error("getCollection takes one collection name", name_tok)
            target = args[0]
            self.take("punct", ".")
            name_tok = self.take("ident")
        elif target is None and self.at("punct", "."):
            target = name_tok.value
            while self.at("punct", "."):   # db.a.b.method(): collection "a.b"
                self.i += 1
                nxt = self.take("ident")
                if self.at("punct", "("):
                    name_tok = nxt
                    break
                target += "." + nxt.value
            else:
                raise self.error("expected a method call")
        if not self.at("punct", "("):
            raise self.error(f"expected '(' after {name_tok.value}")
        args = self.arguments()
        return Call(target, name_tok.value, args, start.pos, self.toks[self.i - 1].end, name_tok)

    def arguments(self) -> list:
        self.take("punct", "(")
        args = []
        while not self.at("punct", ")"):
            args.append(self.value())
            if not self.at("punct", ")"):
                self.take("punct", ",")
        self.take("punct", ")")
        return args

    # values
    def value(self):
        t = self.tok
        if t.kind == "punct" and t.value in "{[":
            self.depth = getattr(self, "depth", 0) + 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"nested deeper than {MAX_DEPTH} levels (MongoDB's own "
                                 "limit for a document)")
            try:
                return self.obj() if t.value == "{" else self.array()
            finally:
                self.depth -= 1
        if t.kind == "string":
            self.i += 1
            return t.value
        if t.kind == "number":
            self.i += 1
            return _number(t.value)
        if t.kind == "regex":
            self.i += 1
            return Regex(*t.value)
        if t.kind == "ident":
            if t.value in _CONSTANTS:
                self.i += 1
                return _CONSTANTS[t.value]
            return self.constructor()
        raise self.error("expected a value")

    def obj(self) -> dict:
        self.take("punct", "{")
        out: dict = {}
        while not self.at("punct", "}"):
            kt = self.tok
            if kt.kind in ("ident", "string"):
                key = kt.value
            elif kt.kind == "number":
                key = kt.value
            else:
                raise self.error("expected a key")
            self.i += 1
            self.take("punct", ":")
            if key in out:
                raise self.error(f"duplicate key {key!r}", kt)
            out[key] = self.value()
            if not self.at("punct", "}"):
                self.take("punct", ",")
        self.take("punct", "}")
        return out

    def array(self) -> list:
        self.take("punct", "[")
        out = []
        while not self.at("punct", "]"):
            out.append(self.value())
            if not self.at("punct", "]"):
                self.take("punct", ",")
        self.take("punct", "]")
        return out

    def constructor(self):
        t = self.take("ident")
        name = t.value
        if name == "new":
            name = self.take("ident").value
        fn = _CONSTRUCTORS.get(name)
        if fn is None:
            raise self.error(f"unknown name {name!r} (no variables or code: only values)", t)
        args = self.arguments()
        try:
            return fn(*args)
        except (TypeError, ValueError, ArithmeticError, BSONError) as e:
            raise self.error(f"bad argument to {name}(): {e}", t) from None


def _number(text: str):
    if text.lower().startswith(("0x", "-0x")):
        return int(text, 16)
    if re.fullmatch(r"-?\d+", text):
        v = int(text)
        return v if -2**31 <= v < 2**31 else Int64(v)
    return float(text)


def _date(value=None):
    if value is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, timezone.utc)
    text = str(value).replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _oid(value=None):
    return ObjectId(value) if value is not None else ObjectId()


def _uuid(value):
    return Binary.from_uuid(uuid.UUID(str(value)), UuidRepresentation.STANDARD)


_CONSTRUCTORS = {
    "ObjectId": _oid, "ISODate": _date, "Date": _date,
    "NumberLong": lambda v: Int64(int(v)), "NumberInt": lambda v: int(v),
    "NumberDecimal": lambda v: Decimal128(str(v)), "Decimal128": lambda v: Decimal128(str(v)),
    "UUID": _uuid, "RegExp": lambda p, f="": Regex(p, f), "Int32": lambda v: int(v),
    "Long": lambda v: Int64(int(v)), "Double": lambda v: float(v),
}


@dataclass
class Call:
    target: str | None      # collection name (None: db-level)
    method: str
    args: list
    start: int
    end: int
    token: Token


# -- public ---------------------------------------------------------------------------
@dataclass
class Parsed:
    ops: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    schema: Any = None


def split_commands(text: str, first_line: int = 1) -> list[str]:
    """The single commands of a section, as written (syntax checked: a malformed
    command is a ParseError with its line and column)."""
    p = _Parser(text or "", first_line)
    return [p.lex.text[c.start:c.end].strip() for c in p.statements()]


def parse_calls(text: str, first_line: int = 1) -> tuple[_Parser, list[Call]]:
    p = _Parser(text, first_line)
    return p, p.statements()


def parse_mongosh(text: str, schema: DocumentSchema, first_line: int = 1,
                  allow_raw: bool = False) -> Parsed:
    """Operations for ``text`` against ``schema``: names are checked (unknown
    collection or index, hostile names) before anything runs."""
    p, calls = parse_calls(text, first_line)
    if not calls:
        raise ParseError("no command found: write e.g. db.createCollection('orders')")
    out = Parsed(schema=schema)
    for call in calls:
        try:
            op = _to_op(call, out.schema, allow_raw)
        except (ParseError, UnknownObjectError, ObjectExistsError, IrreversibleError) as e:
            raise _located(p, call, e) from None
        out.schema = op.apply(out.schema)
        out.ops.append(op)
    return out


def _located(p: _Parser, call: Call, e: Exception) -> Exception:
    if isinstance(e, ParseError) and e.line is not None:
        return e
    line, col = p.lex.where(call.token.pos)
    return ParseError(f"{e}", line, col, p.lex.text[call.start:call.end])


# -- names ----------------------------------------------------------------------------
def check_collection_name(name) -> str:
    """MongoDB's rules for a collection name plus dbwork's own reserved prefixes.

    >>> check_collection_name("a.$b")
    Traceback (most recent call last):
    dbwork.errors.ParseError: invalid collection name 'a.$b': it may not contain '$'
    """
    if not isinstance(name, str) or not name:
        raise ParseError(f"invalid collection name {name!r}: a non-empty string is needed")
    why = None
    if "\0" in name:
        why = "it may not contain the NUL character"
    elif "$" in name:
        why = "it may not contain '$'"
    elif name.startswith("system."):
        why = "names starting with 'system.' are reserved by MongoDB"
    elif name.startswith((".",)) or name.endswith(".") or ".." in name:
        why = "it may not start or end with '.' or contain '..'"
    elif name.startswith(("dbwork_", "_dbwork_")):
        why = "names starting with 'dbwork_' or '_dbwork_' are dbwork's own"
    elif len(name.encode()) > 200:
        why = "it is longer than 200 bytes"
    if why:
        raise ParseError(f"invalid collection name {name!r}: {why}")
    return name


def check_field_path(path) -> str:
    if not isinstance(path, str) or not path or "\0" in path or path.startswith("$") or \
            any(not part or part.startswith("$") for part in path.split(".")):
        raise ParseError(f"invalid field name {path!r}: non-empty parts, no '$' at the start "
                         "of a part, no NUL")
    return path


# -- calls -> operations --------------------------------------------------------------
def _to_op(call: Call, schema: DocumentSchema, allow_raw: bool):
    if call.target is None:
        fn = _DB_METHODS.get(call.method)
    else:
        check_collection_name(call.target)
        fn = _COLL_METHODS.get(call.method)
    if fn is None:
        where = "db" if call.target is None else f"db.{call.target}"
        raise ParseError(f"unsupported command {where}.{call.method}(): dbwork understands "
                         f"{', '.join(sorted(_DB_METHODS))} on db and "
                         f"{', '.join(sorted(_COLL_METHODS))} on a collection")
    return fn(call, schema, allow_raw)


def _arg(call: Call, n: int, kind, what: str, default=None):
    if len(call.args) <= n:
        if default is not None:
            return default
        raise ParseError(f"{call.method}() needs {what}")
    v = call.args[n]
    if not isinstance(v, kind):
        raise ParseError(f"{call.method}(): {what} must be a {_kind_name(kind)}")
    return v


def _kind_name(kind) -> str:
    names = {dict: "document {...}", str: "string", list: "list [...]"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _max_args(call: Call, n: int) -> None:
    if len(call.args) > n:
        raise ParseError(f"{call.method}() takes at most {n} argument(s), got {len(call.args)}")


_CREATE_OPTIONS = {"validator", "validationLevel", "validationAction", "capped", "size", "max",
                   "collation", "timeseries", "expireAfterSeconds", "clusteredIndex",
                   "changeStreamPreAndPostImages", "storageEngine", "indexOptionDefaults",
                   "comment"}


def _create_collection(call, schema, allow_raw):
    _max_args(call, 2)
    name = check_collection_name(_arg(call, 0, str, "a collection name"))
    options = _arg(call, 1, dict, "the options", {})
    bad = set(options) - _CREATE_OPTIONS
    if bad:
        raise ParseError(f"createCollection(): unknown option(s) {', '.join(sorted(bad))}")
    _check_validation(options)
    if schema.has_collection(name):
        raise ObjectExistsError("collection", name)
    coll = Collection(name, options=dict(options), indexes=(IndexSpec("_id_", (("_id", 1),)),))
    return d.CreateCollection(coll)


def _check_validation(options: dict) -> None:
    if "validator" in options and not isinstance(options["validator"], dict):
        raise ParseError("validator must be a document {...}")
    if options.get("validationLevel", "strict") not in ("off", "strict", "moderate"):
        raise ParseError("validationLevel must be 'off', 'strict' or 'moderate'")
    if options.get("validationAction", "error") not in ("error", "warn"):
        raise ParseError("validationAction must be 'error' or 'warn'")


def _run_command(call, schema, allow_raw):
    _max_args(call, 1)
    cmd = _arg(call, 0, dict, "a command document")
    if not cmd:
        raise ParseError("runCommand() needs a command document")
    name = next(iter(cmd))
    if name == "collMod" and set(cmd) - {"collMod"} <= set(VALIDATION_KEYS) and len(cmd) > 1:
        coll = schema.collection(check_collection_name(cmd["collMod"]))
        _check_validation(cmd)
        before = coll.validation()
        after = {**before, **{k: cmd[k] for k in VALIDATION_KEYS if k in cmd}}
        return d.SetValidator(coll.name, before, after)
    if allow_raw:
        return d.RawCommand(cmd, "db.runCommand(...)")
    raise IrreversibleError(f"db.runCommand({{{name}: ...}})",
                            "dbwork models collMod of validator, validationLevel and "
                            "validationAction only")


def _command_doc(call, schema, allow_raw):
    return _run_command(replace(call, method="command"), schema, allow_raw)


def _create_index(call, schema, allow_raw):
    _max_args(call, 2)
    coll = schema.collection(call.target)
    keys = _arg(call, 0, dict, "the index keys")
    if not keys:
        raise ParseError("createIndex() needs at least one key")
    for k, v in keys.items():
        check_field_path(k) if k != "$**" and not k.endswith(".$**") else None
        if not (v in (1, -1) or v in ("text", "2dsphere", "2d", "hashed")):
            raise ParseError(f"createIndex(): direction of {k!r} must be 1, -1, 'text', "
                             "'2dsphere', '2d' or 'hashed'")
    options = dict(_arg(call, 1, dict, "the index options", {}))
    key = tuple(keys.items())
    name = options.pop("name", None) or default_index_name(key)
    if not isinstance(name, str) or "\0" in name:
        raise ParseError(f"invalid index name {name!r}")
    if coll.has_index(name):
        raise ObjectExistsError("index", name, coll.name)
    return d.CreateIndex(coll.name, IndexSpec(name, key, options))


def _drop_index(call, schema, allow_raw):
    _max_args(call, 1)
    coll = schema.collection(call.target)
    which = _arg(call, 0, (str, dict), "an index name or its keys")
    if which == "_id_":
        raise ParseError("the _id index cannot be dropped")
    index = coll.index(which) if isinstance(which, str) else coll.index_by_key(tuple(which.items()))
    return d.DropIndex(coll.name, index)


def _rename_collection(call, schema, allow_raw):
    _max_args(call, 2)
    coll = schema.collection(call.target)
    new = check_collection_name(_arg(call, 0, str, "the new name"))
    if len(call.args) > 1 and call.args[1]:
        raise ParseError("renameCollection(): dropTarget is not supported (it destroys the "
                         "target); drop it first")
    if schema.has_collection(new):
        raise ObjectExistsError("collection", new)
    return d.RenameCollection(coll.name, new)


def _drop(call, schema, allow_raw):
    _max_args(call, 0)
    return d.DropCollection(schema.collection(call.target))


_UPDATE_OPTIONS = {"upsert", "arrayFilters", "collation", "hint", "let"}


def _update(call, schema, allow_raw):
    _max_args(call, 3)
    coll = schema.collection(call.target)
    flt = _arg(call, 0, dict, "a filter document")
    update = _arg(call, 1, (dict, list), "an update document or pipeline")
    options = dict(_arg(call, 2, dict, "the options", {}))
    bad = set(options) - _UPDATE_OPTIONS
    if bad:
        raise ParseError(f"{call.method}(): unknown option(s) {', '.join(sorted(bad))}")
    multi = call.method == "updateMany"
    if isinstance(update, dict):
        _check_operators(update)
    elif not update or not all(isinstance(s, dict) and len(s) == 1 for s in update):
        raise ParseError("an update pipeline is a non-empty list of stages like {$set: {...}}")
    if options.get("upsert") and not allow_raw:
        raise IrreversibleError(f"db.{coll.name}.{call.method}(..., {{upsert: true}})",
                                "an upsert may create documents no backup knows about")
    if isinstance(update, dict) and not options and multi:
        simple = _simple_update(coll, flt, update)
        if simple is not None:
            return simple
    return d.UpdateDocuments(coll.name, flt, update, multi, options)


def _check_operators(update: dict) -> None:
    if not update:
        raise ParseError("the update document is empty")
    if not all(k.startswith("$") for k in update):
        raise ParseError("an update needs operators such as $set, $unset, $rename "
                         "(a replacement document is not accepted here)")
    for op, body in update.items():
        if not isinstance(body, dict):
            raise ParseError(f"{op} takes a document {{field: ...}}")
        for path in body:
            check_field_path(path.replace(".$[]", "").replace(".$", "") if "$[" in path
                             or path.endswith(".$") else path)
    renames = update.get("$rename", {})
    for old, new in renames.items():
        if not isinstance(new, str):
            raise ParseError(f"$rename of {old!r}: the new name must be a string")
        check_field_path(new)


def _simple_update(coll: Collection, flt: dict, update: dict):
    """$rename alone -> RenameFields; $set of fields no document has -> SetFields."""
    if list(update) == ["$rename"]:
        return d.RenameFields(coll.name, flt, tuple(update["$rename"].items()))
    if list(update) == ["$set"] and not any(coll.has_field(p) for p in update["$set"]) \
            and all("$" not in p for p in update["$set"]):
        return d.SetFields(coll.name, flt, dict(update["$set"]))
    return None


def _insert(call, schema, allow_raw):
    _max_args(call, 2)
    coll = schema.collection(call.target)
    if call.method == "insertOne":
        docs = [_arg(call, 0, dict, "a document")]
    else:
        docs = _arg(call, 0, list, "a list of documents")
        if not docs or not all(isinstance(x, dict) for x in docs):
            raise ParseError("insertMany() needs a non-empty list of documents")
    out = []
    for doc in docs:
        for k in doc:
            check_field_path(k) if k != "_id" else None
        out.append(doc if "_id" in doc else {"_id": ObjectId(), **doc})
    return d.InsertDocuments(coll.name, tuple(out))


def _delete(call, schema, allow_raw):
    _max_args(call, 2)
    coll = schema.collection(call.target)
    flt = _arg(call, 0, dict, "a filter document")
    return d.DeleteDocuments(coll.name, flt, call.method == "deleteMany")


_DB_METHODS = {"createCollection": _create_collection, "runCommand": _run_command,
               "command": _run_command}
_COLL_METHODS = {"createIndex": _create_index, "dropIndex": _drop_index,
                 "renameCollection": _rename_collection, "drop": _drop,
                 "updateMany": _update, "updateOne": _update, "insertMany": _insert,
                 "insertOne": _insert, "deleteMany": _delete, "deleteOne": _delete}


# -- commands without a schema (explicit down sections) --------------------------------
def command_documents(text: str, database: str) -> list[dict]:
    """The database command documents for mongosh text, without a schema (an explicit
    ``// migrate:down`` section is run this way).

    >>> command_documents("db.orders.dropIndex('sku_1')", "shop")
    [{'dropIndexes': 'orders', 'index': 'sku_1'}]
    """
    from .render import commands
    p, calls = parse_calls(text)
    out = []
    for call in calls:
        try:
            out += _call_commands(call, database, commands)
        except (ParseError, UnknownObjectError, ObjectExistsError, IrreversibleError) as e:
            raise _located(p, call, e) from None
    return out


def _call_commands(call: Call, database: str, commands) -> list[dict]:
    if call.target is None and call.method in ("command", "runCommand"):
        return [call.args[0]] if call.args and isinstance(call.args[0], dict) else \
            _fail("runCommand() needs a command document")
    if call.target is not None and call.method == "dropIndex":
        which = _arg(call, 0, (str, dict), "an index name or its keys")
        name = which if isinstance(which, str) else default_index_name(tuple(which.items()))
        return [{"dropIndexes": check_collection_name(call.target), "index": name}]
    if call.target is not None and call.method == "drop":
        return [{"drop": check_collection_name(call.target)}]
    shadow = _shadow_schema(call, database)
    return commands(_to_op(call, shadow, allow_raw=True), shadow)


def _fail(message: str):
    raise ParseError(message)


def _shadow_schema(call: Call, database: str) -> DocumentSchema:
    """A schema where the call's collection exists with no known fields, so the
    schema-free translation can reuse the same parsers."""
    if call.target is None:
        return DocumentSchema(database)
    return DocumentSchema(database, {call.target: Collection(call.target, fields=())})
