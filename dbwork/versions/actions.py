"""The versions layer's I/O: what ``wb.graph()``, ``wb.merge()``, ``wb.squash()`` and
``upgrade()``'s merge step do with a Workbench's session (files and history). The
decisions are in the pure modules beside this one (graph, merge, squash).

>>> import tempfile, os, dbwork
>>> d = tempfile.mkdtemp()
>>> wb = dbwork.connect(f"sqlite:///{d}/app.sqlite", migrations=os.path.join(d, "m"))
>>> _ = wb.migrate("create_t", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
>>> g = wb.graph()
>>> len(g.heads), g.pending
(1, [])
"""
from __future__ import annotations

from ..errors import ConfigError
from ..migration import Migration
from .graph import MigrationGraph, build_graph
from .merge import MergePlan, merge_migration, plan_merge, sides


def session_graph(wb, s) -> MigrationGraph:
    """The graph of ``wb``'s files with this database's history statuses."""
    return build_graph(wb.files.all(), {r.version: r.status for r in s.history()},
                       wb.display_url)


def graph(wb) -> MigrationGraph:
    with wb.backend.session(wb.lock_timeout) as s:
        return session_graph(wb, s)


def refuse_out_of_order(g: MigrationGraph, rows: dict, allowed: set[str]) -> None:
    """OutOfOrder, before anything runs, for pending files never run here that would
    apply before applied ones, unless ``allowed`` (versions). A file rolled back or
    failed here follows upgrade's own rules for those."""
    from ..errors import OutOfOrder
    late = [v for v in g.out_of_order() if v not in rows and v not in allowed]
    if late:
        raise OutOfOrder([(v, str(g.nodes[v].path or v), g.late_reason(v)) for v in late])


def upgrade_plan(wb, s, g: MigrationGraph, check: bool = True) -> MergePlan:
    """The order upgrade() applies files in; raises MergeConflict before anything runs
    when two branches touch the same objects."""
    migrations = {m.version: m for m in wb.files.all()}
    schema = None
    if len(g.heads) > 1 and check and wb.dialect.relational:
        schema = s.introspect()   # foreign keys: what touched tables depend on
    return plan_merge(g, migrations, wb.dialect.name, schema, check=check)


def heads_ready(s, heads: list[str], dry_run: bool) -> bool:
    """Every head applied (in a dry run: about to be), so a merge can be recorded."""
    if dry_run:
        return True
    applied = {r.version for r in s.history() if r.status == "applied"}
    return all(h in applied for h in heads)


def record_merge(wb, s, heads: list[str], automatic: bool, dry_run: bool) -> Migration:
    """Write the merge file for ``heads`` (in that order) and record it as applied (a
    history row whose extra says ``parents``); nothing runs: a merge has no steps."""
    from ..execute.runner import Buffer, now_iso, run_up
    m = merge_migration(wb._new_version(s), heads, wb.dialect.name, now_iso(), automatic)
    if dry_run:
        run_up(Buffer(s.transactional), m)
        m.status, m.dry_run = "planned", True
        return m
    run_up(s, m)
    m.notes.append(f"merged {len(heads)} branches: {', '.join(heads)} (applied in that order)")
    wb._write_file(s, m)
    return m


def merge(wb, order: list[str] | None = None) -> Migration:
    """Write the merge file that ties the graph's heads: in ``order`` (the user's
    choice, no commute check), else automatically when the sides commute (raises
    MergeConflict when they do not). upgrade() then applies the sides in that order."""
    if order is not None and (isinstance(order, str) or not all(isinstance(x, str) for x in order)):
        raise ConfigError("order is a list of migration versions or names, e.g. "
                          "order=['add_email', 'widen_email']")
    from ..execute.runner import now_iso
    with wb.backend.session(wb.lock_timeout) as s:
        g = session_graph(wb, s)
        heads = _open_heads(g, order)
        if len(heads) < 2:
            return _already_merged(wb, g)
        plan = plan_merge(g, {m.version: m for m in wb.files.all()}, wb.dialect.name,
                          s.introspect() if wb.dialect.relational and order is None
                          else None, order=list(order) if order else None, heads=heads)
        _refuse_impossible(g, plan.heads)
        _drop_unapplied_merges(wb, g, set(plan.heads))
        m = merge_migration(wb._new_version(s), plan.heads, wb.dialect.name, now_iso(),
                            automatic=order is None)
        wb.files.write(m, {r.version for r in s.history() if r.status == "applied"})
        m.notes.append(f"written: upgrade() applies the branches in this order: "
                       f"{', '.join(plan.heads)}")
        return m


def _open_heads(g: MigrationGraph, order) -> list[str]:
    """The heads to merge; with an ``order``, a merge file not applied yet is a choice
    that can still be changed: its parents are the heads again."""
    heads = g.heads
    if order and len(heads) == 1:
        n = g.nodes[heads[0]]
        if n.status != "applied" and len(n.parents) > 1 and not n.replaces:
            return list(n.parents)
    return heads


def _already_merged(wb, g: MigrationGraph) -> Migration:
    head = g.heads[0] if g.heads else None
    if head is None or len(g.nodes[head].parents) < 2:
        raise ConfigError("nothing to merge: the migration graph has one head "
                          f"({head or 'no migrations'})")
    m = next(x for x in wb.files.all() if x.version == head)
    m.status = g.nodes[head].status
    m.notes.append("already merged: this merge file ties the branches")
    return m


def _refuse_impossible(g: MigrationGraph, heads: list[str]) -> None:
    """A side already applied cannot run after a pending one."""
    for i, later in enumerate(heads[1:], 1):
        for earlier in heads[:i]:
            own_later, own_earlier = sides(g, later, earlier)
            if any(g.nodes[v].status == "applied" for v in own_later) and \
                    any(g.nodes[v].status != "applied" for v in own_earlier):
                raise ConfigError(f"order: the branch of {later} is already applied here, "
                                  f"so it cannot run after the branch of {earlier}: put "
                                  f"{later} first")


def _drop_unapplied_merges(wb, g: MigrationGraph, heads: set[str]) -> None:
    """A new choice replaces an earlier merge file of the same heads not yet applied."""
    from pathlib import Path
    for v in g.merges:
        n = g.nodes[v]
        if set(n.parents) == heads and n.status != "applied" and n.path:
            Path(n.path).unlink(missing_ok=True)
