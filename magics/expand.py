"""``{variable}`` expansion in ``%%migrate`` and ``%%lint`` cells.

A cell may name notebook variables in braces: ``ALTER TABLE {table} ADD COLUMN {column}
TEXT``. What expands, and what does not:

- ``{name}`` or ``{name.attr}`` whose root ``name`` is a notebook variable holding text or
  a number; braces around anything else (a mongosh ``{}``, ``{a: 1}``, an unknown name)
  are left as they are;
- never inside single-quoted strings, dollar-quoted bodies (``$$ ... $$``) or comments,
  so a JSON default ``'{"a": 1}'`` or a PostgreSQL array ``'{1,2}'`` stays intact;
- ``{{name}}`` is the escape: it leaves ``{name}`` in the cell;
- a value holding ``;``, a quote or a line break is refused: it would change the
  statement's structure rather than fill a name into it.

The migration records the expanded text, so its file and history say what ran.

>>> expand_variables("ALTER TABLE {t} ADD COLUMN n INT DEFAULT '{t}'", {"t": "posts"})
"ALTER TABLE posts ADD COLUMN n INT DEFAULT '{t}'"
>>> expand_variables("db.users.updateMany({}, {$set: {a: 1}})", {"a": 2})
'db.users.updateMany({}, {$set: {a: 1}})'
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Mapping

from IPython.core.error import UsageError

_PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}|\{([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)\}")
_SKIPPED = re.compile(r"'(?:[^']|'')*'?|--[^\n]*|/\*.*?(?:\*/|\Z)|(\$\w*\$).*?(?:\1|\Z)", re.S)
_UNSAFE = re.compile(r"[;'\"\n\r`]")


def expand_variables(text: str, namespace: Mapping[str, Any]) -> str:
    """``text`` with each ``{name}`` outside strings and comments filled from
    ``namespace`` (see the module's rules); raises UsageError for a value that cannot
    be filled in safely."""
    out, start = [], 0
    for skipped in _SKIPPED.finditer(text):
        out.append(_expand_code(text[start:skipped.start()], namespace))
        out.append(skipped.group(0))
        start = skipped.end()
    out.append(_expand_code(text[start:], namespace))
    return "".join(out)


def _expand_code(code: str, namespace: Mapping[str, Any]) -> str:
    def fill(match: re.Match) -> str:
        whole, root = match.group(0), match.group(1)
        if root is None:  # {{...}}: the escape, one pair of braces dropped
            return whole[1:-1]
        if root not in namespace:
            return whole
        return _text_of(whole, _lookup(namespace[root], match.group(2), whole))
    return _PLACEHOLDER.sub(fill, code)


def _lookup(value: Any, attrs: str, placeholder: str) -> Any:
    for attr in filter(None, attrs.split(".")):
        try:
            value = getattr(value, attr)
        except AttributeError:
            raise UsageError(f"{placeholder}: {type(value).__name__} has no "
                             f"attribute {attr!r}") from None
    return value


def _text_of(placeholder: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise UsageError(f"{placeholder} is a {type(value).__name__}: only text and "
                         "numbers expand into a cell")
    text = str(value)
    if _UNSAFE.search(text):
        raise UsageError(f"{placeholder} holds {text!r}: a ';', quote or line break would "
                         "change the statement, not fill a name in (write it in the cell)")
    return text
