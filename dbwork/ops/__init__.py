"""Operations and plan helpers. See :mod:`dbwork.ops.schema_ops`."""
from .schema_ops import (ADDITIVE, CHANGING, DATA, DESTRUCTIVE, OPERATIONS, RENAMING,
                         AddColumn, AddConstraint, AlterColumn, CreateIndex, CreateTable,
                         DropColumn, DropConstraint, DropIndex, DropTable, Operation,
                         RawSQL, RenameColumn, RenameTable, apply_all, reverse_all)

__all__ = ["ADDITIVE", "CHANGING", "DATA", "DESTRUCTIVE", "OPERATIONS", "RENAMING",
           "AddColumn", "AddConstraint", "AlterColumn", "CreateIndex", "CreateTable",
           "DropColumn", "DropConstraint", "DropIndex", "DropTable", "Operation", "RawSQL",
           "RenameColumn", "RenameTable", "apply_all", "reverse_all"]
