"""The neutral model: schemas of tables, columns, keys and indexes, and neutral types."""
from .schema import (Check, Column, Constraint, ForeignKey, Index, PrimaryKey, Schema,
                     Table, Unique)
from .types import normalize_type, type_family

__all__ = ["Check", "Column", "Constraint", "ForeignKey", "Index", "PrimaryKey", "Schema",
           "Table", "Unique", "normalize_type", "type_family"]
