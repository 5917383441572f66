"""Version control for schemas: the migration graph (branches, merges), automatic
merges of branches that commute, conflicts, squash and baseline; drift against a shadow
replay and environments. ``wb.graph()``, ``wb.merge()``, ``wb.squash()``,
``wb.baseline()``, ``wb.drift()``, ``wb.diff()`` delegate here."""
