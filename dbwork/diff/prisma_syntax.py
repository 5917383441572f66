"""The Prisma schema language read into plain values (pure): blocks (datasource,
generator, model, view, enum, type), fields with their type, ``[]``/``?`` modifiers
and attributes, and attribute arguments (positional and named: strings, numbers,
identifiers, lists and calls such as ``createdAt(sort: Desc)`` or ``raw("...")``).

>>> b = read_blocks('model Post { id Int @id\\n @@index(fields: [a(sort: Desc)], type: Hash) }')[0]
>>> b.kind, b.name, b.fields[0].type, b.attrs[0].name
('model', 'Post', 'Int', 'index')
>>> b.attrs[0].kwargs["fields"][0], b.attrs[0].kwargs["type"]
(Call(name='a', args=[], kwargs={'sort': 'Desc'}), 'Hash')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ParseError

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)\b'
                    r'|(?P<ident>[A-Za-z_][\w.]*)|(?P<punct>@@|@|\[\]|[()\[\],:=?]))')
_BLOCK = re.compile(r"^[ \t]*(datasource|generator|model|view|enum|type)\s+(\w+)\s*\{",
                    re.M)


@dataclass(frozen=True)
class Str:
    """A string literal (its unescaped text)."""

    value: str

    def __str__(self) -> str:
        return self.value


@dataclass
class Call:
    """``name(args, key: value)``: a function value or a field with arguments."""

    name: str
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)


@dataclass
class Attr:
    """``@name(...)`` or ``@@name(...)`` (``name`` without the at signs)."""

    name: str
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)

    def arg(self, key: str, pos: int | None = 0):
        """The named argument ``key``, else the positional one at ``pos``."""
        if key in self.kwargs:
            return self.kwargs[key]
        return self.args[pos] if pos is not None and pos < len(self.args) else None


@dataclass
class Field:
    name: str
    type: object                   # str, or Call for Unsupported("...")
    many: bool = False
    optional: bool = False
    attrs: list = field(default_factory=list)

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attrs if a.name == name), None)


@dataclass
class Block:
    kind: str
    name: str
    fields: list = field(default_factory=list)      # models, views, types
    attrs: list = field(default_factory=list)       # @@ attributes
    values: list = field(default_factory=list)      # enums: (value, @map name)
    props: dict = field(default_factory=dict)       # datasource / generator


def strip_comments(text: str) -> str:
    """``//`` and ``///`` line comments and ``/* */`` blocks out; strings kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            skipped = text[i:n if j < 0 else j + 2]
            out.append("\n" * skipped.count("\n"))
            i = n if j < 0 else j + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def read_blocks(text: str) -> list[Block]:
    """Every top-level block of a schema text, in order."""
    text = strip_comments(text)
    blocks, pos = [], 0
    for m in _BLOCK.finditer(text):
        if m.start() < pos:
            continue
        end = _closing_brace(text, m.end())
        body = text[m.end():end]
        blocks.append(_block(m.group(1), m.group(2), body))
        pos = end + 1
    return blocks


def _closing_brace(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i = text.find('"', i + 1) + 1 or len(text)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise ParseError("prisma: a block is not closed with '}'")


def _logical_lines(body: str) -> list[str]:
    """Lines, joined while a bracket or parenthesis is open."""
    out, cur, depth = [], "", 0
    for line in body.splitlines():
        cur = f"{cur} {line}" if cur else line
        depth += sum(line.count(c) for c in "([") - sum(line.count(c) for c in ")]")
        if depth <= 0:
            if cur.strip():
                out.append(cur.strip())
            cur, depth = "", 0
    if cur.strip():
        out.append(cur.strip())
    return out


def _block(kind: str, name: str, body: str) -> Block:
    b = Block(kind, name)
    for line in _logical_lines(body):
        toks = _Tokens(line, f"{kind} {name}")
        if kind in ("datasource", "generator"):
            while toks.peek() is not None:  # key = value, several on one line too
                key = toks.ident()
                toks.expect("=")
                b.props[key] = toks.value()
        elif toks.peek() == "@@":
            toks.next()
            b.attrs.append(toks.attribute())
        elif kind == "enum":
            value = toks.ident()
            attrs = toks.attributes()
            mapped = next((a.arg("name") for a in attrs if a.name == "map"), None)
            b.values.append((value, str(mapped) if mapped is not None else value))
        else:
            b.fields.append(_field(toks))
        toks.done()
    return b


def _field(toks: "_Tokens") -> Field:
    name = toks.ident()
    ftype = toks.value()
    if not isinstance(ftype, (str, Call)):
        raise toks.error("a field type")
    f = Field(name, ftype)
    if toks.peek() == "[]":
        toks.next()
        f.many = True
    if toks.peek() == "?":
        toks.next()
        f.optional = True
    f.attrs = toks.attributes()
    return f


class _Tokens:
    """A cursor over one logical line's tokens."""

    def __init__(self, line: str, where: str):
        self.line, self.where, self.items, pos = line, where, [], 0
        while pos < len(line):
            m = _TOKEN.match(line, pos)
            if not m or m.end() == pos:
                if not line[pos:].strip():
                    break
                raise ParseError(f"prisma: cannot read {line[pos:pos + 30]!r} in {where}: "
                                 f"{line}")
            kind = m.lastgroup
            self.items.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def error(self, wanted: str) -> ParseError:
        got = self.items[self.i][1] if self.i < len(self.items) else "end of line"
        return ParseError(f"prisma: expected {wanted}, got {got!r} in {self.where}: "
                          f"{self.line}")

    def peek(self) -> str | None:
        return self.items[self.i][1] if self.i < len(self.items) else None

    def next(self) -> tuple[str, str]:
        if self.i >= len(self.items):
            raise self.error("more")
        self.i += 1
        return self.items[self.i - 1]

    def expect(self, text: str) -> None:
        if self.peek() != text:
            raise self.error(repr(text))
        self.i += 1

    def ident(self) -> str:
        kind, text = self.next()
        if kind != "ident":
            self.i -= 1
            raise self.error("a name")
        return text

    def done(self) -> None:
        if self.i != len(self.items):
            raise self.error("the end of the line")

    def attributes(self) -> list[Attr]:
        out = []
        while self.peek() == "@":
            self.next()
            out.append(self.attribute())
        return out

    def attribute(self) -> Attr:
        a = Attr(self.ident())
        if self.peek() == "(":
            a.args, a.kwargs = self.arguments()
        return a

    def arguments(self) -> tuple[list, dict]:
        self.expect("(")
        args, kwargs = [], {}
        while self.peek() != ")":
            if (self.i + 1 < len(self.items) and self.items[self.i][0] == "ident"
                    and self.items[self.i + 1][1] == ":"):
                key = self.ident()
                self.next()
                kwargs[key] = self.value()
            else:
                args.append(self.value())
            if self.peek() == ",":
                self.next()
            elif self.peek() != ")":
                raise self.error("',' or ')'")
        self.next()
        return args, kwargs

    def value(self):
        kind, text = self.next()
        if kind == "str":
            return Str(re.sub(r"\\(.)", r"\1", text[1:-1]))
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "ident":
            if self.peek() == "(":
                args, kwargs = self.arguments()
                return Call(text, args, kwargs)
            return text
        if text == "[":
            items = []
            while self.peek() != "]":
                items.append(self.value())
                if self.peek() == ",":
                    self.next()
                elif self.peek() != "]":
                    raise self.error("',' or ']'")
            self.next()
            return items
        if text == "[]":
            return []
        self.i -= 1
        raise self.error("a value")
