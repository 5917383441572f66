"""Readers for .NET projects: ``appsettings*.json`` ConnectionStrings (ADO.NET strings)
and ``*.csproj`` PackageReference (EF Core providers, drivers).

>>> r = read_csproj(Source("Api/Api.csproj", '<ItemGroup>\\n  <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="8.0.0" />\\n</ItemGroup>'))
>>> [(f.kind, f.name, f.line) for f in r.findings]
[('technology', 'postgresql', 2), ('tool', 'entity-framework', 2)]
"""
from __future__ import annotations

import json
import re

from .sources import RANK, Report, Source
from .textscan import strip_js_comments
from .urls import from_ado, sqlite_url

PACKAGES = [
    (r"Npgsql(\..*)?", "postgresql"),
    (r"Microsoft\.EntityFrameworkCore\.SqlServer|Microsoft\.Data\.SqlClient|System\.Data\.SqlClient",
     "sqlserver"),
    (r"Pomelo\.EntityFrameworkCore\.MySql|MySql\.EntityFrameworkCore|MySqlConnector|MySql\.Data", "mysql"),
    (r"Microsoft\.EntityFrameworkCore\.Sqlite(\..*)?|Microsoft\.Data\.Sqlite", "sqlite"),
    (r"Microsoft\.EntityFrameworkCore\.Cosmos|Microsoft\.Azure\.Cosmos", "cosmosdb"),
    (r"MongoDB\.Driver|MongoDB\.EntityFrameworkCore", "mongodb"),
    (r"StackExchange\.Redis", "redis"),
    (r"AWSSDK\.DynamoDBv2", "dynamodb"),
]
_EF = re.compile(r"(Microsoft|Npgsql|Pomelo|MySql|MongoDB)\.EntityFrameworkCore(\..*)?$")
_REF = re.compile(r"""<PackageReference\b[^>]*?\bInclude\s*=\s*["']([^"']+)["']""", re.I)
_HINTS = [("postgres", "postgresql"), ("npgsql", "postgresql"), ("mysql", "mysql"),
          ("maria", "mariadb"), ("sqlite", "sqlite"), ("sqlserver", "sqlserver"), ("mssql", "sqlserver"),
          ("cosmos", "cosmosdb"), ("mongo", "mongodb"), ("redis", "redis")]


def read_csproj(source: Source) -> Report:
    """Database packages and the entity-framework tool; test projects are low confidence.

    >>> [f.confidence for f in read_csproj(Source("T.Tests.csproj", '<PackageReference Include="MongoDB.Driver" />')).findings]
    ['low']
    """
    report = Report(source)
    testy = bool(re.search(r"Tests?\.[cf]sproj$", source.rel)
                 or "Microsoft.NET.Test.Sdk" in source.text)
    confidence = "low" if testy else "high"
    for m in _REF.finditer(source.text):
        package, line = m.group(1), source.line_at(m.start())
        tech = next((t for p, t in PACKAGES if re.fullmatch(p, package, re.I)), None)
        if tech:
            report.technology(tech, line, confidence)
        if _EF.match(package):
            report.tool("entity-framework", line, confidence)
    return report


def read_appsettings(source: Source) -> Report:
    """``ConnectionStrings`` entries; appsettings.Development.json outranks appsettings.json.

    >>> text = '{"ConnectionStrings": {"Db": "Data Source=app.db"}}'
    >>> [c.url for c in read_appsettings(Source("appsettings.json", text)).candidates]
    ['sqlite:///app.db']
    """
    report = Report(source)
    text = re.sub(r",(\s*[}\]])", r"\1", strip_js_comments(source.text))  # .NET allows both
    try:
        data = json.loads(text)
    except ValueError as e:
        report.note(f"invalid JSON ({e}); skipped")
        return report
    strings = data.get("ConnectionStrings") if isinstance(data, dict) else None
    if not isinstance(strings, dict):
        return report
    rank = _rank(source.name)
    for name, value in strings.items():
        if not isinstance(value, str) or not value.strip():
            continue
        hint = next((t for word, t in _HINTS if word in name.lower()), None)
        parsed = from_ado(value, hint)
        if parsed is None and hint == "redis" and "=" not in value.split(",")[0]:
            parsed = "redis", f"redis://{value.split(',')[0].strip()}"  # StackExchange.Redis form
        if parsed is None:
            continue
        tech, url = parsed
        m = re.search(r'"%s"\s*:' % re.escape(name), source.text)
        line = source.line_at(m.start()) if m else None
        report.technology(tech, line)
        if tech == "sqlite" and not url.startswith("sqlite:////"):
            url = sqlite_url(url[len("sqlite:///"):], source.dir)
        report.connection(name, tech, url, line, rank)
    return report


def _rank(filename: str) -> int:
    lowered = filename.lower()
    if "test" in lowered:
        return RANK["test"]
    if "development" in lowered or "local" in lowered:
        return RANK["config"] + 1
    if lowered == "appsettings.json":
        return RANK["config"]
    return RANK["config_other"]
