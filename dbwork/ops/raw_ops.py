"""Extensions as operations: ``CREATE EXTENSION`` knows its inverse, ``DROP EXTENSION``.

PostgreSQL only; the schema model does not track extensions, so ``apply`` leaves it as
it is and the workbench asks the live database whether an extension is installed
already (a ``CREATE EXTENSION IF NOT EXISTS`` of one that is there is skipped, so its
rollback never drops an extension the migration did not create).

>>> from dbwork.dialects import get_dialect
>>> op = CreateExtension("pg_trgm", schema="public")
>>> op.statement(get_dialect("postgresql")), op.reverse().statement(get_dialect("postgresql"))
('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public', 'DROP EXTENSION IF EXISTS pg_trgm')
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnsupportedError
from .schema_ops import ADDITIVE, DESTRUCTIVE, Operation


def _check(dialect) -> None:
    if not dialect.extensions:
        raise UnsupportedError(f"extensions are PostgreSQL's; {dialect.name} has none "
                               "(CREATE EXTENSION cannot run there)")


@dataclass(frozen=True)
class CreateExtension(Operation):
    """Install extension ``name`` (optionally into ``schema``, at ``version``)."""

    name: str
    schema: str | None = None
    version: str | None = None
    kind = ADDITIVE

    def apply(self, schema):
        return schema.with_extensions(schema.extensions | {self.name})

    def reverse(self) -> "DropExtension":
        return DropExtension(self.name, self.schema, self.version)

    def describe(self) -> str:
        return f"create extension {self.name}"

    def tables(self):
        return ()

    def statement(self, dialect) -> str:
        _check(dialect)
        out = f"CREATE EXTENSION IF NOT EXISTS {dialect.quote(self.name)}"
        if self.schema:
            out += f" SCHEMA {dialect.quote(self.schema)}"
        if self.version:
            out += " VERSION '" + self.version.replace("'", "''") + "'"
        return out


@dataclass(frozen=True)
class DropExtension(Operation):
    """Remove extension ``name``; carries where it lived so the rollback re-creates it.
    (Objects that depend on it make PostgreSQL refuse: nothing is dropped by CASCADE.)"""

    name: str
    schema: str | None = None
    version: str | None = None
    kind = DESTRUCTIVE

    def apply(self, schema):
        return schema.with_extensions(schema.extensions - {self.name})

    def reverse(self) -> CreateExtension:
        return CreateExtension(self.name, self.schema, self.version)

    def describe(self) -> str:
        return f"drop extension {self.name}"

    def tables(self):
        return ()

    def statement(self, dialect) -> str:
        _check(dialect)
        return f"DROP EXTENSION IF EXISTS {dialect.quote(self.name)}"


@dataclass(frozen=True)
class SessionStatement(Operation):
    """A statement whose effect ends with the migration's session: a temporary table
    made (``CREATE TEMP TABLE``, ``SELECT ... INTO TEMP``), filled or dropped. It is
    not part of the schema, so its rollback has nothing to undo.

    >>> op = SessionStatement("CREATE TEMP TABLE t AS SELECT 1", "t")
    >>> op.describe(), op.reverse().sql
    ('temporary table t (this session only): CREATE TEMP TABLE t AS SELECT 1', '')
    """

    sql: str
    temporary: str                 # the temporary table it makes, fills or drops
    touches: tuple[str, ...] = ()  # the schema's tables it reads
    kind = ADDITIVE

    def apply(self, schema):
        return schema

    def reverse(self) -> "SessionStatement":
        return SessionStatement("", self.temporary)

    def describe(self) -> str:
        if not self.sql:
            return f"nothing to undo: temporary table {self.temporary} ended with its session"
        first = " ".join(self.sql.split())
        first = first[:60] + "..." if len(first) > 63 else first
        return f"temporary table {self.temporary} (this session only): {first}"

    def tables(self):
        return self.touches
