"""Reader for ``knexfile.js``/``knexfile.ts``: ``client`` and ``connection`` per environment.

The exported object is read with a small JS-literal parser (comments removed first), so a
commented-out connection is ignored and ``process.env.X || "default"`` resolves.

>>> text = "module.exports = {\\n  development: {\\n    client: 'pg',\\n    // connection: 'postgres://old',\\n    connection: 'postgres://app@localhost/shop'\\n  }\\n};"
>>> [(c.name, c.url, c.evidence[0].line) for c in read(Source("knexfile.js", text)).candidates]
[('knex', 'postgres://app@localhost/shop', 3)]
"""
from __future__ import annotations

import re

from .jsconfig import config_url
from .sources import RANK, Report, Source
from .textscan import parse_js_value, strip_js_comments

CLIENTS = {"pg": "postgresql", "postgres": "postgresql", "postgresql": "postgresql",
           "pg-native": "postgresql", "mysql": "mysql", "mysql2": "mysql", "mariadb": "mariadb",
           "sqlite3": "sqlite", "better-sqlite3": "sqlite", "sqlite": "sqlite", "mssql": "sqlserver",
           "tedious": "sqlserver"}
_EXPORT = re.compile(r"module\.exports\s*=\s*\{|export\s+default\s+\{|\bconst\s+\w+\s*(?::\s*[\w.<>\[\], {}]+?)?=\s*\{")


def read(source: Source) -> Report:
    """The knex tool, plus one candidate per environment with a known client.

    >>> [c.url for c in read(Source("knexfile.js", "module.exports = { client: 'pg', connection: 'postgres://h/db' }")).candidates]
    ['postgres://h/db']
    """
    report = Report(source)
    report.tool("knex", 1, evidence=source.name)
    text = strip_js_comments(source.text)
    for m in _EXPORT.finditer(text):
        obj, _ = parse_js_value(text, m.end() - 1)
        if not isinstance(obj, dict):
            continue
        if "client" in obj:
            _env(report, text, "knex", obj)
        for key, value in obj.items():
            if isinstance(value.value, dict) and "client" in value.value:
                _env(report, text, "knex" if key == "development" else f"knex.{key}", value.value, key)
    return report


def _env(report: Report, text: str, name: str, props: dict, env_name: str = "development") -> None:
    client = props["client"].value
    tech = CLIENTS.get(client) if isinstance(client, str) else None
    if tech is None or any(c.name == name for c in report.candidates):
        return
    line = report.source.line_at(props["client"].offset)
    report.technology(tech, line)
    conn = props.get("connection")
    conn_props = conn.value if conn and isinstance(conn.value, dict) else (
        {"url": conn} if conn else {})
    url, used = config_url(tech, conn_props, report.source.env, report.source.dir)
    lowered = env_name.lower()
    rank = RANK["test"] if "test" in lowered else RANK["config"] if lowered in (
        "development", "dev", "local") else RANK["config_other"]
    report.connection(name, tech, url, line, rank, used)

