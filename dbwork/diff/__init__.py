"""Schema x Schema -> operations: desired-state migrations from CREATE statements,
SQLAlchemy models or a Prisma schema (pure: never a connection).

>>> from dbwork.diff import diff, plan_desired, RenameAmbiguity
"""
from .core import diff
from .desired import Desired, desired_schema, plan_desired, plan_schema
from .renames import Hints, RenameAmbiguity, read_hints

__all__ = ["diff", "Desired", "desired_schema", "plan_desired", "plan_schema", "Hints",
           "RenameAmbiguity", "read_hints"]
