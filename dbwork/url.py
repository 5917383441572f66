"""Database URLs as people write them: parse, pick the driver, mask the password.

>>> mask_url("postgresql://app:s3cret@db:5432/shop")
'postgresql://app:***@db:5432/shop'
>>> DatabaseURL.parse("mariadb://root@127.0.0.1/test").sqlalchemy_url()
'mysql+pymysql://root@127.0.0.1/test'
>>> DatabaseURL.parse("sqlite:///dbwork.sqlite").dialect
'sqlite'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from .errors import ConfigError

# scheme as written -> (dialect, SQLAlchemy driver name)
_SCHEMES = {
    "sqlite": ("sqlite", "sqlite"),
    "postgresql": ("postgresql", "postgresql+psycopg"),
    "postgres": ("postgresql", "postgresql+psycopg"),
    "postgresql+psycopg": ("postgresql", "postgresql+psycopg"),
    "postgresql+psycopg2": ("postgresql", "postgresql+psycopg2"),
    "mysql": ("mysql", "mysql+pymysql"),
    "mariadb": ("mysql", "mysql+pymysql"),
    "mysql+pymysql": ("mysql", "mysql+pymysql"),
    "mariadb+pymysql": ("mysql", "mysql+pymysql"),
    "mongodb": ("mongodb", "mongodb"),
    "mongodb+srv": ("mongodb", "mongodb+srv"),
    "mssql": ("mssql", "mssql+pyodbc"),
    "sqlserver": ("mssql", "mssql+pyodbc"),
}

_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)")
_QUERY_SECRET = re.compile(r"(?i)((?:password|passwd|pwd|secret|token|key)=)[^&\s;]+")


def mask_url(text: str) -> str:
    """Replace every password in ``text`` (URLs and key=value secrets) by ``***``."""
    text = _PASSWORD.sub(lambda m: m.group("head") + "***" + m.group("tail"), text)
    return _QUERY_SECRET.sub(r"\1***", text)


@dataclass(frozen=True)
class DatabaseURL:
    scheme: str
    dialect: str
    driver: str
    username: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    query: str = ""

    @classmethod
    def parse(cls, url: str) -> "DatabaseURL":
        if not isinstance(url, str) or "://" not in url:
            raise ConfigError(f"not a database URL: {mask_url(str(url))!r} "
                              "(expected e.g. postgresql://user@host/db or sqlite:///file.sqlite)")
        scheme = url.split("://", 1)[0].lower()
        if scheme not in _SCHEMES:
            known = ", ".join(sorted({s.split('+')[0] for s in _SCHEMES}))
            raise ConfigError(f"unsupported database URL scheme '{scheme}' (known: {known})")
        dialect, driver = _SCHEMES[scheme]
        if dialect == "sqlite":
            return cls._sqlite(scheme, url)
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as e:
            raise ConfigError(f"malformed URL {mask_url(url)!r}: {e}") from None
        return cls(scheme, dialect, driver, _unq(parts.username), _unq(parts.password),
                   parts.hostname, port, parts.path.lstrip("/") or None, parts.query)

    @classmethod
    def _sqlite(cls, scheme: str, url: str) -> "DatabaseURL":
        rest = url.split("://", 1)[1]
        if rest.startswith("/"):
            rest = rest[1:]
        path, _, query = rest.partition("?")
        return cls(scheme, "sqlite", "sqlite", None, None, None, None, path or ":memory:", query)

    def sqlalchemy_url(self, hide_password: bool = False) -> str:
        if self.dialect == "sqlite":
            q = f"?{self.query}" if self.query else ""
            return f"sqlite:///{self.database}{q}"
        return f"{self.driver}://{self._netloc(hide_password)}/{self.database or ''}" + (
            f"?{self.query}" if self.query else "")

    def _netloc(self, hide_password: bool) -> str:
        auth = ""
        if self.username:
            auth = quote(self.username, safe="")
            if self.password is not None:
                auth += ":" + ("***" if hide_password else quote(self.password, safe=""))
            auth += "@"
        host = self.host or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{self.port}" if self.port else ""
        return f"{auth}{host}{port}"

    def masked(self) -> str:
        """The URL for display: never the password."""
        if self.dialect == "sqlite":
            return self.sqlalchemy_url()
        return f"{self.scheme}://{self._netloc(True)}/{self.database or ''}"

    def with_database(self, database: str) -> "DatabaseURL":
        from dataclasses import replace
        return replace(self, database=database)

    def __repr__(self) -> str:  # never print the password, even in a traceback
        return f"DatabaseURL({self.masked()!r})"

    __str__ = masked


def _unq(value: str | None) -> str | None:
    return unquote(value) if value is not None else None
