"""A small YAML reader for the subset that config files use (compose, database.yml,
serverless.yml, CloudFormation): block mappings and sequences, plain and quoted
scalars, flow ``[...]``/``{...}``, comments, anchors/aliases and ``<<`` merge keys,
block scalars (``|``, ``>``) and tags (``!Ref x`` reads as ``x``).

Scalars stay strings (:class:`YStr`, with ``.line``); ``null``/``~``/empty are None.
Mappings (:class:`YMap`) know the line of each key. Anything outside the subset
raises :class:`YamlError` with a line number.

>>> doc = load("base: &b\\n  adapter: postgresql\\ndev:\\n  <<: *b\\n  database: app # c\\n")
>>> doc["dev"]["adapter"], doc["dev"]["database"], doc.key_line["dev"]
('postgresql', 'app', 3)
>>> load("ports:\\n- '5433:5432'\\n- 8080\\nenv: {A: 1, B: \\"x y\\"}")["ports"]
['5433:5432', '8080']
"""
from __future__ import annotations

import re


class YamlError(ValueError):
    """The text is not in the YAML subset this reader understands.

    >>> try:
    ...     load("a: [1")
    ... except YamlError as e:
    ...     e.line
    1
    """

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"{message} (line {line})" if line else message)


class YStr(str):
    """A scalar with the line it came from.

    >>> load("a: b\\nc: d")["c"].line
    2
    """

    line: int | None = None


class YMap(dict):
    """A mapping; ``key_line[key]`` is the line of each key.

    >>> load("a:\\n  b: 1")["a"].key_line
    {'b': 2}
    """

    line: int | None = None

    def __init__(self, *args):
        super().__init__(*args)
        self.key_line: dict[str, int] = {}


class YList(list):
    """A sequence with the line it started on.

    >>> load("x: 1\\nl:\\n  - a")["l"].line
    3
    """

    line: int | None = None


_NULLS = {"", "~", "null", "Null", "NULL"}
_KEY = re.compile(r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s"'\[\]{}#&*!|>%@`,-][^#]*?|-[^\s#][^#]*?))\s*:(?:\s+|$)""")
MAX_DEPTH = 60


def _scalar(text: str, line: int):
    text = text.strip()
    if text in _NULLS:
        return None
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                      text[1:-1])
    elif len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        text = text[1:-1].replace("''", "'")
    s = YStr(text)
    s.line = line
    return s


def _strip_comment(text: str) -> str:
    """Drop a ``#`` comment that starts the line or follows a space, outside quotes."""
    quote = None
    prev = " "
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and prev in " :-[{,":
            quote = ch
        elif ch == "#" and prev in " \t":
            return text[:i].rstrip()
        if not (quote is None and ch == " " and prev in ":-[{,"):
            prev = ch if ch not in " \t" or quote else " "
    return text.rstrip()


class _Parser:
    def __init__(self, text: str):
        self.raw = text.splitlines()
        self.tokens: list[tuple[int, int, str]] = []  # (line, indent, content)
        for n, line in enumerate(self.raw, 1):
            if "\t" in line[: len(line) - len(line.lstrip())]:
                line = line.expandtabs(2)
            content = line.strip()
            if not content or content.startswith("#"):
                continue
            if content in ("---", "...") or content.startswith("--- "):
                self.tokens.append((n, 0, "---"))
                continue
            if content.startswith("%"):
                continue
            self.tokens.append((n, len(line) - len(line.lstrip()), _strip_comment(line.strip())))
        self.i = 0
        self.anchors: dict[str, object] = {}

    def documents(self) -> list:
        docs = []
        while self.i < len(self.tokens):
            if self.tokens[self.i][2] == "---":
                self.i += 1
                continue
            docs.append(self.block(self.tokens[self.i][1], 0))
            if self.i < len(self.tokens) and self.tokens[self.i][2] != "---":
                raise YamlError("unexpected content", self.tokens[self.i][0])
        return docs

    # -- blocks -------------------------------------------------------------------------
    def block(self, indent: int, depth: int):
        if depth > MAX_DEPTH:
            raise YamlError("nested too deeply", self.tokens[self.i][0])
        line, ind, content = self.tokens[self.i]
        if content == "-" or content.startswith("- "):
            return self.sequence(ind, depth)
        if _KEY.match(content):
            return self.mapping(ind, depth)
        self.i += 1
        return self.inline(content, line, ind, depth)

    def sequence(self, indent: int, depth: int) -> YList:
        out = YList()
        out.line = self.tokens[self.i][0]
        while self.i < len(self.tokens):
            line, ind, content = self.tokens[self.i]
            if ind != indent or not (content == "-" or content.startswith("- ")):
                if ind > indent and content != "---":
                    raise YamlError("bad indentation in a sequence", line)
                break
            rest = content[1:].lstrip()
            if not rest:
                self.i += 1
                out.append(self.nested(indent, line, depth))
                continue
            inner = indent + len(content) - len(rest)
            if rest.startswith("- ") or (_KEY.match(rest) and not rest.startswith(("{", "["))):
                self.tokens[self.i] = (line, inner, rest)  # "- key: v" is a mapping at inner
                out.append(self.block(inner, depth + 1))
            else:
                self.i += 1
                out.append(self.inline(rest, line, indent, depth))
        return out

    def mapping(self, indent: int, depth: int) -> YMap:
        out = YMap()
        out.line = self.tokens[self.i][0]
        merges: list = []
        while self.i < len(self.tokens):
            line, ind, content = self.tokens[self.i]
            if ind != indent or content == "---":
                if ind > indent and content != "---":
                    raise YamlError("bad indentation in a mapping", line)
                break
            m = _KEY.match(content)
            if not m:
                raise YamlError(f"expected 'key: value', got {content[:40]!r}", line)
            key = m.group(1) if m.group(1) is not None else (
                m.group(2).replace("''", "'") if m.group(2) is not None else m.group(3).strip())
            self.i += 1
            value = self.inline(content[m.end():], line, indent, depth, allow_seq_same=True)
            if key == "<<":
                merges.extend(value if isinstance(value, list) else [value])
                continue
            out[key] = value
            out.key_line[key] = line
        for base in reversed(merges):
            if isinstance(base, YMap):
                for k, v in base.items():
                    if k not in out:
                        out[k] = v
                        out.key_line[k] = base.key_line.get(k, out.line)
        return out

    def nested(self, indent: int, line: int, depth: int, allow_seq_same: bool = False):
        """The block under a key or dash, if the next line is indented deeper."""
        if self.i < len(self.tokens):
            _, ind, content = self.tokens[self.i]
            if content != "---" and (ind > indent or (allow_seq_same and ind == indent and (
                    content == "-" or content.startswith("- ")))):
                return self.block(ind, depth + 1)
        return None

    # -- values on the same line ----------------------------------------------------------
    def inline(self, text: str, line: int, indent: int, depth: int, allow_seq_same: bool = False):
        text = text.strip()
        anchor = None
        if text.startswith("&"):
            anchor, _, text = text[1:].partition(" ")
            text = text.strip()
        if text.startswith("!"):  # a tag such as !Ref, !Sub, !!str: keep the value
            _, _, text = text.partition(" ")
            text = text.strip()
        if text.startswith("*"):
            name = text[1:].strip()
            if name not in self.anchors:
                raise YamlError(f"unknown alias *{name}", line)
            return self.anchors[name]
        if not text:
            value = self.nested(indent, line, depth, allow_seq_same)
        elif text[0] in "|>":
            value = self.block_scalar(text, line, indent)
        elif text[0] in "[{":
            value = self.flow(text, line, depth)
        else:
            value = _scalar(self.continued(text, indent), line)
        if anchor:
            self.anchors[anchor] = value
        return value

    def continued(self, text: str, indent: int) -> str:
        """Join the continuation lines of a multi-line plain scalar."""
        while (self.i < len(self.tokens) and self.tokens[self.i][1] > indent
               and not _KEY.match(self.tokens[self.i][2]) and self.tokens[self.i][2] != "---"
               and not self.tokens[self.i][2].startswith("- ")):
            text += " " + self.tokens[self.i][2]
            self.i += 1
        return text

    def block_scalar(self, head: str, line: int, indent: int) -> YStr:
        lines = []
        n = line  # raw line index of the next line is n (0-based)
        while n < len(self.raw):
            raw = self.raw[n].expandtabs(2)
            if raw.strip() and len(raw) - len(raw.lstrip()) <= indent:
                break
            lines.append(raw)
            n += 1
        while self.i < len(self.tokens) and self.tokens[self.i][0] <= n:
            self.i += 1
        strip = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
        joiner = "\n" if head[0] == "|" else " "
        s = YStr(joiner.join(x[strip:] for x in lines).strip("\n") + ("\n" if "-" not in head else ""))
        s.line = line
        return s

    def flow(self, text: str, line: int, depth: int):
        while _unbalanced(text) and self.i < len(self.tokens):
            text += " " + self.tokens[self.i][2]
            self.i += 1
        value, end = _Flow(text, line).value(0, depth)
        if text[end:].strip():
            raise YamlError("unexpected text after a flow collection", line)
        return value


def _unbalanced(text: str) -> bool:
    depth, quote = 0, None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth > 0


class _Flow:
    """``[a, "b", {c: d}]`` and ``{a: 1}`` on one (joined) line."""

    def __init__(self, text: str, line: int):
        self.text, self.line = text, line

    def value(self, pos: int, depth: int):
        t = self.text
        pos = _skip(t, pos)
        if depth > MAX_DEPTH:
            raise YamlError("nested too deeply", self.line)
        if pos < len(t) and t[pos] == "[":
            out = YList()
            out.line = self.line
            pos += 1
            while True:
                pos = _skip(t, pos)
                if pos >= len(t):
                    raise YamlError("unclosed '['", self.line)
                if t[pos] == "]":
                    return out, pos + 1
                item, pos = self.value(pos, depth + 1)
                out.append(item)
                pos = self.comma(pos, "]")
        if pos < len(t) and t[pos] == "{":
            out = YMap()
            out.line = self.line
            pos += 1
            while True:
                pos = _skip(t, pos)
                if pos >= len(t):
                    raise YamlError("unclosed '{'", self.line)
                if t[pos] == "}":
                    return out, pos + 1
                key, pos = self.value(pos, depth + 1)
                pos = _skip(t, pos)
                item = None
                if t.startswith(":", pos):
                    item, pos = self.value(pos + 1, depth + 1)
                out[str(key)] = item
                out.key_line[str(key)] = self.line
                pos = self.comma(pos, "}")
        m = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,\[\]{}]*?(?=:\s|:$|[,\]}]|$)').match(t, pos)
        return _scalar(m.group(0), self.line), m.end()

    def comma(self, pos: int, close: str) -> int:
        pos = _skip(self.text, pos)
        if self.text.startswith(",", pos):
            return pos + 1
        if self.text.startswith(close, pos):
            return pos
        raise YamlError(f"expected ',' or '{close}'", self.line)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def load_all(text: str) -> list:
    """Every document in ``text``.

    >>> load_all("a: 1\\n---\\nb: 2")
    [{'a': '1'}, {'b': '2'}]
    """
    return _Parser(text).documents()


def load(text: str):
    """The first document in ``text`` (None for an empty text).

    >>> load("") is None, load("- x")
    (True, ['x'])
    """
    docs = load_all(text)
    return docs[0] if docs else None
