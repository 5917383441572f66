"""Operations that move rows: a backup before a destructive change, and its restore.

They are how a rollback brings data back: the plan puts ``BackupRows`` before a drop
or a narrowing change, and the drop's reverse is followed by ``RestoreRows``.

>>> b = BackupRows("users", "_dbwork_bak_1_1", ("id", "email"), key=("id",))
>>> b.reverse().describe()
'restore users (email) from backup _dbwork_bak_1_1, then drop the backup'
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model.schema import Schema
from .schema_ops import ADDITIVE, DATA, Operation


@dataclass(frozen=True)
class BackupRows(Operation):
    """Copy ``columns`` of ``table`` into the table ``backup``. With ``key`` (the
    primary key), only those columns are kept, to be written back by key; without,
    whole rows are kept."""

    table: str
    backup: str
    columns: tuple[str, ...]
    key: tuple[str, ...] = ()
    kind = ADDITIVE

    def apply(self, schema: Schema) -> Schema:
        return schema

    def reverse(self) -> "RestoreRows":
        return RestoreRows(self.table, self.backup, self.columns, self.key)

    def describe(self) -> str:
        what = "rows" if not self.key else f"({', '.join(_values(self))}) by key"
        return f"back up {self.table} {what} into {self.backup}"


@dataclass(frozen=True)
class RestoreRows(Operation):
    table: str
    backup: str
    columns: tuple[str, ...]
    key: tuple[str, ...] = ()
    kind = DATA

    def apply(self, schema: Schema) -> Schema:
        return schema

    def reverse(self) -> BackupRows:
        return BackupRows(self.table, self.backup, self.columns, self.key)

    def describe(self) -> str:
        what = "rows" if not self.key else f"({', '.join(_values(self))})"
        return f"restore {self.table} {what} from backup {self.backup}, then drop the backup"


def _values(op) -> list[str]:
    return [c for c in op.columns if c not in op.key]
