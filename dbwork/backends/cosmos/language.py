"""Cosmos DB's cell language (the commands are listed in :mod:`.parse`).

>>> from dbwork.dialects import get_dialect
>>> COSMOS.split("-- a comment\\nDROP CONTAINER a\\n\\nDROP CONTAINER b", get_dialect("cosmos"))
['DROP CONTAINER a', 'DROP CONTAINER b']
"""
from __future__ import annotations

import json


class CosmosLanguage:
    """Commands parsed into container and item operations."""

    comment = "--"
    file_extension = ".cosmos"

    def parse(self, text, dialect, schema, *, first_line=1, source=None, allow_raw=False):
        from .parse import parse_commands
        return parse_commands(text, schema, first_line=first_line)

    def split(self, text, dialect, first_line=1):
        return [line.strip() for line in (text or "").splitlines()
                if line.strip() and not line.strip().startswith(("--", "#"))]

    def statement_ops(self, statements, dialect, schema):
        """The operations that lose data among rendered commands (a container drop)."""
        from ...ops.document_ops import DropCollection
        out = []
        for statement in statements:
            text = statement.strip()
            command = json.loads(text) if text.startswith("{") else {}
            name = command.get("deleteContainer")
            if name and schema.has_collection(name):
                out.append(DropCollection(schema.collection(name)))
        return out


COSMOS = CosmosLanguage()
