"""Reader for JS/TS source files: ``mongoose.connect(...)`` / ``createConnection(...)``,
and Drizzle's ``drizzle.config.*`` (``dialect`` and ``dbCredentials``).

Comments are removed first, so ``// mongoose.connect("mongodb://old")`` is ignored.

>>> text = 'const mongoose = require("mongoose");\\n// mongoose.connect("mongodb://old/x")\\nmongoose.connect("mongodb://localhost:27017/blog");'
>>> [(c.name, c.url, c.evidence[0].line) for c in read(Source("src/db.js", text)).candidates]
[('mongoose', 'mongodb://localhost:27017/blog', 3)]
"""
from __future__ import annotations

import re

from .jsconfig import config_url, resolve
from .sources import RANK, Report, Source
from .textscan import parse_js_value, strip_js_comments
from .urls import is_placeholder, technology_of

_CONNECT = re.compile(r"\bmongoose\s*\.\s*(?:connect|createConnection)\s*\(")
_IMPORT = re.compile(r"""require\(\s*["']mongoose["']\s*\)|from\s+["']mongoose["']""")
DIALECTS = {"postgresql": "postgresql", "pg": "postgresql", "mysql": "mysql", "sqlite": "sqlite",
            "turso": "sqlite", "singlestore": "mysql", "mssql": "sqlserver"}


def read(source: Source) -> Report:
    """Mongoose connections in a source file.

    >>> read(Source("a.js", "const x = 1")).findings
    []
    """
    report = Report(source)
    if "mongoose" not in source.text:
        return report
    text = strip_js_comments(source.text)
    m = _IMPORT.search(text)
    if m:
        report.tool("mongoose", source.line_at(m.start()))
    for m in _CONNECT.finditer(text):
        value, _ = parse_js_value(text, m.end())
        url, used = resolve(value, source.env)
        line = source.line_at(m.start())
        report.tool("mongoose", line)
        report.technology("mongodb", line)
        ok = url and technology_of(url) == "mongodb" and not is_placeholder(url)
        report.connection("mongoose", "mongodb", url if ok else None, line, RANK["config"], used)
    return report


def read_drizzle(source: Source) -> Report:
    """``drizzle.config.ts``: ``dialect: "postgresql"``, ``dbCredentials: { url }``.

    >>> text = 'export default defineConfig({ dialect: "sqlite", dbCredentials: { url: "local.db" } })'
    >>> [f.name for f in read_drizzle(Source("drizzle.config.ts", text)).findings][:2]
    ['drizzle', 'sqlite']
    """
    report = Report(source)
    report.tool("drizzle", 1, evidence=source.name)
    text = strip_js_comments(source.text)
    m = re.search(r"defineConfig\s*\(\s*\{|export\s+default\s+\{|=\s*\{", text)
    if not m:
        return report
    props, _ = parse_js_value(text, m.end() - 1)
    if not isinstance(props, dict):
        return report
    kind = props.get("dialect") or props.get("driver")
    tech = DIALECTS.get(kind.value) if kind and isinstance(kind.value, str) else None
    if tech is None:
        return report
    line = source.line_at(kind.offset)
    report.technology(tech, line)
    creds = props.get("dbCredentials")
    if creds and isinstance(creds.value, dict):
        url, used = config_url(tech, creds.value, source.env, source.dir)
        report.connection("drizzle", tech, url, line, RANK["config"], used)
    return report
