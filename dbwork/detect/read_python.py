"""Readers for Python dependency lists: ``requirements*.txt`` and ``pyproject.toml``
(PEP 621 dependencies and optional groups, Poetry, PDM and PEP 735 groups).

Test, dev and lint groups (and ``requirements-dev.txt``) give low-confidence findings.

>>> r = read_requirements(Source("requirements.txt", "Django>=5\\npsycopg[binary]==3.2 # db\\n# pymongo\\n"))
>>> [(f.name, f.line) for f in r.findings]
[('django', 1), ('postgresql', 2)]
"""
from __future__ import annotations

import re
import tomllib

from .sources import Report, Source

PACKAGES = {
    "psycopg": ("technology", "postgresql"), "psycopg2": ("technology", "postgresql"),
    "psycopg2-binary": ("technology", "postgresql"), "psycopg-binary": ("technology", "postgresql"),
    "asyncpg": ("technology", "postgresql"), "pg8000": ("technology", "postgresql"),
    "pymysql": ("technology", "mysql"), "mysqlclient": ("technology", "mysql"),
    "mysql-connector-python": ("technology", "mysql"), "aiomysql": ("technology", "mysql"),
    "mariadb": ("technology", "mariadb"), "pymongo": ("technology", "mongodb"),
    "motor": ("technology", "mongodb"), "mongoengine": ("technology", "mongodb"),
    "beanie": ("technology", "mongodb"), "redis": ("technology", "redis"),
    "aioredis": ("technology", "redis"), "pynamodb": ("technology", "dynamodb"),
    "azure-cosmos": ("technology", "cosmosdb"),
    "pyodbc": ("technology", "sqlserver"), "pymssql": ("technology", "sqlserver"),
    "mssql-django": ("technology", "sqlserver"), "aiosqlite": ("technology", "sqlite"),
    "sqlalchemy": ("tool", "sqlalchemy"), "flask-sqlalchemy": ("tool", "sqlalchemy"),
    "sqlmodel": ("tool", "sqlalchemy"), "alembic": ("tool", "alembic"),
    "flask-migrate": ("tool", "alembic"), "django": ("tool", "django"),
}
# boto3 is the whole AWS SDK (S3, SQS, ...): alone it says nothing about DynamoDB; a
# DynamoDB resource or client in the code does (read_source)
WEAK: set[str] = set()
_DYNAMO_CALL = re.compile(r"""\b(?:resource|client)\(\s*(?:service_name\s*=\s*)?["']dynamodb["']""")
DEV_GROUPS = re.compile(r"^(dev|devel|develop|development|test|tests|testing|lint|docs?|ci|"
                        r"typing|qa|e2e)$", re.I)
_DEV_FILE = re.compile(r"(^|[._/-])(dev|devel|test|tests|testing|lint|ci|docs)([._/-]|$)", re.I)
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """PEP 503 name: ``Flask_SQLAlchemy`` -> ``flask-sqlalchemy``.

    >>> normalize("Flask_SQLAlchemy")
    'flask-sqlalchemy'
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def _add(report: Report, requirement: str, line: int | None, confidence: str) -> None:
    m = _REQ.match(requirement)
    if not m:
        return
    package = normalize(m.group(1))
    if package in PACKAGES:
        kind, name = PACKAGES[package]
        getattr(report, kind)(name, line, "low" if package in WEAK else confidence)


def read_requirements(source: Source) -> Report:
    """``requirements*.txt`` (and ``requirements/*.txt``): one requirement per line.

    >>> [f.confidence for f in read_requirements(Source("requirements-dev.txt", "pymongo\\n")).findings]
    ['low']
    """
    report = Report(source)
    confidence = "low" if _DEV_FILE.search(source.rel.replace("requirements", "")) else "high"
    for n, line in enumerate(source.text.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            _add(report, line, n, confidence)
    return report


def read_pyproject(source: Source) -> Report:
    """``pyproject.toml``: main dependencies high, extras medium, dev/test groups low.

    >>> text = '[project]\\ndependencies = ["sqlalchemy>=2"]\\n'
    >>> [(f.name, f.line) for f in read_pyproject(Source("pyproject.toml", text)).findings]
    [('sqlalchemy', 2)]
    """
    report = Report(source)
    try:
        data = tomllib.loads(source.text)
    except (tomllib.TOMLDecodeError, ValueError) as e:
        report.note(f"invalid TOML ({e}); skipped")
        return report
    project = data.get("project") or {}
    tool = data.get("tool") or {}
    poetry = tool.get("poetry") or {}
    groups: list[tuple[str, object, str]] = [("main", project.get("dependencies"), "high")]
    for name, deps in _items(project.get("optional-dependencies")):
        groups.append((name, deps, "low" if DEV_GROUPS.match(name) else "medium"))
    for name, deps in _items(data.get("dependency-groups")):
        groups.append((name, deps, "low" if DEV_GROUPS.match(name) else "medium"))
    for name, deps in _items((tool.get("pdm") or {}).get("dev-dependencies")):
        groups.append((name, deps, "low"))
    groups.append(("poetry", list(_keys(poetry.get("dependencies"))), "high"))
    groups.append(("poetry-dev", list(_keys(poetry.get("dev-dependencies"))), "low"))
    for name, group in _items(poetry.get("group")):
        deps = list(_keys(group.get("dependencies") if isinstance(group, dict) else None))
        low = DEV_GROUPS.match(name) or (isinstance(group, dict) and group.get("optional"))
        groups.append((name, deps, "low" if low else "medium"))
    for _, deps, confidence in groups:
        for requirement in deps if isinstance(deps, list) else []:
            if isinstance(requirement, str):
                _add(report, requirement, _line(source.text, requirement), confidence)
    return report


def _items(table) -> list:
    return list(table.items()) if isinstance(table, dict) else []


def _keys(table):
    return (k for k in table if k != "python") if isinstance(table, dict) else ()


def _line(text: str, requirement: str) -> int | None:
    """The line where a requirement is written (as a quoted string or a Poetry key)."""
    for pattern in (re.escape(f'"{requirement}"'), re.escape(f"'{requirement}'"),
                    r"(?m)^\s*" + re.escape(requirement) + r"\s*="):
        m = re.search(pattern, text)
        if m:
            return text.count("\n", 0, m.start()) + 1
    return None


def read_source(source: Source) -> Report:
    """A Python file that opens DynamoDB through boto3 (``boto3.resource("dynamodb")``,
    ``session.client("dynamodb")``): the dynamodb technology, at that line.

    >>> [f.line for f in read_source(Source("app.py", "import boto3\\ns3 = boto3.client('s3')\\n")).findings]
    []
    >>> [(f.name, f.line) for f in read_source(Source("db.py", "t = boto3.resource('dynamodb')\\n")).findings]
    [('dynamodb', 1)]
    """
    report = Report(source)
    if "dynamodb" not in source.text:
        return report
    for m in _DYNAMO_CALL.finditer(source.text):
        line = source.line_at(m.start())
        if not source.line_text(line).lstrip().startswith("#"):
            report.technology("dynamodb", line)
            break
    return report
