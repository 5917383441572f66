"""dbwork: a notebook-first workbench for evolving databases safely.

>>> import dbwork
>>> sorted(["connect", "detect", "DbworkError"]) == sorted(n for n in dbwork.__all__ if n in ("connect", "detect", "DbworkError"))
True
"""
from __future__ import annotations

import logging as _logging

from .errors import (ConfigError, ConnectionFailed, DataCheckFailed, DataLossRefused,
                     DbworkError, IrreversibleError, LockTimeout, MigrationConflict,
                     MigrationFailed, ObjectExistsError, StatementFailed, ParseError, UnknownObjectError,
                     UnsupportedError)
from .migration import Migration, Step
from .model import Schema
from .workbench import Workbench, connect

# sqlglot logs a warning for every statement it falls back on; dbwork reports those itself
_logging.getLogger("sqlglot").setLevel(_logging.ERROR)

__version__ = "0.1.0"


# ``dbwork.detect`` is both the detection package and the contract's function
# ``dbwork.detect(path=".")``: the package module is callable (see detect/__init__.py).
from . import detect  # noqa: E402


def load_ipython_extension(ipython):
    """``%load_ext dbwork``: register the magics (IPython is imported only here)."""
    from .magics import load_ipython_extension as _load
    _load(ipython)


__all__ = [
    "ConfigError", "ConnectionFailed", "DataCheckFailed", "DataLossRefused", "DbworkError",
    "IrreversibleError", "LockTimeout", "Migration", "MigrationConflict", "MigrationFailed", "StatementFailed",
    "ObjectExistsError", "ParseError", "Schema", "Step", "UnknownObjectError",
    "UnsupportedError", "Workbench", "connect", "detect", "load_ipython_extension",
]
