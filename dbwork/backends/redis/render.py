"""Redis operations -> command lines, in the cell language itself, so a migration file,
the card and what the session runs are one text (the session parses them back).

>>> from .ops import MovePattern
>>> render(MovePattern("cache:*", 2).backed_up("_dbwork_bak_7_1")[0])
['BACKUP INTO _dbwork_bak_7_1 FOR MOVE PATTERN cache:* TO DB 2']
"""
from __future__ import annotations

from ...errors import UnsupportedError
from . import ops as o
from .parse import as_token as q


def render(op, schema=None, dialect=None) -> list[str]:
    """The command lines for ``op`` (``[]`` for one that runs nothing)."""
    fn = _RENDERERS.get(type(op))
    if fn is None:
        raise UnsupportedError(f"no Redis command for {type(op).__name__}")
    line = fn(op)
    return [line] if line else []


def command(op) -> str:
    (line,) = render(op)
    return line


_RENDERERS = {
    o.RenamePattern: lambda op: f"RENAME PATTERN {q(op.pattern)} TO {q(op.template)}",
    o.ConvertValues: lambda op: f"CONVERT {q(op.pattern)} FROM {op.source} TO {op.target}",
    o.ExpirePattern: lambda op: f"EXPIRE PATTERN {q(op.pattern)} {op.seconds}",
    o.PersistPattern: lambda op: f"PERSIST PATTERN {q(op.pattern)}",
    o.MovePattern: lambda op: f"MOVE PATTERN {q(op.pattern)} TO DB {op.database}",
    o.RenameField: lambda op: f"RENAME FIELD {q(op.pattern)} {q(op.old)} TO {q(op.new)}",
    o.SplitField: lambda op: (f"SPLIT FIELD {q(op.pattern)} {q(op.field)} INTO "
                              f"{','.join(op.into)} SEPARATOR {q(op.separator)}"),
    o.DeletePattern: lambda op: f"DELETE PATTERN {q(op.pattern)}",
    o.BackupKeys: lambda op: f"BACKUP INTO {op.backup} FOR {command(op.op)}",
    o.RestoreKeys: lambda op: f"RESTORE FROM {op.backup} FOR {q(op.pattern)}",
    o.Restored: lambda op: "",
}
