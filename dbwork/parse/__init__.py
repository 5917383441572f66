"""User text -> operations: SQL via sqlglot (``parse_sql``), cells (``split_cell``)."""
from .cell import Cell, Statement, split_cell, split_statements, validate_name
from .sql import Parsed, parse_sql

__all__ = ["Cell", "Parsed", "Statement", "parse_sql", "split_cell", "split_statements",
           "validate_name"]
