"""The Redis cell language: one command per line, parsed into operations before
anything touches Redis; a mistake is a :class:`~dbwork.errors.ParseError` with its line
and column. ``#`` or ``--`` starts a comment line. Keywords are case-insensitive; a
pattern or field with spaces is written in double quotes.

=============================================================  ==========================
command                                                        what it does
=============================================================  ==========================
``RENAME PATTERN user:*:profile TO profile:{1}``               rename keys; ``{n}`` is the n-th ``*``
``CONVERT user:* FROM json TO hash``                           json<->hash, list->set, list<->stream, set->list
``EXPIRE PATTERN session:* 3600``                              set a TTL (seconds)
``PERSIST PATTERN session:*``                                  clear the TTL
``MOVE PATTERN cache:* TO DB 2``                               move keys to another database
``RENAME FIELD user:* name TO full_name``                      rename a hash field
``SPLIT FIELD user:* name INTO first,last SEPARATOR " "``      split a hash field's value
``DELETE PATTERN tmp:*``                                       delete keys (asks allow_data_loss)
=============================================================  ==========================

dbwork itself writes two more, into plans and migration files:
``BACKUP INTO <backup> FOR <command>`` and ``RESTORE FROM <backup> FOR <pattern>``.

>>> [op.describe() for op in parse_commands("RENAME PATTERN user:*:profile TO profile:{1}")]
['rename keys user:*:profile to profile:{1}']
>>> parse_commands("\\nEXPIRE PATTERN session:* soon")
Traceback (most recent call last):
...
dbwork.errors.ParseError: EXPIRE PATTERN needs a whole number of seconds, not 'soon' (line 2, column 26)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ...errors import ParseError
from . import ops as o
from .keys import KeyGlob, template_refs

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')
_FIELD = re.compile(r"^[^\s,]+$")
MAX_TTL = 2**31 - 1


@dataclass(frozen=True)
class Token:
    text: str     # unquoted
    column: int   # 1-based, in the original line
    quoted: bool = False

    @property
    def word(self) -> str:
        return "" if self.quoted else self.text.upper()


class _Line:
    """The tokens of one command line, read left to right, with errors that point."""

    def __init__(self, text: str, line: int):
        self.text, self.line, self.pos = text, line, 0
        self.tokens = [_token(m) for m in _TOKEN.finditer(text)]

    def error(self, message: str, token: Token | None = None) -> ParseError:
        column = token.column if token else len(self.text.rstrip()) + 1
        return ParseError(message, self.line, column, self.text.strip())

    def next(self, what: str) -> Token:
        if self.pos >= len(self.tokens):
            raise self.error(f"{what} is missing")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def keyword(self, *words: str) -> str:
        token = self.next(" or ".join(words))
        if token.word not in words:
            raise self.error(f"expected {' or '.join(words)}, not {token.text!r}", token)
        return token.word

    def peek_word(self) -> str:
        return self.tokens[self.pos].word if self.pos < len(self.tokens) else ""

    def end(self) -> None:
        if self.pos < len(self.tokens):
            extra = self.tokens[self.pos]
            raise self.error(f"unexpected {extra.text!r} after the command", extra)

    def rest(self) -> tuple[str, int]:
        """The text from the current token on (and its column)."""
        if self.pos >= len(self.tokens):
            raise self.error("a command is missing")
        start = self.tokens[self.pos].column
        self.pos = len(self.tokens)
        return self.text[start - 1:], start


def _token(m: re.Match) -> Token:
    raw = m.group(0)
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        return Token(json.loads(raw), m.start() + 1, True)
    return Token(raw, m.start() + 1)


def as_token(text: str) -> str:
    """A pattern or name as a token: bare when it can be, else in double quotes.

    >>> as_token("user:*"), as_token("a b")
    ('user:*', '"a b"')
    """
    if text and not re.search(r'[\s"]', text) and not text.startswith("--"):
        return text
    return json.dumps(text)


def split_commands(text: str | None, first_line: int = 1) -> list[str]:
    """The command lines of ``text`` (comments and blank lines left out)."""
    return [_unterminated(line).strip() for line in (text or "").splitlines()
            if _is_command(line)]


def _unterminated(text: str) -> str:
    stripped = text.rstrip()
    return stripped[:-1] if stripped.endswith(";") else text


def _is_command(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith(("#", "--"))


def parse_commands(text: str | None, first_line: int = 1) -> list:
    """Every command of ``text`` as an operation (or ParseError, naming line and column)."""
    out = []
    for n, line in enumerate((text or "").splitlines(), start=first_line):
        if _is_command(line):
            out.append(parse_line(line, n))
    return out


def parse_line(text: str, line: int = 1):
    """One command line as an operation (a trailing ``;``, as migration files end each
    statement, is left out)."""
    cur = _Line(_unterminated(text), line)
    verb = cur.next("a command")
    parser = _COMMANDS.get(verb.word)
    if parser is None:
        known = ", ".join(sorted(_COMMANDS))
        raise cur.error(f"unknown command {verb.text!r} (known: {known})", verb)
    op = parser(cur)
    cur.end()
    return op


# -- the commands ---------------------------------------------------------------------
def _glob(cur: _Line) -> str:
    token = cur.next("a key pattern")
    if token.word in ("TO", "FROM", "INTO", "FOR") and not token.quoted:
        raise cur.error(f"a key pattern is missing before {token.text}", token)
    if token.text.startswith("_dbwork"):
        raise cur.error("keys starting with _dbwork are dbwork's own (history, lock, "
                        "backups)", token)
    if not token.text:
        raise cur.error("the key pattern is empty", token)
    return token.text


def _name(cur: _Line, what: str) -> str:
    token = cur.next(what)
    if not token.text or not _FIELD.match(token.text) and not token.quoted:
        raise cur.error(f"{what} {token.text!r} is not a name", token)
    return token.text


def _whole(cur: _Line, what: str, low: int, high: int) -> int:
    token = cur.next(what)
    if not re.fullmatch(r"\d+", token.text) or not low <= int(token.text) <= high:
        raise cur.error(f"{what} must be a whole number of {low}..{high}, "
                        f"not {token.text!r}" if re.fullmatch(r"\d+", token.text) else
                        f"{_VERB_OF[what]} needs {what}, not {token.text!r}", token)
    return int(token.text)


_VERB_OF = {"a whole number of seconds": "EXPIRE PATTERN",
            "a database number": "MOVE PATTERN"}


def _rename(cur: _Line):
    what = cur.keyword("PATTERN", "FIELD")
    if what == "FIELD":
        pattern = _glob(cur)
        old = _name(cur, "the field to rename")
        cur.keyword("TO")
        return o.RenameField(pattern, old, _name(cur, "the new field name"))
    pattern = _glob(cur)
    cur.keyword("TO")
    token = cur.next("the new key template")
    _check_template(cur, pattern, token)
    return o.RenamePattern(pattern, token.text)


def _check_template(cur: _Line, pattern: str, token: Token) -> None:
    stars = KeyGlob(pattern).stars
    refs = template_refs(token.text)
    for n, offset in refs:
        if not 1 <= n <= stars:
            raise ParseError(f"{{{n}}} names no * of {pattern} (it has {stars})", cur.line,
                             token.column + offset + (1 if token.quoted else 0),
                             cur.text.strip())
    missing = sorted(set(range(1, stars + 1)) - {n for n, _ in refs})
    if missing:
        raise cur.error(f"the template leaves out {', '.join('{%d}' % n for n in missing)}: "
                        "keys that differ only there would get one name", token)
    if KeyGlob(pattern).regex.fullmatch(token.text.encode()) and not refs:
        raise cur.error("the template is the pattern itself", token)


def _convert(cur: _Line):
    pattern = _glob(cur)
    cur.keyword("FROM")
    source = _format(cur)
    cur.keyword("TO")
    target_token = cur.tokens[cur.pos] if cur.pos < len(cur.tokens) else None
    target = _format(cur)
    if (source, target) not in o.CONVERSIONS:
        known = ", ".join(f"{a}->{b}" for a, b in sorted(o.CONVERSIONS))
        raise cur.error(f"cannot convert {source} to {target} (known: {known})", target_token)
    return o.ConvertValues(pattern, source, target)


def _format(cur: _Line) -> str:
    token = cur.next("a value format")
    if token.text.lower() not in o.FORMATS:
        raise cur.error(f"unknown value format {token.text!r} (known: "
                        f"{', '.join(o.FORMATS)})", token)
    return token.text.lower()


def _expire(cur: _Line):
    cur.keyword("PATTERN")
    pattern = _glob(cur)
    return o.ExpirePattern(pattern, _whole(cur, "a whole number of seconds", 1, MAX_TTL))


def _persist(cur: _Line):
    cur.keyword("PATTERN")
    return o.PersistPattern(_glob(cur))


def _move(cur: _Line):
    cur.keyword("PATTERN")
    pattern = _glob(cur)
    cur.keyword("TO")
    cur.keyword("DB")
    return o.MovePattern(pattern, _whole(cur, "a database number", 0, 10_000))


def _split(cur: _Line):
    cur.keyword("FIELD")
    pattern = _glob(cur)
    field = _name(cur, "the field to split")
    cur.keyword("INTO")
    names: list[str] = []
    while cur.pos < len(cur.tokens) and cur.peek_word() != "SEPARATOR":
        token = cur.next("the new fields")
        names += [n for n in token.text.split(",") if n]
    if len(names) < 2:
        raise cur.error("SPLIT FIELD needs two or more new fields: INTO first,last")
    if len(set(names)) != len(names) or field in names:
        raise cur.error("the new fields must differ from each other and from the field")
    separator = " "
    if cur.peek_word() == "SEPARATOR":
        cur.next("SEPARATOR")
        token = cur.next("the separator")
        if not token.text:
            raise cur.error("the separator is empty", token)
        separator = token.text
    return o.SplitField(pattern, field, tuple(names), separator)


def _delete(cur: _Line):
    cur.keyword("PATTERN")
    return o.DeletePattern(_glob(cur))


def _backup(cur: _Line):
    cur.keyword("INTO")
    backup = cur.next("the backup's name").text
    cur.keyword("FOR")
    text, column = cur.rest()
    op = parse_line(" " * (column - 1) + text, cur.line)
    return o.BackupKeys(op, backup)


def _restore(cur: _Line):
    cur.keyword("FROM")
    backup = cur.next("the backup's name").text
    cur.keyword("FOR")
    return o.RestoreKeys(cur.next("a key pattern").text, backup)


_COMMANDS = {"RENAME": _rename, "CONVERT": _convert, "EXPIRE": _expire, "PERSIST": _persist,
             "MOVE": _move, "SPLIT": _split, "DELETE": _delete, "BACKUP": _backup,
             "RESTORE": _restore}
