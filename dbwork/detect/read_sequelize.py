"""Reader for Sequelize's ``config/config.json`` (development, test, production).

>>> text = '{"development": {"username": "app", "password": null, "database": "shop_dev",\\n "host": "127.0.0.1", "dialect": "postgres"}}'
>>> [(c.name, c.url, c.rank) for c in read(Source("config/config.json", text)).candidates]
[('sequelize', 'postgresql://app@127.0.0.1/shop_dev', 65)]
"""
from __future__ import annotations

import re

from .jsconfig import config_url
from .sources import RANK, Report, Source
from .textscan import Value

DIALECTS = {"postgres": "postgresql", "mysql": "mysql", "mariadb": "mariadb", "sqlite": "sqlite",
            "mssql": "sqlserver"}


def read(source: Source) -> Report:
    """One candidate per environment; development ranks highest, test is low.

    >>> read(Source("config/config.json", "[]")).candidates
    []
    """
    report = Report(source)
    data = report.json()
    if data is None:
        return report
    if not isinstance(data, dict):
        return report
    for env_name, config in data.items():
        if not isinstance(config, dict) or config.get("dialect") not in DIALECTS:
            continue
        tech = DIALECTS[config["dialect"]]
        m = re.search(r'"%s"\s*:' % re.escape(env_name), source.text)
        line = source.line_at(m.start()) if m else None
        report.tool("sequelize", line)
        report.technology(tech, line)
        props = {k: Value(str(v), 0) for k, v in config.items() if isinstance(v, (str, int))}
        url, used = config_url(tech, props, source.env, "")  # sqlite storage: relative to cwd
        rank = _rank(env_name)
        name = "sequelize" if env_name == "development" else f"sequelize.{env_name}"
        report.connection(name, tech, url, line, rank, used)
    return report


def _rank(env_name: str) -> int:
    lowered = env_name.lower()
    if "test" in lowered:
        return RANK["test"]
    return RANK["config"] if lowered in ("development", "dev", "local") else RANK["config_other"]
