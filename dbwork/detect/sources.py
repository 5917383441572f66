"""What a reader sees (a :class:`Source`) and what it hands back (a :class:`Report`).

Readers are pure functions ``read(source) -> Report``: they never open files or look at
``os.environ``. Environment variables reach them through ``source.env``, a lookup the
core builds from the project's ``.env`` files (and the process environment when asked).

Ranks order connection candidates; a confidence is derived from the rank:

>>> confidence_of(RANK["env"]), confidence_of(RANK["compose"]), confidence_of(RANK["test"])
('high', 'medium', 'low')
>>> redact("POSTGRES_PASSWORD: s3cret")
'POSTGRES_PASSWORD: ***'
"""
from __future__ import annotations

import json

import re
from dataclasses import dataclass, field
from typing import Callable

from ..url import mask_url
from .model import Finding

# How much a connection candidate is trusted, by where it was found (higher is better).
RANK = {
    "environ": 90,        # the process environment, when the caller passes it
    "env_local": 80,      # .env.local
    "env": 75,            # .env
    "env_dev": 70,        # .env.development
    "config": 65,         # a tool's config with a literal URL (prisma, alembic.ini, ...)
    "env_other": 60,      # .env.production, .env.staging, ...
    "config_other": 55,   # a non-development section of a tool's config (production)
    "compose": 50,        # a URL composed from a docker-compose service
    "compose_hidden": 45,  # ... whose port is not published to the host
    "example": 30,        # .env.example, .env.sample, .env.template
    "test": 10,           # test/dev-only configuration: never the primary target
}
CONFIDENCES = ("low", "medium", "high")
MAX_EVIDENCE = 200  # characters of a line kept as evidence


def confidence_of(rank: int) -> str:
    """Map a rank to "high", "medium" or "low".

    >>> confidence_of(65)
    'high'
    """
    return "high" if rank >= 60 else "medium" if rank >= 30 else "low"


_USERINFO = re.compile(r"([a-zA-Z][\w+.-]*://[^:/@\s'\"]*:)([^\s'\"]*)(@)")
_KEY_SECRET = re.compile(
    r"""(?i)(\b[\w.-]*(?:password|passwd|pwd|secret|token|accountkey|api_?key)[\w.-]*["']?\s*(?:=>|=|:)\s*["']?)"""
    r"""([^"'\s,;&}]+)""")


def redact(text: str) -> str:
    """Mask every password-like value in ``text`` (URLs, key=value, key: value).

    >>> redact("url = postgres://u:p@ss@host/db")
    'url = postgres://u:***@host/db'
    >>> redact('"password": "hunter2"')
    '"password": "***"'
    """
    text = mask_url(text)
    text = _USERINFO.sub(lambda m: m.group(1) + "***" + m.group(3), text)
    return _KEY_SECRET.sub(lambda m: m.group(1) + "***", text)


@dataclass(frozen=True)
class Var:
    """An environment variable as a project defines it (``.env`` line or process env).

    >>> f = Finding("connection", "A", ".env", 1, "A=1", "high")
    >>> Var("A", "1", ".env", 1, RANK["env"], f).rank
    75
    """

    name: str
    value: str = field(repr=False)
    file: str
    line: int | None
    rank: int
    finding: Finding


EnvLookup = Callable[[str], "Var | None"]


def _no_env(name: str) -> Var | None:
    return None


@dataclass(frozen=True)
class Source:
    """One file handed to a reader: its path relative to the root, text and env lookup.

    >>> s = Source("a/b.txt", "one\\ntwo")
    >>> s.line_at(4), s.line_text(2), s.dir, s.depth
    (2, 'two', 'a', 1)
    """

    rel: str
    text: str = field(repr=False)
    env: EnvLookup = field(default=_no_env, repr=False, compare=False)

    @property
    def dir(self) -> str:
        return self.rel.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self.rel.rpartition("/")[2]

    @property
    def depth(self) -> int:
        return self.rel.count("/")

    def line_at(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return self.text.count("\n", 0, max(offset, 0)) + 1

    def line_text(self, line: int | None) -> str:
        if line is None:
            return ""
        start = 0
        for _ in range(line - 1):
            start = self.text.find("\n", start) + 1
            if start == 0:
                return ""
        end = self.text.find("\n", start)
        return self.text[start:end if end >= 0 else len(self.text)]


@dataclass
class Candidate:
    """A connectable database seen in one place; the core merges them into Targets.

    >>> Candidate("db", "redis", "redis://:pw@h", 50, []).rank
    50
    """

    name: str
    technology: str
    url: str = field(repr=False)
    rank: int
    evidence: list[Finding]
    depth: int = 0


@dataclass
class Report:
    """What a reader found in one file. Build it through the helper methods.

    >>> r = Report(Source(".env", "DATABASE_URL=postgres://u:pw@h/db"))
    >>> r.connection("DATABASE_URL", "postgresql", "postgres://u:pw@h/db", 1, RANK["env"])
    >>> r.findings[0].evidence, r.candidates[0].technology
    ('DATABASE_URL=postgres://u:***@h/db', 'postgresql')
    """

    source: Source
    findings: list[Finding] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    variables: list[Var] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def finding(self, kind: str, name: str, line: int | None, confidence: str,
                evidence: str | None = None) -> Finding:
        text = self.source.line_text(line) if evidence is None else evidence
        text = redact(text.strip())
        if len(text) > MAX_EVIDENCE:
            text = text[:MAX_EVIDENCE - 1] + "…"
        f = Finding(kind, name, self.source.rel, line, text, confidence)
        self.findings.append(f)
        return f

    def technology(self, name: str, line: int | None, confidence: str = "high",
                   evidence: str | None = None) -> None:
        self.finding("technology", name, line, confidence, evidence)

    def tool(self, name: str, line: int | None, confidence: str = "high",
             evidence: str | None = None) -> None:
        self.finding("tool", name, line, confidence, evidence)

    def connection(self, name: str, technology: str, url: str | None, line: int | None,
                   rank: int = 0, used: list[Var] | tuple = (), evidence: str | None = None) -> None:
        """Record a connection; without a ``url`` it is evidence only (low, no target).

        A main config (rank >= config) that takes values from env vars ranks like the best
        of those vars, plus one (so ``.env`` beats ``.env.example`` through it); a test or
        production section keeps its own, lower rank.
        """
        if not url:
            self.finding("connection", name, line, "low", evidence)
            return
        if used:
            best = max(v.rank for v in used)
            rank = best + 1 if rank >= RANK["config"] else min(rank, best)
        f = self.finding("connection", name, line, confidence_of(rank), evidence)
        self.candidates.append(Candidate(name, technology, url, rank,
                                         [f, *(v.finding for v in used)], self.source.depth))

    def note(self, message: str) -> None:
        self.notes.append(f"{self.source.rel}: {redact(message)}")

    def json(self):
        """The source read as JSON, or None (with a note) when it is not JSON.

        >>> r = Report(Source("package.json", "not json"))
        >>> r.json(), r.notes
        (None, ['package.json: invalid JSON (Expecting value: line 1 column 1 (char 0)); skipped'])
        """
        try:
            return json.loads(self.source.text)
        except ValueError as e:
            self.note(f"invalid JSON ({e}); skipped")
            return None
