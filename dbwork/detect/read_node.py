"""Reader for ``package.json``: database drivers and tools among the dependencies.

Packages only in ``devDependencies`` are reported with low confidence.

>>> r = read(Source("package.json", '{"dependencies": {"pg": "^8"},\\n "devDependencies": {"prisma": "^5"}}'))
>>> [(f.name, f.line, f.confidence) for f in r.findings]
[('postgresql', 1, 'high'), ('prisma', 2, 'low')]
"""
from __future__ import annotations

import json

from .sources import Report, Source

# package -> (kind, name)
PACKAGES = {
    "pg": ("technology", "postgresql"), "pg-promise": ("technology", "postgresql"),
    "postgres": ("technology", "postgresql"), "@neondatabase/serverless": ("technology", "postgresql"),
    "@vercel/postgres": ("technology", "postgresql"), "mysql": ("technology", "mysql"),
    "mysql2": ("technology", "mysql"), "mariadb": ("technology", "mariadb"),
    "sqlite3": ("technology", "sqlite"), "better-sqlite3": ("technology", "sqlite"),
    "mongodb": ("technology", "mongodb"), "redis": ("technology", "redis"),
    "ioredis": ("technology", "redis"), "@azure/cosmos": ("technology", "cosmosdb"),
    "@aws-sdk/client-dynamodb": ("technology", "dynamodb"),
    "@aws-sdk/lib-dynamodb": ("technology", "dynamodb"), "dynamoose": ("technology", "dynamodb"),
    "mssql": ("technology", "sqlserver"), "tedious": ("technology", "sqlserver"),
    "typeorm": ("tool", "typeorm"), "sequelize": ("tool", "sequelize"),
    "mongoose": ("tool", "mongoose"), "prisma": ("tool", "prisma"),
    "@prisma/client": ("tool", "prisma"), "knex": ("tool", "knex"),
    "drizzle-orm": ("tool", "drizzle"), "drizzle-kit": ("tool", "drizzle"),
}
ALSO = {"mongoose": ("technology", "mongodb")}  # mongoose is a tool and implies MongoDB
SECTIONS = {"dependencies": "high", "peerDependencies": "medium",
            "optionalDependencies": "medium", "devDependencies": "low"}


def read(source: Source) -> Report:
    """One finding per known package, at the line that names it.

    >>> read(Source("package.json", "not json")).notes
    ['package.json: invalid JSON (Expecting value: line 1 column 1 (char 0)); skipped']
    """
    report = Report(source)
    data = report.json()
    if data is None:
        return report
    if not isinstance(data, dict):
        return report
    seen: dict[tuple, str] = {}
    for section, confidence in SECTIONS.items():
        deps = data.get(section)
        if not isinstance(deps, dict):
            continue
        start = _offset(source.text, f'"{section}"')
        for package in deps:
            for kind, name in filter(None, (PACKAGES.get(package), ALSO.get(package))):
                if seen.get((kind, name)) == "high":
                    continue
                line = source.line_at(_offset(source.text, json.dumps(package), start))
                getattr(report, kind)(name, line, confidence)
                seen[(kind, name)] = confidence
    return report


def _offset(text: str, needle: str, start: int = 0) -> int:
    i = text.find(needle, start)
    return i if i >= 0 else start
