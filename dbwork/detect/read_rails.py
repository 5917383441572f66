"""Reader for Rails' ``config/database.yml`` (ERB tags, anchors, multi-database).

``<%= ENV["X"] %>`` and ``<%= ENV.fetch("X") { "d" } %>`` resolve through ``.env``;
sqlite paths are relative to the app root (the folder that holds ``config/``).

>>> text = "default: &default\\n  adapter: postgresql\\n  host: localhost\\ndevelopment:\\n  <<: *default\\n  database: app_dev\\n"
>>> [(c.name, c.url, c.evidence[0].line) for c in read(Source("config/database.yml", text)).candidates]
[('rails', 'postgresql://localhost/app_dev', 4)]
"""
from __future__ import annotations

import posixpath
import re

from . import yamlish
from .sources import RANK, Report, Source
from .textscan import interpolate
from .urls import build_url, is_placeholder, sqlite_url, technology_of

ADAPTERS = {"postgresql": "postgresql", "postgis": "postgresql", "mysql2": "mysql",
            "trilogy": "mysql", "mysql": "mysql", "sqlite3": "sqlite", "sqlserver": "sqlserver",
            "mongodb": "mongodb"}
_ERB_ENV = re.compile(r"""<%=\s*ENV(?:\[\s*["'](\w+)["']\s*\]|\.fetch\(\s*["'](\w+)["']\s*(?:,\s*["']?([^"')]*)["']?\s*)?\)"""
                      r"""(?:\s*\{\s*["']?([^"'}]*)["']?\s*\})?)\s*%>""")
_ERB = re.compile(r"<%.*?%>")


def read(source: Source) -> Report:
    """The rails tool, and one candidate per environment (and per database in it).

    >>> text = "development:\\n  adapter: sqlite3\\n  database: db/dev.sqlite3\\n"
    >>> [c.url for c in read(Source("config/database.yml", text)).candidates]
    ['sqlite:///db/dev.sqlite3']
    """
    report = Report(source)
    text = _ERB_ENV.sub(_placeholder, source.text)
    text = _ERB.sub("", text)
    doc = yamlish.load(text)
    if not isinstance(doc, dict):
        return report
    report.tool("rails", 1, evidence=source.name)
    app_root = posixpath.dirname(source.dir)
    for env_name, config in doc.items():
        if not isinstance(config, dict) or env_name.startswith(("default", "x-")):
            continue
        line = doc.key_line.get(env_name)
        if "adapter" in config or "url" in config:
            _add(report, _name(env_name, None), env_name, config, line, app_root)
        else:
            for db, sub in config.items():
                if isinstance(sub, dict):
                    _add(report, _name(env_name, db), env_name, sub, config.key_line.get(db), app_root)
    return report


def _placeholder(m: re.Match) -> str:
    name = m.group(1) or m.group(2)
    default = m.group(3) or m.group(4)
    return "${%s:-%s}" % (name, default) if default else "${%s}" % name


def _name(env_name: str, db: str | None) -> str:
    base = "rails" if env_name == "development" else f"rails.{env_name}"
    return base if db in (None, "primary") else f"{base}.{db}"


def _add(report: Report, name: str, env_name: str, config: dict, line, app_root: str) -> None:
    used = []

    def get(key):
        value = config.get(key)
        if not isinstance(value, str):
            return None
        def look(var):
            v = report.source.env(var)
            if v:
                used.append(v)
            return v.value if v else None
        text, _, missing = interpolate(value, look)
        return None if missing and not text else text

    tech = ADAPTERS.get(get("adapter") or "")
    url = get("url")
    if "url" in config:  # an explicit url wins; unresolved, it names no target
        ok = url and technology_of(url) and not is_placeholder(url)
        tech = tech or (technology_of(url) if ok else None)
        url = url if ok else None
    elif tech == "sqlite":
        url = sqlite_url(get("database") or "", app_root) if get("database") else None
    elif tech:
        url = build_url({"sqlserver": "mssql"}.get(tech, tech), get("username"), get("password"),
                        get("host") or "localhost", get("port"), get("database"))
    if tech is None:
        return
    report.technology(tech, line)
    lowered = env_name.lower()
    rank = RANK["test"] if "test" in lowered else RANK["config"] if lowered == "development" \
        else RANK["config_other"]
    report.connection(name, tech, url, line, rank, used)
