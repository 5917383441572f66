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

from .fleet import Fleet, FleetReport, fleet
from .group import Group, GroupChange, connect_many

__all__ = ["Fleet", "FleetReport", "Group", "GroupChange", "connect_many", "fleet"]
