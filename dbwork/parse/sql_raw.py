"""Statements dbwork runs as written (code blocks, views, functions, triggers, grants,
policies) and the inverse it can state for some of them. Pure; called by
:mod:`dbwork.parse.sql` for trees its main dispatch does not model.

An inverse is generated only where it is certain: ``CREATE VIEW v`` -> ``DROP VIEW v``,
``CREATE FUNCTION f(a int)`` -> ``DROP FUNCTION f(a int)``, ``CREATE TRIGGER t ... ON x``
-> ``DROP TRIGGER t ON x``, ``CREATE EXTENSION e`` -> ``DROP EXTENSION e``. ``CREATE OR
REPLACE`` has none (the rollback cannot bring back what it replaced); such a statement,
a ``DO`` block, a grant or a policy needs an explicit ``-- migrate:down`` or
``irreversible=True`` (the migration is then recorded as forward-only).

>>> from dbwork.dialects import get_dialect
>>> pg = get_dialect("postgresql")
>>> inverse_of("CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer AS $$ SELECT a + b $$ LANGUAGE sql", pg)
'DROP FUNCTION add(a integer, b integer)'
>>> inverse_of('CREATE TRIGGER "tr" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION f()', pg)
'DROP TRIGGER "tr" ON "User"'
>>> inverse_of("CREATE MATERIALIZED VIEW mv AS SELECT 1", pg), inverse_of("CREATE OR REPLACE VIEW v AS SELECT 1", pg)
('DROP MATERIALIZED VIEW mv', None)
"""
from __future__ import annotations

import re

from sqlglot import exp

_NAME = r'(?:"(?:[^"]|"")+"|`[^`]+`|[\w$]+)'
_QNAME = rf"{_NAME}(?:\s*\.\s*{_NAME})?"
_FUNCTION = re.compile(rf"^\s*CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\s+({_QNAME})\s*\(",
                       re.I | re.S)
_TRIGGER = re.compile(
    rf"^\s*CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER\s+({_QNAME})\s.*?\bON\s+({_QNAME})",
    re.I | re.S)
_VIEW = re.compile(rf"^\s*CREATE\s+(OR\s+REPLACE\s+)?(MATERIALIZED\s+)?VIEW\s+"
                   rf"(IF\s+NOT\s+EXISTS\s+)?({_QNAME})", re.I | re.S)
_EXTENSION = re.compile(
    rf"^\s*CREATE\s+EXTENSION\s+(IF\s+NOT\s+EXISTS\s+)?({_NAME})"
    rf"(?:\s+WITH)?(?:\s+SCHEMA\s+({_NAME}))?(?:\s+VERSION\s+'([^']*)')?(\s+CASCADE)?\s*;?\s*$",
    re.I | re.S)
_DROP_EXTENSION = re.compile(rf"^\s*DROP\s+EXTENSION\s+(IF\s+EXISTS\s+)?({_NAME})\s*;?\s*$",
                             re.I | re.S)
# kinds of statement dbwork runs as written: a code block or an object it does not model
RAW_KINDS = re.compile(
    r"^\s*(DO\b|CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?(FUNCTION|PROCEDURE|TRIGGER|"
    r"(MATERIALIZED\s+)?VIEW|POLICY|SEQUENCE|SCHEMA|AGGREGATE|DOMAIN|RULE|ROLE|"
    r"PUBLICATION|STATISTICS|OPERATOR|CAST|COLLATION|TEXT\s+SEARCH|EXTENSION)\b|"
    r"(ALTER|DROP)\s+(FUNCTION|PROCEDURE|TRIGGER|(MATERIALIZED\s+)?VIEW|POLICY|SEQUENCE|"
    r"SCHEMA|AGGREGATE|DOMAIN|RULE|ROLE|PUBLICATION|EXTENSION|DEFAULT\s+PRIVILEGES)\b|"
    r"REFRESH\s+MATERIALIZED|GRANT\b|REVOKE\b|COMMENT\s+ON\b|SET\b|SELECT\b|CALL\b|"
    r"LOCK\b|NOTIFY\b|"
    r"ALTER\s+TABLE\s+.*\b(ROW\s+LEVEL\s+SECURITY|OWNER\s+TO|REPLICA\s+IDENTITY|"
    r"(ENABLE|DISABLE)\s+TRIGGER|SET\s+\(|INHERIT|ATTACH|DETACH)\b)", re.I | re.S)


def is_raw_kind(text: str) -> bool:
    """True for statements that are code or objects dbwork does not model (run as
    written, forward-only without a down section), rather than a typo.

    >>> is_raw_kind("DO $$ BEGIN END $$"), is_raw_kind("CREATE TABLEE t (a int)")
    (True, False)
    """
    return bool(RAW_KINDS.match(_strip_comments(text)))


def extension_op(text: str, dialect):
    """CreateExtension / DropExtension for the statement, or None."""
    from ..ops.raw_ops import CreateExtension, DropExtension
    text = _strip_comments(text)
    m = _EXTENSION.match(text)
    if m and not m.group(5):
        return CreateExtension(_unquote(m.group(2)), _unquote(m.group(3)) if m.group(3) else None,
                               m.group(4)), bool(m.group(1))
    m = _DROP_EXTENSION.match(text)
    if m:
        return DropExtension(_unquote(m.group(2))), bool(m.group(1))
    return None


def inverse_of(text: str, dialect, tree=None) -> str | None:
    """The statement that undoes ``text`` when it is certain, else None."""
    text = _strip_comments(text).rstrip().rstrip(";")
    m = _VIEW.match(text)
    if m and isinstance(tree, (exp.Create, type(None))):
        if m.group(1) or m.group(3):
            return None
        return f"DROP {'MATERIALIZED ' if m.group(2) else ''}VIEW {m.group(4)}"
    m = _FUNCTION.match(text)
    if m:
        if m.group(1):
            return None
        args = _balanced(text, m.end() - 1)
        if args is None:
            return None
        return f"DROP {m.group(2).upper()} {m.group(3)}({_signature(args, dialect)})"
    m = _TRIGGER.match(text)
    if m:
        if m.group(1):
            return None
        if not dialect.drop_trigger_on_table:
            return f"DROP TRIGGER {m.group(3)}"
        return f"DROP TRIGGER {m.group(3)} ON {m.group(4)}"
    return None


def _signature(args: str, dialect) -> str:
    """Argument list for DROP FUNCTION: each argument without its DEFAULT (MySQL's DROP
    takes no argument list)."""
    if not dialect.drop_routine_signature:
        return ""
    parts = [re.split(r"\s+DEFAULT\s+|\s*=\s*", a.strip(), maxsplit=1, flags=re.I)[0]
             for a in _split_top(args)]
    return ", ".join(p for p in parts if p)


def _balanced(text: str, open_at: int) -> str | None:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i]
    return None


def _split_top(args: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in args:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + ([cur] if cur.strip() else [])


def _strip_comments(text: str) -> str:
    """Leading ``--`` and ``/* */`` comments removed (a statement's own text follows)."""
    while True:
        t = text.lstrip()
        if t.startswith("--"):
            text = t.split("\n", 1)[1] if "\n" in t else ""
        elif t.startswith("/*") and "*/" in t:
            text = t.split("*/", 1)[1]
        else:
            return t


def _unquote(name: str) -> str:
    if name[:1] in '"`' and name[-1:] == name[:1]:
        return name[1:-1].replace(name[0] * 2, name[0])
    return name
