"""Redis's cell language (documented in :mod:`dbwork.backends.redis.parse`): one
key-pattern command per line.

>>> from dbwork.dialects import get_dialect
>>> REDIS.split("# profiles\\nRENAME PATTERN user:*:profile TO profile:{1}\\n", get_dialect("redis"))
['RENAME PATTERN user:*:profile TO profile:{1}']
"""
from __future__ import annotations


class RedisLanguage:
    """Commands parsed into key operations; the same parser reads rendered steps back."""

    comment = "--"            # migration files are headed with dbwork's "--" lines
    file_extension = ".redis"

    def parse(self, text, dialect, schema, *, first_line=1, source=None, allow_raw=False):
        from ...parse.sql import Parsed
        from .parse import parse_commands
        ops = parse_commands(text, first_line)
        if not ops:
            from ...errors import ParseError
            raise ParseError("the migration has no Redis command (e.g. RENAME PATTERN "
                             "user:*:profile TO profile:{1})", first_line, 1)
        return Parsed(ops, schema, [])

    def split(self, text, dialect, first_line=1):
        from .parse import split_commands
        return split_commands(text, first_line)

    def statement_ops(self, statements, dialect, schema):
        """The operations among rendered commands that destroy data (DELETE PATTERN)."""
        from .parse import parse_line
        return [op for op in (parse_line(s) for s in statements) if op.loss() is not None]


REDIS = RedisLanguage()
