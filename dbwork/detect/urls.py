"""URL helpers for detection: which technology a URL names, building URLs from parts,
JDBC and ADO.NET connection strings, and a key that says "same database".

>>> technology_of("postgres://u@h/db"), technology_of("jdbc:sqlserver://h;databaseName=x")
('postgresql', 'sqlserver')
>>> build_url("postgresql", "app", "p@ss", "127.0.0.1", 5433, "shop")
'postgresql://app:p%40ss@127.0.0.1:5433/shop'
>>> from_jdbc("jdbc:postgresql://localhost:5432/shop", "app", "pw")
'postgresql://app:pw@localhost:5432/shop'
>>> same_key("postgresql://a@localhost:5432/x") == same_key("postgres://b@127.0.0.1/x")
True
"""
from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit

_SCHEME_TECH = {
    "postgres": "postgresql", "postgresql": "postgresql", "pgsql": "postgresql",
    "mysql": "mysql", "mysqlx": "mysql", "mariadb": "mariadb", "sqlite": "sqlite",
    "sqlite3": "sqlite", "file": "sqlite", "mongodb": "mongodb", "mongodb+srv": "mongodb",
    "redis": "redis", "rediss": "redis", "mssql": "sqlserver", "sqlserver": "sqlserver",
}
DEFAULT_PORT = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mongodb": 27017,
                "redis": 6379, "sqlserver": 1433, "cosmosdb": 8081, "dynamodb": 8000}
# scheme used when dbwork builds a URL for a technology
SCHEME = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mariadb",
          "mongodb": "mongodb", "redis": "redis", "sqlserver": "mssql", "sqlite": "sqlite"}
_LOCAL = {"localhost", "127.0.0.1", "0.0.0.0", "::1", ""}
_PLACEHOLDER = re.compile(r"^driver://|<[^>]*>|\buser:pass@localhost/dbname\b|\$\{|%\(")


def technology_of(url: str) -> str | None:
    """The technology a URL or connection string names, or None.

    >>> technology_of("mysql+pymysql://x@h/db"), technology_of("AccountEndpoint=https://a:443/;")
    ('mysql', 'cosmosdb')
    """
    text = url.strip()
    if text.lower().startswith("accountendpoint=") or ".documents.azure.com" in text:
        return "cosmosdb"
    if text.lower().startswith("jdbc:"):
        text = text[5:]
    m = re.match(r"([a-zA-Z][\w.+-]*):", text)
    if not m:
        return None
    scheme = m.group(1).lower()
    if scheme == "file" and not text.lower().startswith("file:"):
        return None
    return _SCHEME_TECH.get(scheme) or _SCHEME_TECH.get(scheme.split("+")[0])


def is_placeholder(url: str) -> bool:
    """True for template values such as alembic's ``driver://user:pass@localhost/dbname``.

    >>> is_placeholder("driver://user:pass@localhost/dbname"), is_placeholder("sqlite:///a.db")
    (True, False)
    """
    return bool(_PLACEHOLDER.search(url))


def build_url(scheme: str, user: str | None, password: str | None, host: str | None,
              port: int | str | None, database: str | None, query: str = "") -> str:
    """Compose a URL, quoting user and password.

    >>> build_url("mysql", "root", None, "localhost", None, "app")
    'mysql://root@localhost/app'
    """
    auth = ""
    if user:
        auth = quote(str(user), safe="")
        if password:
            auth += ":" + quote(str(password), safe="")
        auth += "@"
    netloc = auth + (host or "") + (f":{port}" if port not in (None, "") else "")
    return f"{scheme}://{netloc}/{database or ''}" + (f"?{query}" if query else "")


def sqlite_url(path: str, base_dir: str = "") -> str:
    """A sqlite URL for a file path, relative paths taken from ``base_dir`` (root-relative).

    >>> sqlite_url("./dev.db", "prisma"), sqlite_url(":memory:")
    ('sqlite:///prisma/dev.db', 'sqlite:///:memory:')
    """
    if path.startswith("file:"):
        path = path[5:]
    if path == ":memory:" or path.startswith("/"):
        return f"sqlite:///{path}"
    return "sqlite:///" + posixpath.normpath(posixpath.join(base_dir, path))


def from_jdbc(url: str, user: str | None = None, password: str | None = None) -> str | None:
    """Turn a JDBC URL (Flyway, Liquibase) into a dbwork URL; None if not understood.

    >>> from_jdbc("jdbc:sqlserver://db:1433;databaseName=shop;encrypt=false", "sa", "pw")
    'mssql://sa:pw@db:1433/shop'
    >>> from_jdbc("jdbc:sqlite:data/app.db")
    'sqlite:///data/app.db'
    """
    if not url.lower().startswith("jdbc:"):
        return None
    rest = url[5:]
    tech = technology_of(rest)
    if tech == "sqlite":
        return sqlite_url(rest.split(":", 1)[1])
    if tech == "sqlserver":
        m = re.match(r"sqlserver://([^;:/]+)(?::(\d+))?(?:;(.*))?$", rest, re.I)
        if not m:
            return None
        props = dict(_pairs(m.group(3) or ""))
        return build_url("mssql", user or props.get("user"), password or props.get("password"),
                         m.group(1), m.group(2), props.get("databasename") or props.get("database"))
    if tech is None or "://" not in rest:
        return None
    parts = urlsplit(rest)
    query = dict(_pairs(parts.query, "&"))
    user = user or parts.username or query.pop("user", None)
    password = password or parts.password or query.pop("password", None)
    try:
        port = parts.port
    except ValueError:
        return None
    return build_url(SCHEME[tech] if tech != "mariadb" else "mariadb", user, password,
                     parts.hostname, port, parts.path.lstrip("/"))


def _pairs(text: str, sep: str = ";"):
    for item in text.split(sep):
        key, eq, value = item.partition("=")
        if eq:
            yield key.strip().lower(), value.strip()


def from_ado(text: str, hint: str | None = None) -> tuple[str, str] | None:
    """Read an ADO.NET connection string into ``(technology, url)``, or None.

    The technology comes from the keys (``Host=`` is Npgsql, ``Data Source=x.db``
    SQLite, ``AccountEndpoint=`` Cosmos DB, ``Initial Catalog``/``Trusted_Connection``
    SQL Server) or from ``hint`` (e.g. from the connection string's name).

    >>> from_ado("Host=localhost;Port=5433;Database=shop;Username=app;Password=pw")
    ('postgresql', 'postgresql://app:pw@localhost:5433/shop')
    >>> from_ado("Server=localhost,1433;Database=shop;User Id=sa;Password=pw;TrustServerCertificate=True")
    ('sqlserver', 'mssql://sa:pw@localhost:1433/shop')
    """
    if "://" in text:
        tech = technology_of(text)
        return (tech, text) if tech else None
    props = dict(_pairs(text))
    if "accountendpoint" in props:
        return "cosmosdb", text
    tech = _ado_technology(props, hint)
    if tech is None:
        return None
    if tech == "sqlite":
        return tech, sqlite_url(props.get("data source") or props.get("filename") or "")
    server = props.get("host") or props.get("server") or props.get("data source") or ""
    server = re.sub(r"^tcp:", "", server)
    host, _, port = server.replace(",", ":").partition(":")
    port = props.get("port") or port or None
    database = props.get("database") or props.get("initial catalog")
    user = (props.get("username") or props.get("user id") or props.get("userid")
            or props.get("uid") or props.get("user"))
    password = props.get("password") or props.get("pwd")
    return tech, build_url(SCHEME[tech], user, password, host, port, database)


def _ado_technology(props: dict, hint: str | None) -> str | None:
    keys = set(props)
    source = props.get("data source", "")
    if "host" in keys or hint == "postgresql":
        return "postgresql"
    if source.endswith((".db", ".sqlite", ".sqlite3")) or "filename" in keys or hint == "sqlite":
        return "sqlite"
    if hint in ("mysql", "mariadb", "sqlserver"):
        return hint
    if keys & {"initial catalog", "trusted_connection", "trustservercertificate",
               "multipleactiveresultsets", "integrated security", "encrypt"}:
        return "sqlserver"
    if keys & {"uid", "sslmode", "allowuservariables"} or props.get("port") == "3306":
        return "mysql"
    if "server" in keys or "data source" in keys:
        return "sqlserver"
    return None


def same_key(url: str) -> tuple:
    """A key under which two URLs name the same database (user and password ignored).

    >>> same_key("sqlite:///a/../b.db")
    ('sqlite', 'b.db')
    """
    tech = technology_of(url)
    if tech == "sqlite":
        path = url.split(":", 1)[1].lstrip("/") if url.startswith("file:") else url.split("///", 1)[-1]
        return ("sqlite", posixpath.normpath(path.split("?")[0]))
    if tech is None or "://" not in url:
        return ("raw", url.strip())
    family = "mysql" if tech == "mariadb" else tech
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or DEFAULT_PORT.get(tech)
    except ValueError:
        return ("raw", url.strip())
    host = "local" if host in _LOCAL else host
    return (family, host, port, parts.path.strip("/"))
