"""Turn a parsed JS/JSON config object (host, port, user, ... or url) into a URL.

Shared by the TypeORM, Sequelize, Knex, Drizzle and Mongoose readers.

>>> from dbwork.detect.textscan import parse_js_value
>>> obj, _ = parse_js_value('{host: "db", port: 5433, username: "app", database: "shop"}', 0)
>>> config_url("postgresql", obj, lambda n: None, "")
('postgresql://app@db:5433/shop', [])
"""
from __future__ import annotations

from .textscan import EnvRef, Value, interpolate
from .urls import SCHEME, build_url, is_placeholder, sqlite_url, technology_of

USER_KEYS = ("username", "user")
URL_KEYS = ("url", "uri", "connectionString", "connection_string", "use_env_variable")


def resolve(value, env) -> tuple[str | None, list]:
    """A plain string for a JS value: env refs looked up, ``${X}`` expanded; else None.

    >>> from dbwork.detect.textscan import EnvRef
    >>> resolve(EnvRef("X", "d"), lambda n: None)
    ('d', [])
    """
    if isinstance(value, Value):
        value = value.value
    if isinstance(value, EnvRef):
        var = env(value.name)
        return (var.value, [var]) if var else (value.default, [])
    if isinstance(value, str):
        if "${" not in value:
            return value, []
        used = []
        def look(name):
            var = env(name)
            if var:
                used.append(var)
            return var.value if var else None
        text, _, missing = interpolate(value, look)
        return (None if missing else text), used
    return None, []


def config_url(tech: str, props: dict, env, base_dir: str) -> tuple[str | None, list]:
    """``(url, env vars used)`` from a config object; url None when it cannot be known.

    >>> config_url("sqlite", {"filename": "./dev.sqlite3"}, lambda n: None, "api")
    ('sqlite:///api/dev.sqlite3', [])
    """
    for key in URL_KEYS:
        if key in props:
            raw = props[key].value if isinstance(props[key], Value) else props[key]
            if key == "use_env_variable" and isinstance(raw, str):
                raw = EnvRef(raw)
            url, used = resolve(raw, env)
            if url and not is_placeholder(url) and technology_of(url):
                return url, used
            return None, used
    if tech == "sqlite":
        path, used = resolve(props.get("filename") or props.get("storage") or props.get("database"), env)
        return (sqlite_url(path, base_dir) if path else None), used
    used: list = []
    parts = {}
    for key in ("host", "port", "username", "user", "password", "database", "db"):
        if key in props:
            parts[key], vars_ = resolve(props[key], env)
            used += vars_
    user = parts.get("username") or parts.get("user")
    database = parts.get("database") or parts.get("db")
    if not (parts.get("host") or database):
        return None, used
    return build_url(SCHEME.get(tech, tech), user, parts.get("password"),
                     parts.get("host") or "localhost", parts.get("port"), database), used
