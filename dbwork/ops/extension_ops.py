"""PostgreSQL extensions as operations: ``CREATE EXTENSION`` and its inverse
``DROP EXTENSION``. A minimal pair for desired states that name extensions (a Prisma
datasource's ``extensions = [citext, pg_trgm]``); parsing ``CREATE EXTENSION`` out of
SQL files is the raw-statement work in dbwork.parse.

>>> from dbwork.model import Schema
>>> op = CreateExtension("citext")
>>> sorted(op.apply(Schema()).extensions), op.reverse().describe()
(['citext'], 'drop extension citext')
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ObjectExistsError, UnknownObjectError
from ..model.schema import Schema
from .schema_ops import ADDITIVE, DESTRUCTIVE, Operation


@dataclass(frozen=True)
class CreateExtension(Operation):
    name: str
    kind = ADDITIVE

    def apply(self, schema: Schema) -> Schema:
        if self.name in schema.extensions:
            raise ObjectExistsError("extension", self.name)
        return schema.with_extensions(schema.extensions | {self.name})

    def reverse(self):
        return DropExtension(self.name)

    def describe(self):
        return f"create extension {self.name}"

    def tables(self):
        return ()


@dataclass(frozen=True)
class DropExtension(Operation):
    """Drop an extension (objects of it that columns use make PostgreSQL refuse)."""

    name: str
    kind = DESTRUCTIVE

    def apply(self, schema: Schema) -> Schema:
        if self.name not in schema.extensions:
            raise UnknownObjectError("extension", self.name)
        return schema.with_extensions(schema.extensions - {self.name})

    def reverse(self):
        return CreateExtension(self.name)

    def describe(self):
        return f"drop extension {self.name}"

    def tables(self):
        return ()


EXTENSION_OPERATIONS = (CreateExtension, DropExtension)
