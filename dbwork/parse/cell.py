"""A cell's text: split into up and down sections and into statements, with positions.

>>> c = split_cell("CREATE TABLE t (id INT);\\n-- migrate:down\\nDROP TABLE t;")
>>> c.up.strip(), c.down.strip(), c.down_line
('CREATE TABLE t (id INT);', 'DROP TABLE t;', 3)
>>> split_cell("-- +goose Up\\nCREATE TABLE t (id INT);\\n-- +goose Down\\nDROP TABLE t;").down.strip()
'DROP TABLE t;'
>>> [s.text for s in split_statements("SELECT 1; SELECT ';';", "sqlite")]
['SELECT 1', "SELECT ';'"]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot.errors import TokenError
from sqlglot.tokens import Tokenizer, TokenType
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from ..errors import ConfigError, ParseError

# dbmate's markers, and goose's (``-- +goose Up`` / ``-- +goose Down``)
_DOWN = re.compile(r"^\s*(--|//)\s*(migrate:down|\+goose\s+down)\b[^\n]*$", re.I | re.M)
_UP = re.compile(r"^\s*(--|//)\s*(migrate:up|\+goose\s+up)\b[^\n]*$", re.I | re.M)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,99}$")


@dataclass(frozen=True)
class Cell:
    up: str
    down: str | None
    up_line: int = 1      # line in the cell where the up text starts
    down_line: int = 0    # line where the down text starts (0: none)


@dataclass(frozen=True)
class Statement:
    text: str
    line: int      # 1-based line in the cell
    column: int    # 1-based column of the first character


def validate_name(name: str) -> str:
    """A migration name becomes part of a file name: letters, digits, _ and - only."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):  # match() allows a final \n
        raise ConfigError(
            f"invalid migration name {name!r}: use letters, digits, '_' or '-' "
            "(starting with a letter, at most 100 characters; no quotes, slashes or dots)")
    return name


def split_cell(text: str) -> Cell:
    """Separate the up section from an optional ``-- migrate:down`` section."""
    if text is None or not text.strip():
        raise ParseError("the migration is empty: write at least one statement")
    up_line = 1
    m_up = _UP.search(text)
    if m_up:
        up_line = text.count("\n", 0, m_up.end()) + 2
        text_up_start = m_up.end() + 1
    else:
        text_up_start = 0
    m_down = _DOWN.search(text)
    if not m_down:
        return Cell(text[text_up_start:], None, up_line)
    up = text[text_up_start:m_down.start()]
    down_line = text.count("\n", 0, m_down.end()) + 2
    down = text[m_down.end() + 1:]
    if not up.strip():
        raise ParseError("the migration has no statements before '-- migrate:down'")
    return Cell(up, down, up_line, down_line)


def split_statements(text: str, dialect: str | None, first_line: int = 1) -> list[Statement]:
    """Statements separated by top-level semicolons (strings and comments respected)."""
    try:
        tokens = _tokenizer(dialect).tokenize(text)
    except TokenError:
        line = _unterminated_line(text)
        raise ParseError("malformed SQL: an unterminated string, quoted name or comment",
                         line + first_line - 1 if line else None, 1 if line else None) from None
    out, start = [], None
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            if start is not None:
                out.append(_statement(text, start, tok.start, first_line))
            start = None
        elif start is None:
            start = tok
    if start is not None:
        out.append(_statement(text, start, len(text), first_line))
    return out


def _unterminated_line(text: str) -> int | None:
    """The line where a quote opens and never closes (a best effort for the message)."""
    quote, start = None, None
    for i, ch in enumerate(text):
        if quote is None and ch in "'\"`":
            quote, start = ch, i
        elif ch == quote:
            quote = None
    return text.count("\n", 0, start) + 1 if quote is not None else None


def _statement(text, first_tok, end, first_line) -> Statement:
    begin = _token_begin(text, first_tok)
    line = text.count("\n", 0, begin) + first_line
    col = begin - (text.rfind("\n", 0, begin) + 1) + 1
    return Statement(text[begin:end].strip(), line, col)


def _token_begin(text: str, tok) -> int:
    # token.start points at the first character, except for quoted tokens where sqlglot
    # reports the inner text: walk back over an opening quote
    begin = tok.start
    if begin > 0 and text[begin - 1] in "'\"`[":
        begin -= 1
    return begin


def _tokenizer(dialect: str | None) -> Tokenizer:
    if dialect:
        return SqlglotDialect.get_or_raise(dialect).tokenizer_class()
    return Tokenizer()
