"""Small, linear-time scanners shared by readers: JS comments, JS object literals,
``${VAR}`` interpolation and key=value files.

>>> strip_js_comments('a = 1 // x\\nb = "//not"')
'a = 1     \\nb = "//not"'
>>> obj, _ = parse_js_value('{ client: "pg", connection: process.env.DATABASE_URL, port: 5432 }', 0)
>>> obj["client"].value, obj["connection"].value, obj["port"].value
('pg', EnvRef(name='DATABASE_URL', default=None), '5432')
>>> interpolate("${A:-x}/${B}", {"B": "b"}.get)
('x/b', ['B'], [])
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_JS_TOKEN = re.compile(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*(?:\"|$)|'(?:\\.|[^'\\\n])*(?:'|$)"
    r"|`(?:\\.|[^`\\])*(?:`|\Z)", re.S | re.M)


def strip_js_comments(text: str) -> str:
    """Blank out ``//`` and ``/* */`` comments, keeping strings, offsets and line numbers.

    >>> strip_js_comments("x /* a */ y")
    'x         y'
    """
    def blank(m: re.Match) -> str:
        s = m.group(0)
        if s[0] == "/":
            return re.sub(r"[^\n]", " ", s)
        return s
    return _JS_TOKEN.sub(blank, text)


@dataclass(frozen=True)
class EnvRef:
    """``process.env.NAME`` (with an optional ``|| "default"``) in a JS/TS config.

    >>> parse_js_value("process.env.DB || 'x'", 0)[0]
    EnvRef(name='DB', default='x')
    """

    name: str
    default: str | None = None


@dataclass(frozen=True)
class Value:
    """A parsed JS value and the offset where it starts.

    >>> parse_js_value("{a: 1}", 0)[0]["a"]
    Value(value='1', offset=4)
    """

    value: object
    offset: int


_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ENV = re.compile(r"""(?:import\.meta\.env|process\.env|Deno\.env\.get\()\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*["'](\w+)["']\s*\]|["'](\w+)["']\s*\))!?""")
_WRAP = re.compile(r"(?:Number|parseInt|String|parseFloat)\s*\(")
_SKIP_WS = re.compile(r"\s*")
MAX_DEPTH = 20


def parse_js_value(text: str, pos: int, depth: int = 0) -> tuple[object, int]:
    """Parse a JS literal at ``pos``: string, number, object, array, env ref, ``a || b``.

    Anything else parses as None and is skipped to the next ``,`` ``}`` or ``]``.
    Returns ``(value, end_offset)``; objects are dicts of name -> :class:`Value`.

    >>> parse_js_value("['a', 2, foo()]", 0)
    (['a', '2', None], 15)
    """
    pos = _ws(text, pos)
    value, end = _primary(text, pos, depth)
    end = _ws(text, end)
    while text.startswith(("||", "??"), end):
        other, end = _primary(text, _ws(text, end + 2), depth)
        end = _ws(text, end)
        if isinstance(value, EnvRef) and value.default is None and isinstance(other, str):
            value = EnvRef(value.name, other)
        elif value is None:
            value = other
    if end < len(text) and text[end] not in ",}]);":
        return None, _skip_expression(text, end)
    return value, end


def _ws(text: str, pos: int) -> int:
    return _SKIP_WS.match(text, pos).end()


def _primary(text: str, pos: int, depth: int) -> tuple[object, int]:
    if pos >= len(text) or depth > MAX_DEPTH:
        return None, len(text)
    ch = text[pos]
    if ch in "\"'`":
        return _string(text, pos)
    if ch == "{":
        return _object(text, pos, depth)
    if ch == "[":
        return _array(text, pos, depth)
    m = _ENV.match(text, pos)
    if m:
        return EnvRef(m.group(1) or m.group(2) or m.group(3)), m.end()
    m = _WRAP.match(text, pos)
    if m:
        value, end = parse_js_value(text, m.end(), depth + 1)
        end = _skip_expression(text, end)  # e.g. ", 10"
        return value, end + 1 if text.startswith(")", end) else end
    m = _NUMBER.match(text, pos)
    if m:
        return m.group(0), m.end()
    m = _IDENT.match(text, pos)
    if m and m.group(0) in ("true", "false"):
        return m.group(0), m.end()
    return None, _skip_expression(text, pos)


def _string(text: str, pos: int) -> tuple[str | None, int]:
    quote = text[pos]
    m = _JS_TOKEN.match(text, pos)
    raw = m.group(0) if m else quote
    end = pos + len(raw)
    body = raw[1:-1] if len(raw) > 1 and raw.endswith(quote) else raw[1:]
    if quote == "`":  # template literal: ${process.env.X} becomes ${X} for interpolation
        body = re.sub(r"\$\{\s*process\.env\.(\w+)\s*\}", r"${\1}", body)
    return re.sub(r"\\(.)", r"\1", body), end


def _object(text: str, pos: int, depth: int) -> tuple[dict, int]:
    out: dict[str, Value] = {}
    pos += 1
    while True:
        pos = _ws(text, pos)
        if pos >= len(text):
            return out, pos
        if text[pos] == "}":
            return out, pos + 1
        if text[pos] == ",":
            pos += 1
            continue
        key, pos = _key(text, pos)
        pos = _ws(text, pos)
        if key is None or not text.startswith(":", pos):
            pos = _skip_expression(text, pos)
            continue
        start = _ws(text, pos + 1)
        value, pos = parse_js_value(text, start, depth + 1)
        out[key] = Value(value, start)


def _key(text: str, pos: int) -> tuple[str | None, int]:
    if text[pos] in "\"'":
        value, end = _string(text, pos)
        return value, end
    m = _IDENT.match(text, pos) or _NUMBER.match(text, pos)
    return (m.group(0), m.end()) if m else (None, pos)


def _array(text: str, pos: int, depth: int) -> tuple[list, int]:
    out: list = []
    pos += 1
    while True:
        pos = _ws(text, pos)
        if pos >= len(text):
            return out, pos
        if text[pos] == "]":
            return out, pos + 1
        if text[pos] == ",":
            pos += 1
            continue
        value, new = parse_js_value(text, pos, depth + 1)
        out.append(value)
        pos = max(new, pos + 1) if new < len(text) and text[new] not in ",]" else new


_OPEN, _CLOSE = "([{", ")]}"


def _skip_expression(text: str, pos: int) -> int:
    """Advance to the next ``,`` or unmatched closer at depth 0 (strings respected)."""
    depth = 0
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in "\"'`":
            m = _JS_TOKEN.match(text, pos)
            pos += len(m.group(0)) if m else 1
            continue
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return pos
            depth -= 1
        elif ch == "," and depth == 0:
            return pos
        pos += 1
    return pos


_INTERP = re.compile(r"\$(?:\$|\{(\w+)(?:(:?[-?])([^}]*))?\}|([A-Za-z_]\w*))")


def interpolate(text: str, lookup: Callable[[str], str | None]) -> tuple[str, list[str], list[str]]:
    """Expand ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}`` and ``$VAR`` (compose rules).

    Returns ``(text, names used, names missing)``; a missing variable becomes "".

    >>> interpolate("$$x $Y", lambda n: None)
    ('$x ', [], ['Y'])
    """
    used: list[str] = []
    missing: list[str] = []

    def one(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(4)
        op, default = m.group(2), m.group(3) or ""
        value = lookup(name)
        if value is not None and not (op == ":-" and value == ""):
            used.append(name)
            return value
        if op in (":-", "-"):
            return default
        missing.append(name)
        return ""
    return _INTERP.sub(one, text), used, missing


def key_values(text: str, seps: str = "=:") -> list[tuple[str, str, int]]:
    """Read a Java-properties-like file: ``key = value`` lines, ``#``/``!`` comments.

    >>> key_values("# c\\nflyway.url = jdbc:x\\nuser: me")
    [('flyway.url', 'jdbc:x', 2), ('user', 'me', 3)]
    """
    out = []
    pattern = re.compile(r"\s*([^\s%s]+)\s*[%s]\s*(.*?)\s*$" % (re.escape(seps), re.escape(seps)))
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("#", "!", ";")):
            continue
        m = pattern.match(line)
        if m:
            out.append((m.group(1), m.group(2), n))
    return out
