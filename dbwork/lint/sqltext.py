"""What a raw statement is, read from sqlglot's tree (not from a regex) (pure).

>>> from dbwork.dialects import get_dialect
>>> statement_kind("DELETE FROM t", get_dialect("sqlite"))
'delete'
>>> has_where("UPDATE t SET a = 1 WHERE id = 2", get_dialect("sqlite"))
True
"""
from __future__ import annotations

import logging

import sqlglot
from sqlglot import exp

from ..dialects.base import fold_unquoted

_KINDS = ((exp.Update, "update"), (exp.Delete, "delete"), (exp.Insert, "insert"),
          (exp.TruncateTable, "truncate"), (exp.Set, "set"), (exp.Transaction, "begin"),
          (exp.Commit, "commit"), (exp.Rollback, "commit"), (exp.Drop, "drop"),
          (exp.Create, "create"), (exp.Alter, "alter"), (exp.Select, "select"))
_DDL = {"drop", "create", "alter", "truncate", "command"}
_DML = {"update", "delete", "insert"}


def tree(sql: str, dialect) -> exp.Expression | None:
    """sqlglot's tree for one statement (None when it cannot be read at all)."""
    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.ERROR)  # "falling back to Command" is expected here
    try:
        return fold_unquoted(sqlglot.parse_one(sql, read=dialect.sqlglot), dialect)
    except Exception:
        return None
    finally:
        log.setLevel(level)


def statement_kind(sql: str, dialect) -> str:
    """update, delete, insert, truncate, set, begin, commit, drop, create, alter,
    select, command (not understood) or unknown."""
    t = tree(sql, dialect)
    if t is None:
        return "unknown"
    if isinstance(t, exp.Command):
        return "command"
    for cls, name in _KINDS:
        if isinstance(t, cls):
            return name
    return "command"


def is_ddl(sql: str, dialect) -> bool:
    return statement_kind(sql, dialect) in _DDL


def is_dml(sql: str, dialect) -> bool:
    return statement_kind(sql, dialect) in _DML


def has_where(sql: str, dialect) -> bool:
    t = tree(sql, dialect)
    return t is not None and t.args.get("where") is not None


def command_words(sql: str, dialect) -> str:
    """For a statement sqlglot keeps as a Command: its text, upper-cased, one space."""
    t = tree(sql, dialect)
    if isinstance(t, exp.Command):
        rest = t.expression.sql() if isinstance(t.expression, exp.Expression) else str(
            t.expression or "")
        return " ".join(f"{t.this} {rest}".upper().split())
    return ""


def set_names(sql: str, dialect) -> set[str]:
    """Settings a SET statement changes (lower case)."""
    t = tree(sql, dialect)
    out: set[str] = set()
    if isinstance(t, exp.Set):
        for item in t.expressions:
            eq = item.this if isinstance(item, exp.SetItem) else item
            left = eq.this if isinstance(eq, exp.EQ) else eq
            if isinstance(left, exp.Expression):
                out.add(left.sql().lower().strip('"'))
    return out


def target_table(sql: str, dialect) -> str | None:
    t = tree(sql, dialect)
    if t is None:
        return None
    node = t.this if isinstance(t, (exp.Update, exp.Delete, exp.Insert)) else None
    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, exp.Table):
        return node.name
    found = t.find(exp.Table)
    return found.name if found is not None else None
