"""The cell language every SQL backend shares: statements parsed with sqlglot into typed
operations (:func:`dbwork.parse.sql.parse_sql`), split at top-level semicolons.

A backend names its language in its spec (``language="dbwork.parse.language:SQL"``);
the Workbench only calls these three methods, whatever the language.

>>> from dbwork.dialects import get_dialect
>>> SQL.split("CREATE TABLE a (id INT); DROP TABLE b;", get_dialect("sqlite"))
['CREATE TABLE a (id INT)', 'DROP TABLE b']
"""
from __future__ import annotations

from typing import Protocol


class CellLanguage(Protocol):
    """What the Workbench asks of a backend's cell language."""

    def parse(self, text: str, dialect, schema, *, first_line: int = 1, source=None,
              allow_raw: bool = False): ...
    def split(self, text: str, dialect, first_line: int = 1) -> list[str]: ...
    def statement_ops(self, statements: list[str], dialect, schema) -> list: ...


class SqlLanguage:
    """SQL as the engines take it; DML (INSERT, UPDATE, DELETE) is allowed in cells."""

    comment = "--"            # the line comment a migration file is headed with
    file_extension = ".sql"

    def parse(self, text, dialect, schema, *, first_line=1, source=None, allow_raw=False):
        from .sql import parse_sql
        return parse_sql(text, dialect, schema, first_line=first_line, source=source,
                         allow_raw=allow_raw, allow_dml=True)

    def split(self, text, dialect, first_line=1):
        from .cell import split_statements
        return [st.text for st in split_statements(text, dialect.sqlglot, first_line)]

    def statement_ops(self, statements, dialect, schema):
        """The typed operations of rendered statements, read as one script (a table
        rebuild spans several statements)."""
        from ..migration import terminate
        from .sql import parse_sql
        text = "\n".join(terminate(x) for x in statements)
        return list(parse_sql(text, dialect, schema, allow_raw=True, allow_dml=True).ops)


SQL = SqlLanguage()
