"""MongoDB's cell language: mongosh-style commands (``db.createCollection(...)``,
``db.users.createIndex(...)``, ``db.runCommand({collMod: ...})``).

>>> from dbwork.dialects import get_dialect
>>> MONGOSH.split('db.createCollection("a")\\ndb.b.drop()', get_dialect("mongodb"))
['db.createCollection("a")', 'db.b.drop()']
"""
from __future__ import annotations


class MongoshLanguage:
    """Commands parsed into document operations (collections, validators, indexes)."""

    comment = "//"            # the line comment a migration file is headed with
    file_extension = ".js"

    def parse(self, text, dialect, schema, *, first_line=1, source=None, allow_raw=False):
        from .parse import parse_mongosh
        return parse_mongosh(text, schema, first_line=first_line, allow_raw=allow_raw)

    def split(self, text, dialect, first_line=1):
        from .parse import split_commands
        return split_commands(text, first_line)

    def statement_ops(self, statements, dialect, schema):
        """The operations that lose data among rendered commands (a collection drop)."""
        from .session import to_commands
        from ...ops.document_ops import DropCollection
        out = []
        for statement in statements:
            for command in to_commands(statement, getattr(schema, "database", "") or "db"):
                name = next(iter(command))
                if name == "drop" and schema.has_collection(command["drop"]):
                    out.append(DropCollection(schema.collections[command["drop"]]))
        return out


MONGOSH = MongoshLanguage()
