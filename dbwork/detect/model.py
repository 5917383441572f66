"""The result types of detection: :class:`Finding`, :class:`Target`, :class:`Detection`.

A Target's real URL (which may hold a password) lives in a field that no display
shows; every display goes through ``display_url``.

>>> t = Target("db", "postgresql", "postgresql://app:pw@127.0.0.1:5433/shop", [], "medium")
>>> t.display_url
'postgresql://app:***@127.0.0.1:5433/shop'
>>> "pw@" in repr(t)
False
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError
from ..url import mask_url

TECHNOLOGIES = ("postgresql", "mysql", "mariadb", "sqlite", "sqlserver", "mongodb",
                "cosmosdb", "dynamodb", "redis")
TOOLS = ("prisma", "typeorm", "sequelize", "mongoose", "knex", "drizzle", "sqlalchemy",
         "alembic", "django", "rails", "entity-framework", "flyway", "liquibase")
_LEVEL = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Finding:
    """One thing seen in one file: a technology, a tool or a connection.

    ``evidence`` is the text seen, with passwords already masked.

    >>> Finding("tool", "prisma", "package.json", 5, '"prisma": "^5.0.0"', "low").confidence
    'low'
    """

    kind: str            # "technology" | "tool" | "connection"
    name: str
    file: str            # relative to the project root, "/"-separated
    line: int | None     # 1-based
    evidence: str
    confidence: str      # "high" | "medium" | "low"

    @property
    def where(self) -> str:
        """``file:line`` (or just the file).

        >>> Finding("tool", "knex", "knexfile.js", 3, "", "high").where
        'knexfile.js:3'
        """
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Target:
    """A database one can connect to, with the evidence that points at it.

    ``url`` is the real URL (never displayed); ``display_url`` is masked.

    >>> Target("DATABASE_URL", "mysql", "mysql://root:x@localhost/app", [], "high")
    Target(name='DATABASE_URL', technology='mysql', url='mysql://root:***@localhost/app', confidence='high')
    """

    name: str
    technology: str
    url: str = field(repr=False)
    evidence: list[Finding] = field(default_factory=list)
    confidence: str = "medium"
    rank: int = field(default=0, repr=False, compare=False)
    depth: int = field(default=0, repr=False, compare=False)

    @property
    def display_url(self) -> str:
        """The URL with its password masked."""
        from .sources import redact
        return redact(mask_url(self.url))

    @property
    def aliases(self) -> list[str]:
        """The target's name and the names of its connection evidence."""
        names = [self.name]
        for f in self.evidence:
            if f.kind == "connection" and f.name not in names:
                names.append(f.name)
        return names

    def sort_key(self) -> tuple:
        """Higher is better: not low confidence, not a cache, rank, shallow in the tree."""
        return (self.confidence != "low", self.technology != "redis", self.rank, -self.depth)

    def __repr__(self) -> str:
        return (f"Target(name={self.name!r}, technology={self.technology!r}, "
                f"url={self.display_url!r}, confidence={self.confidence!r})")

    __str__ = __repr__


@dataclass
class Detection:
    """What :func:`dbwork.detect.detect` found in a project.

    >>> d = Detection(".", [], [], [], [])
    >>> d.empty, d.best_url, d.primary(), d.is_ambiguous
    (True, None, None, False)
    >>> print(d)
    Detection of '.': no database configuration found
    """

    path: str
    findings: list[Finding]
    technologies: list[str]
    tools: list[str]
    targets: list[Target]
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when nothing database-related was found."""
        return not (self.findings or self.targets)

    def primary(self) -> Target | None:
        """The best target, or None. Low-confidence targets (test-only) never qualify."""
        for t in self.targets:
            if t.confidence != "low":
                return t
        return None

    @property
    def best_url(self) -> str | None:
        """The masked URL of the primary target, or None."""
        t = self.primary()
        return t.display_url if t else None

    @property
    def is_ambiguous(self) -> bool:
        """True when two or more different targets tie for the best rank."""
        best = [t for t in self.targets if t.confidence != "low"]
        return len(best) >= 2 and best[0].sort_key() == best[1].sort_key()

    def target(self, name: str) -> Target:
        """Pick a target by its name (or the name of one of its connection evidences).

        >>> Detection(".", [], [], [], []).target("db")
        Traceback (most recent call last):
        ...
        dbwork.errors.ConfigError: no target named 'db' in '.' (known: none)
        """
        for match in (lambda t: t.name == name, lambda t: name in t.aliases):
            for t in self.targets:
                if match(t):
                    return t
        known = ", ".join(t.name for t in self.targets) or "none"
        raise ConfigError(f"no target named {name!r} in {self.path!r} (known: {known})")

    def to_dict(self) -> dict:
        """What ``dbwork detect --json`` prints (stable keys): path, technologies,
        tools, targets [{name, technology, url (password masked), confidence}],
        findings [{kind, name, file, line, evidence, confidence}], notes.

        >>> Detection(".", [], [], [], []).to_dict()["targets"]
        []
        """
        return {"path": self.path, "technologies": list(self.technologies),
                "tools": list(self.tools),
                "targets": [{"name": t.name, "technology": t.technology, "url": t.display_url,
                             "confidence": t.confidence} for t in self.targets],
                "findings": [{"kind": f.kind, "name": f.name, "file": f.file, "line": f.line,
                              "evidence": f.evidence, "confidence": f.confidence}
                             for f in self.findings],
                "notes": list(self.notes)}

    def to_frame(self):
        """The findings as a pandas DataFrame (kind, name, file, line, evidence, confidence)."""
        from .display import to_frame
        return to_frame(self)

    def __str__(self) -> str:
        from .display import to_text
        return to_text(self)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        from .display import to_html
        return to_html(self)


def level(confidence: str) -> int:
    """Order confidences: low < medium < high.

    >>> level("high") > level("low")
    True
    """
    return _LEVEL.get(confidence, 0)
