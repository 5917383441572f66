"""Key patterns (pure): Redis glob patterns as regular expressions with one capture per
``*``, target templates (``profile:{1}``), and the summary patterns introspection
groups keys under.

>>> glob = KeyGlob("user:*:profile")
>>> glob.stars, glob.rename(b"user:42:profile", "profile:{1}")
(1, b'profile:42')
>>> glob.matches(b"user:42:settings")
False
>>> summary_pattern(b"user:42:profile"), summary_pattern(b"cache:home")
('user:*:profile', 'cache:home')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

INTERNAL_PREFIX = b"_dbwork"          # dbwork's own keys: history, events, lock, backups
_TEMPLATE_REF = re.compile(r"\{(\d+)\}")
_ID_LIKE = re.compile(r"^(?=.*\d)[0-9A-Za-z_\-.]+$|^[0-9a-fA-F\-]{8,}$")


@dataclass(frozen=True)
class KeyGlob:
    """A Redis glob (``*``, ``?``, ``[abc]``, ``\\`` escapes) as SCAN's MATCH takes it."""

    text: str

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(glob_regex(self.text).encode(), re.S)

    @property
    def stars(self) -> int:
        """How many ``*`` wildcards it has (what ``{1}``..``{n}`` in a template name)."""
        return glob_regex(self.text).count("(.*)")

    def matches(self, key: bytes) -> bool:
        return self.regex.fullmatch(key) is not None and not is_internal(key)

    def rename(self, key: bytes, template: str) -> bytes:
        """The new name of ``key`` under ``template`` (``{n}``: the n-th ``*``'s text)."""
        found = self.regex.fullmatch(key)
        if found is None:
            raise ValueError(f"{key!r} does not match {self.text}")
        parts = re.split(r"(\{\d+\})", template)
        out = b""
        for part in parts:
            ref = _TEMPLATE_REF.fullmatch(part)
            out += found.group(int(ref.group(1))) if ref else part.encode()
        return out


def glob_regex(pattern: str) -> str:
    """The regular expression for a Redis glob; each ``*`` a capture group.

    >>> glob_regex("a*b?[xy]\\\\*")
    'a(.*)b.[xy]\\\\*'
    """
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append("(.*)")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1:end]
                body = "^" + body[1:] if body.startswith("^") else body
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def template_refs(template: str) -> list[tuple[int, int]]:
    """``(n, offset)`` of every ``{n}`` in a target template."""
    return [(int(m.group(1)), m.start()) for m in _TEMPLATE_REF.finditer(template)]


def is_internal(key: bytes) -> bool:
    return key.startswith(INTERNAL_PREFIX)


def summary_pattern(key: bytes) -> str:
    """The pattern introspection files ``key`` under: ``:``-separated segments that look
    like an id (they hold a digit, or are long hex) become ``*``."""
    text = key.decode("utf-8", "backslashreplace")
    return ":".join("*" if _ID_LIKE.match(seg) else seg for seg in text.split(":"))
