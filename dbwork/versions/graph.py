"""The migration graph (pure): every file a node, every ``-- parent:`` an edge.

Teams branch in git, so two migrations can share a parent; a merge migration names two
or more parents; a squash stands for the versions it ``replaces``. :func:`build_graph`
checks the graph (one version per file, every parent known, no cycle) and answers the
questions upgrade() and ``wb.graph()`` ask: heads, branch points, merges, what is
applied and pending, the order to apply in, and which pending files are out of order.

>>> from dbwork.migration import Migration
>>> files = [Migration("1", "base"), Migration("2", "add_a", parent="1"),
...          Migration("3", "add_b", parent="1")]
>>> g = build_graph(files, {"1": "applied"})
>>> g.heads, g.branch_points, g.pending
(['2', '3'], ['1'], ['2', '3'])
>>> print(g.text())
2 heads (branches to merge): 2, 3
* 3  add_b  pending  <- 1  head
* 2  add_a  pending  <- 1  head
* 1  base   applied        branch point
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from ..errors import BrokenGraph
from .ids import check_unique


@dataclass
class Node:
    version: str
    name: str
    parents: tuple[str, ...] = ()
    status: str = "pending"        # applied, pending, rolled_back, failed, running
    replaces: tuple[str, ...] = ()
    path: str | None = None

    @property
    def id(self) -> str:
        return f"{self.version}_{self.name}"


@dataclass
class MigrationGraph:
    """What ``wb.graph()`` returns: nodes by version, with heads, branch points and
    merges; ``text()`` (and ``str()``) a git-log style drawing, ``draw()`` a graphviz
    Digraph, ``to_dict()`` what ``dbwork graph --json`` prints.

    >>> from dbwork.migration import Migration
    >>> g = build_graph([Migration("1", "a"), Migration("2", "b", parent="1")], {})
    >>> g.heads, g.order(), g.to_dict()["heads"]
    (['2'], ['1', '2'], ['2'])
    """

    nodes: dict[str, Node] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    target: str = ""

    # -- shape ------------------------------------------------------------------------
    @property
    def heads(self) -> list[str]:
        """Versions nothing builds on (one head: a straight line; more: branches to
        merge). A merge file that repeats another merge's parents is not a head."""
        dupes = self.duplicate_merges()
        return sorted(v for v in self.nodes if not self.children.get(v) and v not in dupes)

    @property
    def roots(self) -> list[str]:
        return sorted(v for v, n in self.nodes.items() if not n.parents)

    @property
    def branch_points(self) -> list[str]:
        return sorted(v for v, c in self.children.items() if len(c) > 1)

    @property
    def merges(self) -> list[str]:
        return sorted(v for v, n in self.nodes.items() if len(n.parents) > 1)

    @property
    def applied(self) -> list[str]:
        return [v for v in self.order() if self.nodes[v].status == "applied"]

    @property
    def pending(self) -> list[str]:
        return [v for v in self.order() if self.nodes[v].status != "applied"]

    def branches(self) -> list[list[str]]:
        """Each head's own line: from the head back to (not including) the nearest
        branch point or merge, oldest first."""
        out = []
        stops = set(self.branch_points) | set(self.merges)
        for head in self.heads:
            line, v = [], head
            while True:
                line.append(v)
                parents = self.nodes[v].parents
                if len(parents) != 1 or parents[0] in stops:
                    break
                v = parents[0]
            out.append(list(reversed(line)))
        return out

    def ancestors(self, version: str) -> set[str]:
        """``version`` and everything it builds on."""
        seen, todo = set(), [version]
        while todo:
            v = todo.pop()
            if v not in seen:
                seen.add(v)
                todo.extend(self.nodes[v].parents)
        return seen

    def duplicate_merges(self) -> set[str]:
        """Merge files with the same parents as an older merge file (two people merged
        the same branches): the later ones change nothing and are not heads."""
        first: dict[frozenset, str] = {}
        dupes = set()
        for v in sorted(self.merges):
            key = frozenset(self.nodes[v].parents)
            if key in first and not self.children.get(v):
                dupes.add(v)
            first.setdefault(key, v)
        return dupes

    # -- order ------------------------------------------------------------------------
    def order(self, rank=None) -> list[str]:
        """Every version, parents before children; among those ready at once, the
        lower ``rank(version)`` first (default: the version itself), so the order is
        the same on every machine."""
        rank = rank or (lambda v: ())
        waiting = {v: len(n.parents) for v, n in self.nodes.items()}
        ready = [(rank(v), v) for v, k in waiting.items() if k == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            _, v = heapq.heappop(ready)
            out.append(v)
            for c in self.children.get(v, ()):
                waiting[c] -= 1
                if waiting[c] == 0:
                    heapq.heappush(ready, (rank(c), c))
        return out

    def late_reason(self, version: str) -> str:
        """Why the pending file ``version`` is out of order, in words."""
        n = self.nodes[version]
        if not n.parents:
            return f"older than the newest applied migration {self.applied[-1]}"
        return f"its parent {n.parents[0]} already has applied children"

    def out_of_order(self) -> list[str]:
        """Pending files that would apply before something already applied: a parent
        that is applied and already has an applied child (a branch made before the
        applied head), or, for a file without a parent, a version older than the newest
        applied one (files from before versions named parents)."""
        applied = {v for v, n in self.nodes.items() if n.status == "applied"}
        newest = max(applied, default="")
        out = []
        for v in self.order():
            n = self.nodes[v]
            if v in applied:
                continue
            if not n.parents:
                late = bool(applied) and v < newest
            else:
                late = any(p in applied and any(c in applied for c in self.children[p])
                           for p in n.parents)
            if late:
                out.append(v)
        return out

    # -- display ----------------------------------------------------------------------
    def text(self) -> str:
        """A git-log style drawing, newest first."""
        from .drawing import graph_text
        return graph_text(self)

    def draw(self):
        """The graph as a graphviz.Digraph (applied filled, pending dashed, heads bold)."""
        from .drawing import graph_digraph
        return graph_digraph(self)

    def to_dict(self) -> dict:
        """Stable keys: target, heads, roots, branch_points, merges, applied, pending,
        out_of_order, nodes (version, name, parents, status, replaces, head)."""
        heads = set(self.heads)
        return {"target": self.target, "heads": self.heads, "roots": self.roots,
                "branch_points": self.branch_points, "merges": self.merges,
                "applied": self.applied, "pending": self.pending,
                "out_of_order": self.out_of_order(),
                "nodes": [{"version": v, "name": self.nodes[v].name,
                           "parents": list(self.nodes[v].parents),
                           "status": self.nodes[v].status,
                           "replaces": list(self.nodes[v].replaces),
                           "head": v in heads} for v in self.order()]}

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return (f"<MigrationGraph {len(self.nodes)} migration(s), {len(self.heads)} head(s), "
                f"{len(self.pending)} pending>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .drawing import graph_bundle
        return graph_bundle(self)


def build_graph(migrations, statuses: dict[str, str], target: str = "") -> MigrationGraph:
    """The graph of ``migrations`` (files), with ``statuses`` (version -> history
    status). Raises VersionCollision (two files, one version) and BrokenGraph (a
    parent no file has, a cycle) naming the files."""
    migrations = list(migrations)
    check_unique(migrations)
    stands_for = {old: m.version for m in migrations for old in m.replaces}
    nodes = {}
    for m in migrations:
        parents = tuple(dict.fromkeys(stands_for.get(p, p) for p in m.parents))
        nodes[m.version] = Node(m.version, m.name, parents, _status(m, statuses),
                                tuple(m.replaces), m.path)
    _check_parents(nodes)
    children: dict[str, list[str]] = {v: [] for v in nodes}
    for v, n in sorted(nodes.items()):
        for p in n.parents:
            children[p].append(v)
    g = MigrationGraph(nodes, children, target)
    _check_acyclic(g)
    return g


def _status(m, statuses: dict[str, str]) -> str:
    own = statuses.get(m.version)
    if own is None and m.replaces and all(statuses.get(v) == "applied" for v in m.replaces):
        return "applied"  # a squash of migrations this database applied one by one
    return own or "pending"


def _check_parents(nodes: dict[str, Node]) -> None:
    for v, n in sorted(nodes.items()):
        if v in n.parents:
            raise BrokenGraph("cycle", [v], f"migration {n.id} names itself as its parent "
                              f"({n.path or 'its file'}): fix its '-- parent:' line")
        missing = [p for p in n.parents if p not in nodes]
        if missing:
            raise BrokenGraph(
                "missing_parent", [v, *missing],
                f"migration {n.id} ({n.path or 'its file'}) names parent {missing[0]}, but no "
                "migration file has that version: restore the parent's file from version "
                "control, or fix the '-- parent:' line")


def _check_acyclic(g: MigrationGraph) -> None:
    done = set(g.order())
    if len(done) != len(g.nodes):
        stuck = sorted(set(g.nodes) - done)
        raise BrokenGraph("cycle", stuck,
                          "the migration files' parents form a cycle: "
                          f"{', '.join(g.nodes[v].id for v in stuck)} (a hand-edited "
                          "'-- parent:' line?): each migration must build on an older one")
