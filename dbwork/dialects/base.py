"""What a dialect is: capability flags plus a few overrides, nothing else.

A backend is added with one file here that builds a :class:`Dialect`, plus one small
module in introspect/, render/ and execute/locks under the same name.

>>> from dbwork.dialects import get_dialect
>>> get_dialect("postgresql").transactional_ddl
True
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dialect:
    name: str                      # our name, also the module name in every layer
    sqlglot: str | None            # sqlglot reader/writer name (None: not SQL)
    alembic: str | None            # SQLAlchemy/Alembic dialect name
    transactional_ddl: bool        # can DDL and the history row commit together?
    lock: str                      # how apply/rollback are serialised
    family: str = "sql"            # "sql" or "document"
    native_alter: bool = True      # False: ALTERs are table rebuilds (SQLite)
    concurrent_index: bool = False
    # neutral type -> type text this dialect writes (identity when absent)
    type_names: dict[str, str] = field(default_factory=dict)
    # type text this dialect reports -> neutral type (applied after sqlglot's parse)
    type_aliases: dict[str, str] = field(default_factory=dict)
    # sqlglot type names this dialect keeps as they are instead of folding them into a
    # neutral family name (MySQL's LONGBLOB is not a BLOB: folding it loses values)
    native_types: frozenset = frozenset()
    can_run_here: bool = True      # False: render only (SQL Server)
    note: str = ""
