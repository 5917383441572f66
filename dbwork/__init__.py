"""dbwork: a notebook-first workbench for evolving databases safely.

The public names load on first use (PEP 562 module ``__getattr__``), so ``import dbwork``
and ``%load_ext dbwork`` do not pay for SQLAlchemy, Alembic and sqlglot until a
workbench is opened.

>>> import dbwork
>>> sorted(["connect", "detect", "DbworkError"]) == sorted(n for n in dbwork.__all__ if n in ("connect", "detect", "DbworkError"))
True
>>> dbwork.DbworkError.__module__
'dbwork.errors'
"""
from __future__ import annotations

import importlib
import logging as _logging

# sqlglot logs a warning for every statement it falls back on; dbwork reports those itself
_logging.getLogger("sqlglot").setLevel(_logging.ERROR)

__version__ = "0.1.0"

_ERRORS = ("ConfigError", "ConnectionFailed", "DataCheckFailed", "DataLossRefused",
           "DbworkError", "DesignError", "DocumentCopyRefused", "IrreversibleError", "LockTimeout", "MigrationConflict",
           "MigrationFailed", "ObjectExistsError", "ParseError", "SeedError",
           "StatementFailed", "UnknownObjectError", "UnsupportedError",
           "CopyRefused", "CopyFailed", "VersionCollision", "BrokenGraph", "MergeConflict", "OutOfOrder",
           "ProtectedEnvironment")

# public name -> the module that defines it
_LAZY = {**{name: ".errors" for name in _ERRORS},
         "Migration": ".migration", "Step": ".migration", "Schema": ".model",
         "Workbench": ".workbench", "connect": ".workbench",
         "SeedReport": ".data.report", "SeedDrift": ".data.report",
         "copy": ".data.copy", "CopyReport": ".data.copy_report",
         "design_documents": ".data.documents", "DocumentDesign": ".data.documents",
         "connect_many": ".multi", "fleet": ".multi", "Group": ".multi",
         "GroupFailed": ".errors", "PlanRefused": ".errors",
         "MigrationGraph": ".versions.graph",
         "Drift": ".versions.drift", "Environment": ".versions.environments"}


def __getattr__(name: str):
    """Import a public name's module the first time the name is asked for."""
    if name == "detect":
        # ``dbwork.detect`` is both the detection package and the contract's function
        # ``dbwork.detect(path=".")``: the package module is callable (detect/__init__.py)
        return importlib.import_module(".detect", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dbwork' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython):
    """``%load_ext dbwork``: register the magics (IPython is imported only here)."""
    from .magics import load_ipython_extension as _load  # type: ignore[import-not-found]  # magics/ is mapped in by package-dir
    _load(ipython)


__all__ = [*_ERRORS, "CopyReport", "copy", "Migration", "Schema", "SeedDrift", "SeedReport", "Step", "Workbench",
           "connect", "detect", "load_ipython_extension",
           "design_documents", "DocumentDesign",
           "Group", "GroupFailed", "PlanRefused", "connect_many", "fleet", "MigrationGraph",
           "Drift", "Environment"]
__all__.sort()
