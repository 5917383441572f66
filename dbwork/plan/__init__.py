"""Plan passes: pure functions from operations to operations, fed by one snapshot of
live facts (:func:`dbwork.plan.facts.gather_facts`, taken once per plan).

- :mod:`.steps` — backups before destructive steps, column-order warnings, and the
  rendered forward and reverse steps
- :mod:`.concurrency` — index builds on tables with rows run CONCURRENTLY (where the
  dialect can), and the session mode such a plan needs
- :mod:`.online` — ``online=True``: blocking operations rewritten into non-blocking
  sequences (where the dialect has them)
- :mod:`.facts` — the snapshot: row counts, sizes, server version and settings

The Workbench runs them in this order: parse, extensions, backups, snapshot,
concurrency, data-change backups, online forms, review, steps.
"""
