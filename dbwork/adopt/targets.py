"""What ``Workbench.migrate_to`` accepts as a desired state, turned into a neutral
Schema (or kept as SQL text for the desired-state SQL path).

>>> from dbwork.dialects import get_dialect
>>> kind, value = desired_target("CREATE TABLE t (id INTEGER PRIMARY KEY);", get_dialect("sqlite"))
>>> kind
'sql'
"""
from __future__ import annotations

import os
from pathlib import Path

from ..dialects.base import Dialect
from ..errors import ConfigError


def desired_target(target, dialect: Dialect):
    """("sql", text) for desired-state SQL; ("sqlalchemy"|"prisma", Schema) otherwise.
    A folder is a multi-file Prisma schema (``prismaSchemaFolder``): its ``.prisma``
    files read as one."""
    import sqlalchemy as sa
    if isinstance(target, sa.MetaData) or isinstance(getattr(target, "metadata", None),
                                                      sa.MetaData):
        from ..diff.models import schema_from_metadata
        return "sqlalchemy", schema_from_metadata(target, dialect)
    if isinstance(target, (str, os.PathLike)):
        text = str(target)
        path = Path(text) if "\n" not in text and len(text) < 4096 else None
        if path is not None and path.is_dir():
            from ..diff.prisma import read_prisma_folder, schema_from_prisma
            return "prisma", schema_from_prisma(read_prisma_folder(path), dialect)
        if path is not None and path.is_file():
            content = path.read_text()
            if path.suffix == ".prisma":
                from ..diff.prisma import schema_from_prisma
                return "prisma", schema_from_prisma(content, dialect)
            return "sql", content
        if path is not None and path.suffix in (".prisma", ".sql"):
            raise ConfigError(f"no such file: {path}")
        if isinstance(target, str) and "CREATE" in text.upper():
            return "sql", text
    raise ConfigError("migrate_to wants SQLAlchemy MetaData or a declarative Base, a path "
                      "to a Prisma schema (file or folder) or SQL file, or desired-state CREATE statements; "
                      f"got {type(target).__name__}")


def schema_text(schema, dialect: Dialect, kind: str) -> str:
    """The desired schema as the CREATE statements dbwork would run from nothing: the
    migration's recorded source (and its checksum: the same target is the same text)."""
    from ..diff.core import diff
    from ..model.schema import Schema
    from ..render import render
    lines = [f"-- desired state from {kind}"]
    before = Schema()
    for op in diff(Schema(), schema, dialect):
        lines += [s.rstrip().rstrip(";") + ";" for s in render(op, before, dialect)]
        before = op.apply(before)
    return "\n".join(lines) + "\n"
