"""Adopting a project that already has migrations: read another tool's history and
which of it is applied, baseline the live schema into dbwork's history, and export
dbwork migrations back into the project's own format.

>>> from dbwork.adopt import existing_history, export_migration
"""
from .baseline import baseline_steps, record_baseline
from .export import FORMATS, export_migration
from .history import Entry, History, existing_history

__all__ = ["existing_history", "Entry", "History", "record_baseline", "baseline_steps",
           "export_migration", "FORMATS"]
