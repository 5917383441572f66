"""One change across several databases: groups of targets (one migration over all,
undone on every target when a later one fails), mirrored collections, consistency
checks, dual writes, fleets of tenant databases and services that depend on each other.

>>> import tempfile, os, dbwork
>>> d = tempfile.mkdtemp()
>>> g = dbwork.connect_many({"a": f"sqlite:///{d}/a.sqlite", "b": f"sqlite:///{d}/b.sqlite"},
...                         migrations=os.path.join(d, "migrations"))
>>> change = g.migrate("create_t", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
>>> change.statuses()
{'a': 'applied', 'b': 'applied'}
>>> g.rollback().statuses()
{'a': 'rolled_back', 'b': 'rolled_back'}
>>> g.close()
"""
from __future__ import annotations

import importlib

# public name -> the module that defines it (loaded on first use, so ``dbwork --help``
# does not pay for SQLAlchemy and sqlglot)
_LAZY = {"Fleet": ".fleets", "FleetReport": ".fleets", "fleet": ".fleets",
         "Group": ".group", "GroupChange": ".group", "connect_many": ".group",
         "ConsistencyReport": ".check", "ServicePlan": ".services",
         "plan_services": ".services", "upgrade_services": ".services",
         "dual_write_snippet": ".dualwrite", "backfill": ".dualwrite"}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dbwork.multi' has no attribute {name!r}")


__all__ = sorted(_LAZY)
