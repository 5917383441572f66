"""Reader for docker-compose files: database services, their environment and ports.

A service's URL uses 127.0.0.1 and the published host port (``"5433:5432"`` -> 5433),
with the user, password and database from its environment (``${VAR:-default}``
resolved through ``.env``). An explicit URL elsewhere outranks it.

>>> text = "services:\\n  db:\\n    image: postgres:16\\n    environment:\\n      POSTGRES_PASSWORD: pw\\n    ports: ['5433:5432']\\n"
>>> [(c.name, c.url) for c in read(Source("docker-compose.yml", text)).candidates]
[('db', 'postgresql://postgres:pw@127.0.0.1:5433/postgres')]
"""
from __future__ import annotations

import re
from urllib.parse import quote

from . import yamlish
from .sources import RANK, Report, Source
from .textscan import interpolate
from .urls import DEFAULT_PORT, build_url

# image repository (registry and tag removed) -> technology
IMAGES = [
    (r"(.*/)?postgres|.*/postgresql|postgis/postgis|timescale/timescaledb(-ha)?|supabase/postgres"
     r"|.*/pgvector|ankane/pgvector", "postgresql"),
    (r"(.*/)?mysql|mysql/mysql-server|.*/percona-server|percona", "mysql"),
    (r"(.*/)?mariadb", "mariadb"),
    (r"(.*/)?mongo|.*/mongodb|mongodb/mongodb-community-server", "mongodb"),
    (r"(.*/)?redis|redis/redis-stack(-server)?|.*/valkey|valkey", "redis"),
    (r"(.*/)?mssql/server|(.*/)?azure-sql-edge|mssql/.*", "sqlserver"),
    (r".*azure-cosmos-emulator.*|.*cosmosdb.*", "cosmosdb"),
    (r"(.*/)?dynamodb-local|.*/dynamodb-local", "dynamodb"),
]
COMPOSE_FILES = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
_TESTY = re.compile(r"(^|[._-])(test|tests|testing|ci|e2e)($|[._-])", re.I)


def technology_of_image(image: str) -> str | None:
    """``postgres:16-alpine`` -> postgresql, ``docker.io/library/mongo:7`` -> mongodb.

    >>> technology_of_image("mcr.microsoft.com/mssql/server:2022-latest")
    'sqlserver'
    """
    repo = image.split("@")[0]
    repo = re.sub(r":[\w.-]+$", "", repo).lower()
    repo = re.sub(r"^(docker\.io/|index\.docker\.io/)?(library/)?", "", repo)
    for pattern, tech in IMAGES:
        if re.fullmatch(pattern, repo):
            return tech
    return None


def read(source: Source) -> Report:
    """One candidate per database service; a technology finding per database image.

    >>> text = "services:\\n  cache:\\n    image: redis:7\\n"
    >>> [(c.name, c.url, c.rank) for c in read(Source("compose.yaml", text)).candidates]
    [('cache', 'redis://127.0.0.1:6379/0', 45)]
    """
    report = Report(source)
    doc = yamlish.load(source.text)
    services = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict):
        return report
    for name, service in services.items():
        if isinstance(service, dict) and (isinstance(service.get("image"), str)
                                          or "build" in service):
            _service(report, name, service)
    return report


def _service(report: Report, name: str, service: dict) -> None:
    lookup = lambda n: (lambda v: v.value if v else None)(report.source.env(n))  # noqa: E731
    image = interpolate(str(service.get("image") or ""), lookup)[0]
    tech = technology_of_image(image) if image else None
    hint = None
    if tech is None:
        tech, hint = _technology_by_hint(service)
    if tech is None:
        return
    line = service.key_line.get("image") or service.key_line.get("command") \
        or service.key_line.get("ports") or service.key_line.get("build")
    report.technology(tech, line)
    env = _environment(service.get("environment"), lookup)
    port = _published(service.get("ports"), DEFAULT_PORT[tech], lookup)
    rank = RANK["compose"] if port else RANK["compose_hidden"]
    if _TESTY.search(name) or _TESTY.search(report.source.name.replace("compose", "")):
        rank = RANK["test"]
    url = _url(tech, env, port or DEFAULT_PORT[tech])
    shown = f"{name}: image {image or '(built)'}" + (f" ({hint})" if hint else "") + \
        (f", host port {port}" if port else ", port not published")
    report.connection(name, tech, url, line, rank, evidence=shown)


_MONGOD = re.compile(r"(^|[\s/\"'\[,])mongod($|[\s\"',\]])")


def _technology_by_hint(service: dict) -> tuple[str | None, str | None]:
    """A service whose image does not say what it is (a private image, a build): MongoDB
    by its ``mongod`` command or entrypoint, or by the port 27017 it exposes."""
    for key in ("command", "entrypoint"):
        value = service.get(key)
        text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
        if _MONGOD.search(text):
            return "mongodb", f"{key} runs mongod"
    ports = service.get("ports") if isinstance(service.get("ports"), list) else []
    exposed = service.get("expose") if isinstance(service.get("expose"), list) else []
    for item in ports + exposed:
        target = str(item.get("target")) if isinstance(item, dict) else \
            str(item).split("/")[0].rsplit(":", 1)[-1]
        if target == "27017":
            return "mongodb", "port 27017"
    return None, None


def _environment(value, lookup) -> dict[str, str]:
    pairs: dict[str, str] = {}
    if isinstance(value, dict):
        pairs = {str(k): "" if v is None else str(v) for k, v in value.items()}
    elif isinstance(value, list):
        for item in value:
            key, _, v = str(item).partition("=")
            pairs[key.strip()] = v
    return {k: interpolate(v, lookup)[0] for k, v in pairs.items()}


def _published(ports, container: int, lookup) -> int | None:
    """The host port published for ``container`` (short or long syntax), or None."""
    for item in ports if isinstance(ports, list) else []:
        if isinstance(item, dict):
            if str(item.get("target")) == str(container) and item.get("published"):
                return _int(interpolate(str(item["published"]), lookup)[0])
            continue
        spec = interpolate(str(item), lookup)[0].split("/")[0]
        parts = spec.rsplit(":", 2)
        if len(parts) >= 2 and parts[-1] == str(container):
            return _int(parts[-2])
    return None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _url(tech: str, env: dict[str, str], port: int) -> str:
    g = lambda *names: next((env[n] for n in names if env.get(n)), None)  # noqa: E731
    host = "127.0.0.1"
    if tech == "postgresql":
        user = g("POSTGRES_USER", "POSTGRESQL_USERNAME") or "postgres"
        return build_url("postgresql", user, g("POSTGRES_PASSWORD", "POSTGRESQL_PASSWORD"), host,
                         port, g("POSTGRES_DB", "POSTGRESQL_DATABASE") or user)
    if tech in ("mysql", "mariadb"):
        p = "MARIADB_" if tech == "mariadb" else "MYSQL_"
        user = g(p + "USER", "MYSQL_USER")
        password = g(p + "PASSWORD", "MYSQL_PASSWORD") if user else g(
            p + "ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD")
        return build_url(tech, user or "root", password, host, port, g(p + "DATABASE", "MYSQL_DATABASE"))
    if tech == "mongodb":
        user = g("MONGO_INITDB_ROOT_USERNAME", "MONGODB_ROOT_USER")
        return build_url("mongodb", user, g("MONGO_INITDB_ROOT_PASSWORD", "MONGODB_ROOT_PASSWORD"),
                         host, port, g("MONGO_INITDB_DATABASE"), "authSource=admin" if user else "")
    if tech == "redis":
        return build_url("redis", None, None, host, port, "0") if not g("REDIS_PASSWORD") else \
            f"redis://:{quote(g('REDIS_PASSWORD'), safe='')}@{host}:{port}/0"
    if tech == "sqlserver":
        return build_url("mssql", "sa", g("MSSQL_SA_PASSWORD", "SA_PASSWORD"), host, port, "master")
    if tech == "cosmosdb":
        return f"https://{host}:{port}/"
    return f"dynamodb://{host}:{port}"  # dynamodb local: the URL dbwork.connect takes
