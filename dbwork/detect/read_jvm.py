"""Readers for Flyway (``flyway.conf``, ``flyway.toml``) and Liquibase
(``liquibase.properties``): JDBC URLs turned into dbwork URLs.

>>> r = read_flyway_conf(Source("flyway.conf", "flyway.url=jdbc:postgresql://localhost:5432/shop\\nflyway.user=app\\nflyway.password=pw\\n"))
>>> [(c.name, c.url, c.evidence[0].line) for c in r.candidates]
[('flyway', 'postgresql://app:pw@localhost:5432/shop', 1)]
"""
from __future__ import annotations

import re
import tomllib

from .sources import RANK, Report, Source
from .textscan import key_values
from .urls import from_jdbc, technology_of

_ENV = re.compile(r"\$\{env\.(\w+)\}")


def _expand(report: Report, value: str, used: list) -> str | None:
    """Flyway's ``${env.X}`` placeholders, through the project's env files."""
    missing = []

    def one(m):
        var = report.source.env(m.group(1))
        if var is None:
            missing.append(m.group(1))
            return ""
        used.append(var)
        return var.value
    value = _ENV.sub(one, value)
    return None if missing or "${" in value else value


def _add(report: Report, tool: str, url: str, user, password, line: int) -> None:
    used: list = []
    tech = technology_of(url)
    if tech is None:
        return
    report.technology(tech, line)
    url, user, password = (_expand(report, v, used) if isinstance(v, str) else None
                           for v in (url, user, password))
    converted = from_jdbc(url, user, password) if url else None
    report.connection(tool, tech, converted, line, RANK["config"], used)


def read_flyway_conf(source: Source) -> Report:
    """``flyway.conf``: ``flyway.url``, ``flyway.user``, ``flyway.password``.

    >>> read_flyway_conf(Source("flyway.conf", "")).candidates
    []
    """
    report = Report(source)
    report.tool("flyway", 1, evidence=source.name)
    props = {k: (v, n) for k, v, n in key_values(source.text, "=")}
    if "flyway.url" in props:
        url, line = props["flyway.url"]
        _add(report, "flyway", url, props.get("flyway.user", (None,))[0],
             props.get("flyway.password", (None,))[0], line)
    return report


def read_flyway_toml(source: Source) -> Report:
    """``flyway.toml``: ``[environments.<name>]`` url/user/password; the selected one first.

    >>> text = '[environments.default]\\nurl = "jdbc:sqlite:app.db"\\n'
    >>> [c.url for c in read_flyway_toml(Source("flyway.toml", text)).candidates]
    ['sqlite:///app.db']
    """
    report = Report(source)
    try:
        data = tomllib.loads(source.text)
    except (tomllib.TOMLDecodeError, ValueError) as e:
        report.note(f"invalid TOML ({e}); skipped")
        return report
    report.tool("flyway", 1, evidence=source.name)
    selected = (data.get("flyway") or {}).get("environment", "default")
    for name, env in (data.get("environments") or {}).items():
        if isinstance(env, dict) and isinstance(env.get("url"), str):
            m = re.search(r"(?m)^\s*url\s*=\s*['\"]%s" % re.escape(env["url"]), source.text)
            line = source.line_at(m.start()) if m else None
            tool = "flyway" if name == selected else f"flyway.{name}"
            _add(report, tool, env["url"], env.get("user"), env.get("password"), line)
    return report


def read_liquibase(source: Source) -> Report:
    """``liquibase.properties``: ``url``, ``username``, ``password`` (``:`` or ``=``).

    >>> r = read_liquibase(Source("liquibase.properties", "url=jdbc:mysql://h/db\\nusername=u"))
    >>> [c.url for c in r.candidates]
    ['mysql://u@h/db']
    """
    report = Report(source)
    report.tool("liquibase", 1, evidence=source.name)
    props = {k.removeprefix("liquibase.command."): (v, n) for k, v, n in key_values(source.text)}
    if "url" in props:
        url, line = props["url"]
        _add(report, "liquibase", url, props.get("username", (None,))[0],
             props.get("password", (None,))[0], line)
    return report
