"""Reader for ``.env`` files (and the process environment, when asked).

Every ``KEY=value`` becomes a variable other readers can resolve (``env("X")`` in
Prisma, ``process.env.X`` in JS configs). Values that are database URLs, and
well-known groups such as ``PGHOST``/``PGUSER``/... or ``DB_CONNECTION``/``DB_HOST``/...,
become connection candidates. A commented-out line is ignored.

>>> r = read(Source(".env", "# DATABASE_URL=mysql://old\\nDATABASE_URL=postgres://app:pw@localhost/shop"))
>>> [(c.name, c.technology, c.rank) for c in r.candidates]
[('DATABASE_URL', 'postgresql', 75)]
>>> env_rank(".env.example"), env_rank("config/.env.test")
(30, 10)
"""
from __future__ import annotations

import re
from typing import Mapping

from .sources import RANK, Report, Source, Var, confidence_of
from .textscan import interpolate
from .urls import build_url, is_placeholder, sqlite_url, technology_of

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$")
_EXAMPLE = re.compile(r"(^|[._-])(example|sample|template|dist|defaults?|tpl)($|[._-])")
_TEST = re.compile(r"(^|[._-])(test|testing|ci|e2e)($|[._-])")
_DEV = re.compile(r"(^|[._-])(dev|development)($|[._-])")

# well-known groups: (host variable, technology or the variable naming it, parts)
_GROUPS = [
    ("PGHOST", "postgresql", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"),
    ("POSTGRES_HOST", "postgresql", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD",
     "POSTGRES_DB|POSTGRES_DATABASE"),
    ("MYSQL_HOST", "mysql", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE|MYSQL_DB"),
    ("MARIADB_HOST", "mariadb", "MARIADB_PORT", "MARIADB_USER", "MARIADB_PASSWORD",
     "MARIADB_DATABASE"),
    ("MONGO_HOST|MONGODB_HOST", "mongodb", "MONGO_PORT|MONGODB_PORT", "MONGO_USER|MONGODB_USER",
     "MONGO_PASSWORD|MONGODB_PASSWORD", "MONGO_DB|MONGODB_DB|MONGO_DATABASE|MONGODB_DATABASE"),
    ("REDIS_HOST", "redis", "REDIS_PORT", "REDIS_USER|REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_DB"),
    ("DB_HOST", "=DB_CONNECTION|DB_DIALECT|DB_CLIENT|DB_ENGINE|DB_TYPE|DB_DRIVER", "DB_PORT",
     "DB_USER|DB_USERNAME", "DB_PASSWORD|DB_PASS", "DB_NAME|DB_DATABASE"),
]
_DIALECTS = {"pgsql": "postgresql", "postgres": "postgresql", "postgresql": "postgresql",
             "pg": "postgresql", "mysql": "mysql", "mysql2": "mysql", "mariadb": "mariadb",
             "sqlsrv": "sqlserver", "mssql": "sqlserver", "sqlserver": "sqlserver",
             "mongodb": "mongodb", "mongo": "mongodb", "redis": "redis"}


def env_rank(rel: str) -> int:
    """How much an env file is trusted, from its name.

    >>> env_rank(".env.local") > env_rank(".env") > env_rank(".env.example")
    True
    """
    name = rel.rpartition("/")[2].lower()
    if name in (".env", ".envrc"):
        return RANK["env"]
    if _TEST.search(name):
        return RANK["test"]
    if _EXAMPLE.search(name):
        return RANK["example"]
    if name == ".env.local":
        return RANK["env_local"]
    if _DEV.search(name):
        return RANK["env_dev"]
    return RANK["env_other"]


def parse(text: str) -> list[tuple[str, str, int]]:
    """``(name, value, line)`` for each assignment; quotes and inline comments handled.

    >>> parse("A='x # y'\\nB=1 # note\\n#C=2\\nexport D=\\"q\\\\nr\\"")
    [('A', 'x # y', 1), ('B', '1', 2), ('D', 'q\\nr', 4)]
    """
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _LINE.match(line)
        if m:
            out.append((m.group(1), _value(m.group(2)), n))
    return out


def _value(raw: str) -> str:
    if raw[:1] in "\"'" and raw[:1] and raw.find(raw[0], 1) > 0:
        body = raw[1:raw.find(raw[0], 1)] if raw[0] == "'" else _dq(raw)
        return body
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def _dq(raw: str) -> str:
    m = re.match(r'"((?:[^"\\]|\\.)*)"', raw)
    body = m.group(1) if m else raw[1:]
    return re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), body)


def read(source: Source) -> Report:
    """Read one env file: variables for everyone, candidates for URLs and groups.

    >>> r = read(Source(".env", "PGHOST=db\\nPGUSER=me\\nPGDATABASE=app"))
    >>> [(c.name, c.url) for c in r.candidates]
    [('PGHOST', 'postgresql://me@db/app')]
    """
    report = Report(source)
    rank = env_rank(source.rel)
    values: dict[str, str] = {}
    pairs = []
    for name, value, line in parse(source.text):
        if "$" in value:  # dotenv-expand: ${OTHER} from earlier lines of the same file
            value = interpolate(value, values.get)[0]
        values[name] = value
        pairs.append((name, value, line))
    _scan(report, pairs, rank)
    return report


def read_environ(environ: Mapping[str, str]) -> Report:
    """The process environment (or a mapping standing for it) as a Report.

    >>> [c.name for c in read_environ({"REDIS_URL": "redis://localhost:6379"}).candidates]
    ['REDIS_URL']
    """
    report = Report(Source("(environment)", ""))
    pairs = [(k, v, None) for k, v in sorted(environ.items()) if isinstance(v, str)]
    _scan(report, pairs, RANK["environ"])
    return report


def _scan(report: Report, pairs: list, rank: int) -> None:
    lines: dict[str, int | None] = {}
    values: dict[str, str] = {}
    for name, value, line in pairs:
        evidence = f"{name}={value}" if line is None else None
        f = report.finding("connection", name, line, confidence_of(rank), evidence)
        report.findings.pop()  # kept only as a variable's evidence unless it is a candidate
        report.variables.append(Var(name, value, report.source.rel, line, rank, f))
        lines[name], values[name] = line, value
        _url_candidate(report, name, value, line, _demote(name, rank), f)
    for group in _GROUPS:
        _group_candidate(report, group, values, lines, rank)


def _demote(name: str, rank: int) -> int:
    upper = name.upper()
    if re.search(r"(^|_)TEST(_|$)|TESTING", upper):
        return RANK["test"]
    if re.search(r"SHADOW|REPLICA|READONLY|(^|_)RO(_|$)", upper):
        return rank - 5
    return rank


def _url_candidate(report: Report, name: str, value: str, line, rank: int, f) -> None:
    tech = technology_of(value)
    upper = name.upper()
    if tech is None and re.match(r"https?://", value):
        tech = "cosmosdb" if "COSMOS" in upper else "dynamodb" if "DYNAMO" in upper else None
    if tech is None or is_placeholder(value) or value.startswith("file:"):
        return  # file: URLs are Prisma's, relative to the schema: the Prisma reader owns them
    url = value
    if tech == "sqlite" and value.startswith("sqlite:///") and not value.startswith("sqlite:////"):
        url = sqlite_url(value[len("sqlite:///"):], report.source.dir)
    report.connection(name, tech, url, line, rank, evidence=f.evidence)


def _group_candidate(report: Report, group: tuple, values: dict, lines: dict, rank: int) -> None:
    host_var = _first(group[0], values)
    if host_var is None or not values[host_var]:
        return
    tech = group[1]
    if tech.startswith("="):
        named = _first(tech[1:], values)
        tech = _DIALECTS.get((values.get(named) or "").lower()) if named else None
        if tech is None:
            return
    port, user, password, database = (values.get(_first(p, values) or "") for p in group[2:])
    scheme = {"sqlserver": "mssql"}.get(tech, tech)
    url = build_url(scheme, user, password, values[host_var], port, database)
    report.connection(host_var, tech, url, lines[host_var], _demote(host_var, rank),
                      evidence=f"{host_var}={values[host_var]} (+ port/user/database variables)")


def _first(names: str, values: dict) -> str | None:
    return next((n for n in names.split("|") if n in values), None)
