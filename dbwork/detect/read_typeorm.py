"""Reader for TypeORM: ``ormconfig.json`` and ``new DataSource({...})`` /
``TypeOrmModule.forRoot({...})`` in TS/JS source.

>>> src = Source("src/data-source.ts", 'export const ds = new DataSource({\\n  type: "mysql",\\n  host: "localhost", username: "root", database: "app" })')
>>> [(c.name, c.url, c.evidence[0].line) for c in read_source(src).candidates]
[('typeorm', 'mysql://root@localhost/app', 2)]
"""
from __future__ import annotations

import re

from .jsconfig import config_url
from .sources import RANK, Report, Source
from .textscan import Value, parse_js_value, strip_js_comments

TYPES = {"postgres": "postgresql", "aurora-postgres": "postgresql", "cockroachdb": "postgresql",
         "mysql": "mysql", "aurora-mysql": "mysql", "mariadb": "mariadb", "sqlite": "sqlite",
         "better-sqlite3": "sqlite", "sqljs": "sqlite", "mssql": "sqlserver", "mongodb": "mongodb"}
_START = re.compile(r"\bnew\s+DataSource\s*\(\s*\{|\bTypeOrmModule\.forRoot\s*\(\s*\{"
                    r"|\bcreateConnection\s*\(\s*\{")


_EXAMPLE = re.compile(r"\.(example|sample|template|dist)$")


def read_ormconfig(source: Source) -> Report:
    """``ormconfig.json`` (or ``ormconfig.json.example``, ranked as an example): one
    object or a list of named connections.

    >>> [c.url for c in read_ormconfig(Source("ormconfig.json", '{"type": "sqlite", "database": "db.sqlite"}')).candidates]
    ['sqlite:///db.sqlite']
    """
    report = Report(source)
    data = report.json()
    if data is None:
        return report
    report.tool("typeorm", 1)
    for i, item in enumerate(data if isinstance(data, list) else [data]):
        if isinstance(item, dict):
            props = {k: Value(v if isinstance(v, str) else str(v), 0) for k, v in item.items()
                     if isinstance(v, (str, int))}
            line = source.line_at(source.text.find('"type"')) if i == 0 else None
            name = "typeorm" if item.get("name", "default") == "default" else f"typeorm.{item['name']}"
            _add(report, name, props, line, _EXAMPLE.search(source.name) is not None)
    return report


def read_source(source: Source) -> Report:
    """``new DataSource({...})`` and friends in a TS/JS file.

    >>> read_source(Source("a.ts", "export {}")).findings
    []
    """
    report = Report(source)
    if "DataSource" not in source.text and "TypeOrmModule" not in source.text \
            and "createConnection" not in source.text:
        return report
    text = strip_js_comments(source.text)
    for m in _START.finditer(text):
        props, _ = parse_js_value(text, m.end() - 1)
        if isinstance(props, dict) and "type" in props:
            report.tool("typeorm", source.line_at(m.start()))
            _add(report, "typeorm", props, source.line_at(props["type"].offset))
    return report


def _add(report: Report, name: str, props: dict, line: int | None,
         example: bool = False) -> None:
    kind = props.get("type")
    tech = TYPES.get(kind.value) if isinstance(kind, Value) and isinstance(kind.value, str) else None
    if tech is None:
        return
    report.technology(tech, line)
    url, used = config_url(tech, props, report.source.env, report.source.dir)
    report.connection(name, tech, url, line, RANK["example" if example else "config"], used)
