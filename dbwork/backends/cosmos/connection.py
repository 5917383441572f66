"""Where a Cosmos DB account is and how to sign in, from a ``cosmos://`` URL and the
environment (azure-cosmos is imported only when a connection opens).

>>> import os
>>> os.environ["DOC_KEY"] = "c2VjcmV0"
>>> from dbwork.url import DatabaseURL
>>> a = account_of(DatabaseURL.parse("cosmos://127.0.0.1:8081/shop?key_env=DOC_KEY&verify=false"))
>>> a.endpoint, a.database, a.verify, a.key == "c2VjcmV0"
('https://127.0.0.1:8081', 'shop', False, True)
>>> os.environ["DOC_CONN"] = "AccountEndpoint=https://acct.documents.azure.com:443/;AccountKey=abc==;"
>>> account_of(DatabaseURL.parse("cosmos:///shop?connection_env=DOC_CONN")).endpoint
'https://acct.documents.azure.com:443/'
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ...errors import ConfigError
from ...url import check_query_options

DEFAULT_KEY_ENV = "COSMOS_KEY"


@dataclass(frozen=True)
class Account:
    """An endpoint, the database and the key (kept out of repr)."""

    endpoint: str
    database: str
    verify: bool = True
    key: str = field(default="", repr=False)


def open_connection(url, timeouts=None):
    """A :class:`~dbwork.backends.cosmos.session.CosmosBackend` for ``url``."""
    from .session import CosmosBackend
    return CosmosBackend(url, timeouts=timeouts)


def account_of(url) -> Account:
    """Endpoint, database and key for ``url``: the key from ``key_env`` (default
    ``COSMOS_KEY``) or a connection string from ``connection_env``; a key written in
    the URL itself is refused, so it cannot land in history or files."""
    options = dict(parse_qsl(url.query)) if url.query else {}
    check_query_options(url)
    if url.password or url.username:
        raise ConfigError("put the Cosmos DB key in an environment variable (COSMOS_KEY, "
                          "or ?key_env=NAME), not in the URL")
    database = _database(url.database)
    verify = options.get("verify", "true").lower() not in ("false", "0", "no")
    if "connection_env" in options:
        endpoint, key = parse_connection_string(_env(options["connection_env"]))
        return Account(endpoint, database, verify, key)
    if not url.host:
        raise ConfigError("a Cosmos DB URL needs a host: cosmos://HOST:PORT/DATABASE "
                          "(or cosmos:///DATABASE?connection_env=NAME)")
    port = f":{url.port}" if url.port else ""
    key = _env(options.get("key_env", DEFAULT_KEY_ENV))
    return Account(f"https://{url.host}{port}", database, verify, key)


def parse_connection_string(text: str) -> tuple[str, str]:
    """(endpoint, key) of ``AccountEndpoint=...;AccountKey=...``.

    >>> parse_connection_string("AccountEndpoint=https://h:1/;AccountKey=k==")
    ('https://h:1/', 'k==')
    """
    parts = dict(p.split("=", 1) for p in text.strip().split(";") if "=" in p)
    if not parts.get("AccountEndpoint") or not parts.get("AccountKey"):
        raise ConfigError("a Cosmos DB connection string needs AccountEndpoint=... and "
                          "AccountKey=...")
    return parts["AccountEndpoint"], parts["AccountKey"]


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"the Cosmos DB credentials are read from the environment "
                          f"variable {name}, which is not set")
    return value


def _database(name: str | None) -> str:
    if not name:
        raise ConfigError("a Cosmos DB URL needs a database: cosmos://HOST:PORT/DATABASE")
    if set(name) & set('/\\?#') or len(name) > 255 or name != name.strip():
        raise ConfigError(f"invalid Cosmos DB database id {name!r}: at most 255 characters, "
                          "none of / \\ ? # and no leading or trailing space")
    return name
