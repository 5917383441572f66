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

# the password runs to the LAST '@' on the line: it may hold spaces, '?', '#', '/', '@'
_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<pw>[^\n\r]*)(?P<tail>@)")
_QUERY_SECRET = re.compile(r"(?i)((?:password|passwd|pwd|secret|token|key)=)[^&\s;]+")


def mask_url(text: str) -> str:
    """Replace every password in ``text`` (URLs and key=value secrets) by ``***``."""
    text = _PASSWORD.sub(lambda m: m.group("head") + "***" + m.group("tail"), text)
    return _QUERY_SECRET.sub(r"\1***", text)


def mask_raw_url(url: str) -> str:
    """``url`` as written, for an error message about it: everything between the user
    name and the last ``@`` is hidden, so a password holding a space, ``?``, ``#``,
    ``/`` or ``@`` (which break the URL's structure) never shows.

    >>> mask_raw_url("postgresql://app:pa ss?w@rd@db:5432/shop")
    'postgresql://app:***@db:5432/shop'
    """
    scheme, sep, rest = str(url).partition("://")
    if not sep or "@" not in rest:
        return mask_url(str(url))
    userinfo, _, after = rest.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    if "/" in user or "?" in user or "#" in user:  # the '@' is past the authority
        user, colon = user.split("/")[0].split("?")[0].split("#")[0], ":"
    return mask_url(f"{scheme}://{user}{':***' if colon else ''}@{after}")


def scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` (raw or percent-encoded) and URL passwords masked.

    >>> scrub("auth failed for 'hunter2'", "hunter2")
    "auth failed for '***'"
    """
    text = mask_url(text)
    if secret:
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, "***")
    return text


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
        from .backends import backend_for_scheme
        scheme = url.split("://", 1)[0].lower()
        spec, driver = backend_for_scheme(scheme)
        dialect = spec.name
        if spec.local_file:
            return cls._file(scheme, dialect, driver, url)
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:  # its text may quote a piece of the password: never show it
            raise ConfigError(_malformed(url)) from None
        if "@" in parts.path + parts.fragment or ("@" in parts.query and
                                                  "@" not in parts.netloc):
            raise ConfigError(_malformed(url))  # a '/', '?' or '#' in the password
        password_only = spec.extra.get("password_only_auth", False)  # redis://:pw@host
        if (parts.username == "" and not password_only) or \
                (parts.username is None and "@" in parts.netloc):
            raise ConfigError(f"the user name in {mask_raw_url(url)!r} is empty: write "
                              "user@host (or leave out the '@' to use the default user)")
        return cls(scheme, dialect, driver, _unq(parts.username) or None, _unq(parts.password),
                   parts.hostname, port, parts.path.lstrip("/") or None, parts.query)

    @property
    def local_file(self) -> bool:
        """True when the database is a file path (SQLite), not a server."""
        from .backends import get_backend
        return get_backend(self.dialect).local_file

    @classmethod
    def _file(cls, scheme: str, dialect: str, driver: str, url: str) -> "DatabaseURL":
        rest = url.split("://", 1)[1]
        if rest.startswith("/"):
            rest = rest[1:]
        path, _, query = rest.partition("?")
        return cls(scheme, dialect, driver, None, None, None, None, path or ":memory:", query)

    def sqlalchemy_url(self, hide_password: bool = False) -> str:
        if self.local_file:
            q = f"?{self.query}" if self.query else ""
            return f"{self.driver}:///{self.database}{q}"
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
        if self.local_file:
            return self.sqlalchemy_url()
        return f"{self.scheme}://{self._netloc(True)}/{self.database or ''}"

    def with_database(self, database: str) -> "DatabaseURL":
        from dataclasses import replace
        return replace(self, database=database)

    def __repr__(self) -> str:  # never print the password, even in a traceback
        return f"DatabaseURL({self.masked()!r})"

    __str__ = masked


def _malformed(url: str) -> str:
    return (f"malformed URL {mask_raw_url(url)!r}: the part after the host is not a port "
            "number, or a character of the user or password breaks the URL; "
            "percent-encode ' ' '?' '#' '/' '@' and ':' in the password (%20 %3F %23 %2F "
            "%40 %3A)")


def check_query_options(url: "DatabaseURL") -> dict[str, str]:
    """The URL's query options, refused by name when the driver would not know one
    (today a driver's TypeError or connection error). Engines not listed pass through.

    >>> check_query_options(DatabaseURL.parse("mariadb://root@h/db?charset=utf8mb4"))
    {'charset': 'utf8mb4'}
    >>> check_query_options(DatabaseURL.parse("mariadb://root@h/db?chrset=utf8"))
    Traceback (most recent call last):
    ...
    dbwork.errors.ConfigError: unknown option 'chrset' in the query of mariadb://root@h/db; known for mysql: ...
    """
    from urllib.parse import parse_qsl
    try:
        pairs = parse_qsl(url.query or "", keep_blank_values=True, strict_parsing=bool(url.query))
    except ValueError:
        raise ConfigError(f"the query of {url.masked()} is not name=value pairs "
                          "joined by '&'") from None
    from .backends import get_backend
    known = get_backend(url.dialect).query_options
    for name, _ in pairs:
        if known is not None and name not in known:
            raise ConfigError(f"unknown option {name!r} in the query of {url.masked()}; "
                              f"known for {url.dialect}: {', '.join(sorted(known))}")
    return dict(pairs)


def _unq(value: str | None) -> str | None:
    return unquote(value) if value is not None else None
