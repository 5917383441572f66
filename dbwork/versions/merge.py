"""Merging branches of migrations (pure): do two sides commute, in which order do
they run, and the merge migration that records it.

Two sides commute when neither writes an object the other writes or reads (see
:mod:`dbwork.versions.touch`). Then the order is chosen the same way on every machine:
the side whose first migration is oldest runs first. When they do not commute,
:class:`MergeConflict` names a migration of each side and the shared objects, before
anything runs; the user picks the order with ``wb.merge(order=[...])``, which writes a
merge file whose ``-- parents:`` line lists the heads in that order.

>>> from dbwork.migration import Migration, Step
>>> def mig(v, name, parent, sql):
...     return Migration(v, name, [Step(1, name, [sql], [])], parent=parent, dialect="sqlite")
>>> files = [Migration("1", "base", dialect="sqlite"),
...          mig("2", "add_email", "1", "ALTER TABLE users ADD COLUMN email TEXT"),
...          mig("3", "add_name", "1", "ALTER TABLE users ADD COLUMN name TEXT")]
>>> from dbwork.versions.graph import build_graph
>>> g = build_graph(files, {"1": "applied"})
>>> plan = plan_merge(g, {m.version: m for m in files}, "sqlite")
>>> plan.heads, plan.order, plan.needs_merge
(['2', '3'], ['1', '2', '3'], True)
>>> files[2] = mig("3", "widen_email", "1", "ALTER TABLE users ALTER COLUMN email TYPE TEXT")
>>> plan_merge(build_graph(files, {"1": "applied"}), {m.version: m for m in files}, "sqlite")
Traceback (most recent call last):
...
dbwork.errors.MergeConflict: branches conflict: 2_add_email and 3_widen_email both touch column users.email; ...
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import combinations

from ..errors import ConfigError, MergeConflict
from ..migration import Migration
from .touch import Touches, migration_touches, shared

MERGE_NOTE = "merge: records that the branches {heads} were applied in this order"


@dataclass
class MergePlan:
    """``heads`` in the order their sides run; ``order``: every version, parents
    first, in the order upgrade() applies them; ``needs_merge``: more than one head,
    so a merge migration is to be written and recorded."""

    heads: list[str]
    order: list[str]
    needs_merge: bool = False
    checked: list[tuple[str, str]] = field(default_factory=list)


def plan_merge(graph, migrations: dict, dialect: str, schema=None,
               order: list[str] | None = None, check: bool = True,
               heads: list[str] | None = None) -> MergePlan:
    """The order to apply ``graph``'s files in. With more than one head, every pair of
    sides is checked for commuting (unless the user gave ``order``, or ``check`` is
    False) and MergeConflict is raised for the first pair that shares an object."""
    heads = heads or graph.heads
    if len(heads) > 1 and order is None and check:
        _check_commute(graph, migrations, dialect, schema, heads)
    ordered = order_heads(graph, heads, order)
    return MergePlan(ordered, walk(graph, ordered), len(heads) > 1,
                     list(combinations(ordered, 2)))


def sides(graph, a: str, b: str) -> tuple[set[str], set[str]]:
    """What only ``a``'s line has and what only ``b``'s has (since they forked)."""
    anc_a, anc_b = graph.ancestors(a), graph.ancestors(b)
    return anc_a - anc_b, anc_b - anc_a


def order_heads(graph, heads: list[str], wanted: list[str] | None = None) -> list[str]:
    """Heads in the order their sides run: those ``wanted`` (by head, or by a migration
    only that head's side has; version or name) first, the rest oldest side first."""
    def oldest(h):
        others = set().union(*(graph.ancestors(x) for x in heads if x != h)) if len(heads) > 1 else set()
        own = graph.ancestors(h) - others
        ran = any(graph.nodes[v].status == "applied" for v in own)  # it ran: it was first
        return (not ran, min(own) if own else h, h)
    auto = sorted(heads, key=oldest)
    if not wanted:
        return auto
    chosen = []
    for item in wanted:
        head = _head_for(graph, heads, item)
        if head in chosen:
            raise ConfigError(f"order names the branch of {head} twice ({item!r})")
        chosen.append(head)
    return chosen + [h for h in auto if h not in chosen]


def _head_for(graph, heads: list[str], item: str) -> str:
    if not isinstance(item, str) or not item:
        raise ConfigError(f"order: each item is a migration's version or name, not {item!r}")
    found = [v for v, n in graph.nodes.items() if item in (v, n.name)]
    if not found:
        raise ConfigError(f"order: no migration file has version or name {item!r}")
    owners = {h for h in heads for v in found if v in graph.ancestors(h)
              and not any(v in graph.ancestors(o) for o in heads if o != h)}
    if len(owners) != 1:
        raise ConfigError(f"order: {item!r} is not on exactly one branch (heads: "
                          f"{', '.join(heads)}): name a head, or a migration only it has")
    return owners.pop()


def walk(graph, heads: list[str]) -> list[str]:
    """Parents before children, a merge's parents in their listed order, heads in the
    order given; anything not under a head (there is none in a checked graph) last."""
    out, seen = [], set()

    def visit(v):
        stack = [(v, False)]
        while stack:
            node, expanded = stack.pop()
            if node in seen:
                continue
            if expanded:
                seen.add(node)
                out.append(node)
                continue
            stack.append((node, True))
            for p in reversed(graph.nodes[node].parents):
                if p not in seen:
                    stack.append((p, False))
    for h in heads:
        visit(h)
    for v in graph.order():
        visit(v)
    return out


def _check_commute(graph, migrations: dict, dialect: str, schema, heads: list[str]) -> None:
    cache: dict[str, Touches] = {}

    def touch(v):
        if v not in cache:
            cache[v] = migration_touches(migrations[v], dialect, schema)
        return cache[v]
    for a, b in combinations(order_heads(graph, heads), 2):
        side_a, side_b = sides(graph, a, b)
        for x in sorted(side_a):
            for y in sorted(side_b):
                found = shared(touch(x), touch(y))
                if found:
                    raise MergeConflict(migrations[x].id, migrations[y].id, found, [a, b])


def merge_migration(version: str, heads: list[str], dialect: str, created: str,
                    automatic: bool) -> Migration:
    """The merge file: no steps, ``parents`` the heads in the order their sides ran.

    >>> m = merge_migration("9", ["2", "3"], "sqlite", "", True)
    >>> m.parents, m.is_merge, m.steps, m.name.startswith("merge_")
    (('2', '3'), True, [], True)
    """
    digest = hashlib.sha256(" ".join(heads).encode()).hexdigest()[:8]
    how = "automatic: the branches touch different objects" if automatic else \
        "ordered by hand with wb.merge(order=...)"
    return Migration(version, f"merge_{digest}", [], parents=tuple(heads), dialect=dialect,
                     created=created, warnings=[MERGE_NOTE.format(heads=", ".join(heads))
                                                + f" ({how})"])
