"""Version control for schemas: the migration graph (branches, merges), automatic
merges of branches that commute, conflicts, squash and baseline. ``wb.graph()``,
``wb.merge()``, ``wb.squash()``, ``wb.baseline()`` delegate here."""
