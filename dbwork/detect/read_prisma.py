"""Reader for Prisma schemas: the ``datasource`` block's provider and url.

``url = env("DATABASE_URL")`` resolves through the project's ``.env``; ``file:./dev.db``
is relative to the schema file, as Prisma reads it.

>>> r = read(Source("prisma/schema.prisma", 'datasource db {\\n  provider = "sqlite"\\n  url = "file:./dev.db"\\n}'))
>>> [(c.name, c.url) for c in r.candidates], [f.name for f in r.findings if f.kind != "connection"]
([('prisma', 'sqlite:///prisma/dev.db')], ['prisma', 'sqlite'])
"""
from __future__ import annotations

import re

from .sources import RANK, Report, Source
from .textscan import strip_js_comments
from .urls import is_placeholder, sqlite_url, technology_of

PROVIDERS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql",
             "sqlite": "sqlite", "sqlserver": "sqlserver", "mongodb": "mongodb",
             "cockroachdb": "postgresql"}
_BLOCK = re.compile(r"\b(datasource|generator)\s+(\w+)\s*\{([^{}]*)\}")
_FIELD = re.compile(r"""\b(provider|url)\s*=\s*(?:env\(\s*"([^"]+)"\s*\)|"([^"]*)")""")


def read(source: Source) -> Report:
    """Find the datasource provider and url; a generator block means the Prisma tool.

    >>> text = 'datasource db {\\n  provider = "mysql"\\n  url = env("DB")\\n}'
    >>> [(f.kind, f.confidence) for f in read(Source("schema.prisma", text)).findings][-1]
    ('connection', 'low')
    """
    report = Report(source)
    text = strip_js_comments(source.text)  # Prisma comments are // and ///
    for block in _BLOCK.finditer(text):
        start = block.start()
        if block.group(1) == "generator":
            report.tool("prisma", source.line_at(start))
            continue
        fields = {m.group(1): m for m in _FIELD.finditer(block.group(3))}
        provider = fields.get("provider")
        tech = PROVIDERS.get(provider.group(3) or "") if provider else None
        if provider is None or tech is None:
            continue
        report.tool("prisma", source.line_at(start))
        report.technology(tech, source.line_at(block.start(3) + provider.start()))
        if "url" in fields:
            _url(report, tech, fields["url"], source.line_at(block.start(3) + fields["url"].start()))
    return report


def _url(report: Report, tech: str, m: re.Match, line: int) -> None:
    source = report.source
    used = []
    value = m.group(3)
    if m.group(2):  # env("NAME")
        var = source.env(m.group(2))
        if var is None:
            report.connection("prisma", tech, None, line)
            return
        used, value = [var], var.value
    if not value or is_placeholder(value):
        report.connection("prisma", tech, None, line)
        return
    if tech == "sqlite" or value.startswith("file:"):
        value = sqlite_url(value, source.dir)
    elif technology_of(value) is None:
        return
    report.connection("prisma", tech, value, line, RANK["config"], used)
