"""DynamoDB's cell language: dbwork's commands (see :mod:`.parse`), one per line.

>>> from dbwork.dialects import get_dialect
>>> DYNAMO.split('DROP TABLE a\\nTTL OFF b', get_dialect("dynamodb"))
['DROP TABLE a', 'TTL OFF b']
"""
from __future__ import annotations


class DynamoLanguage:
    """Commands parsed into DynamoDB operations (tables, indexes, TTL, streams, items)."""

    comment = "--"            # the line comment a migration file is headed with
    file_extension = ".ddb"

    def parse(self, text, dialect, schema, *, first_line=1, source=None, allow_raw=False):
        from ...parse.sql import Parsed
        from .parse import parse_commands
        ops = parse_commands(text or "", schema, first_line)
        return Parsed(ops, schema, [])

    def split(self, text, dialect, first_line=1):
        """An explicit down section: statements (JSON lines) or commands, one a line
        (an indented line continues the one above; comments are left out)."""
        out: list[str] = []
        for line in (text or "").splitlines():
            bare = line.strip()
            if not bare or bare.startswith(("--", "#", "//")):
                continue
            if line[:1].isspace() and out:
                out[-1] += "\n" + line
            else:
                out.append(bare.rstrip(";"))
        return out

    def statement_ops(self, statements, dialect, schema):
        """The operations that lose data among rendered statements (a table drop)."""
        from .ops import DropTable
        from .render import loads
        out = []
        for statement in statements:
            if not statement.lstrip().startswith("{"):
                continue
            action, request = loads(statement)
            name = request.get("TableName", "")
            if action == "DeleteTable" and schema.has_table(name):
                out.append(DropTable(schema.table(name)))
        return out


DYNAMO = DynamoLanguage()
