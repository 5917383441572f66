"""The pure core: merge readers' findings and candidates into a :class:`Detection`.

Candidates naming the same database (same technology family, host, port and database;
``localhost`` = ``127.0.0.1``) become one :class:`Target` whose URL, name and confidence
come from the best-ranked candidate; the others add their evidence.

>>> from dbwork.detect.sources import Candidate
>>> f = Finding("connection", "DATABASE_URL", ".env", 1, "DATABASE_URL=...", "high")
>>> g = Finding("connection", "db", "docker-compose.yml", 3, "image: postgres", "medium")
>>> d = build(".", [f, g], [Candidate("db", "postgresql", "postgresql://a:x@127.0.0.1:5432/s", 50, [g]),
...                        Candidate("DATABASE_URL", "postgresql", "postgres://a:x@localhost/s", 75, [f])])
>>> [(t.name, t.display_url, [e.where for e in t.evidence]) for t in d.targets]
[('DATABASE_URL', 'postgres://a:***@localhost/s', ['.env:1', 'docker-compose.yml:3'])]
"""
from __future__ import annotations

from .model import TECHNOLOGIES, TOOLS, Detection, Finding, Target
from .sources import Candidate, confidence_of
from .urls import same_key


def build(path: str, findings: list[Finding], candidates: list[Candidate],
          notes: list[str] | None = None) -> Detection:
    """Merge everything the readers returned into a Detection (targets best first).

    >>> build(".", [], []).targets
    []
    """
    findings = _unique(findings)
    targets = [_target(group) for group in _groups(candidates)]
    targets.sort(key=lambda t: (tuple(-int(x) for x in t.sort_key()), t.name, t.display_url))
    techs = {f.name for f in findings if f.kind == "technology"} | {c.technology for c in candidates}
    tools = {f.name for f in findings if f.kind == "tool"}
    return Detection(path, findings, sorted(techs & set(TECHNOLOGIES)), sorted(tools & set(TOOLS)),
                     targets, list(dict.fromkeys(notes or [])))


def _groups(candidates: list[Candidate]) -> list[list[Candidate]]:
    groups: dict[tuple, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(same_key(c.url), []).append(c)
    return list(groups.values())


def _target(group: list[Candidate]) -> Target:
    ordered = sorted(group, key=lambda c: (-c.rank, c.depth))
    best = ordered[0]
    evidence = _unique([f for c in ordered for f in c.evidence])
    technology = best.technology
    if technology == "mysql" and any(c.technology == "mariadb" for c in group):
        technology = "mariadb"  # a mysql:// URL that points at a MariaDB server
    return Target(best.name, technology, best.url, evidence, confidence_of(best.rank),
                  rank=best.rank, depth=min(c.depth for c in group))


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))
