"""PostgreSQL: transactional DDL, advisory locks, lock levels per statement, extensions,
CREATE INDEX CONCURRENTLY.

>>> SPEC.schemes["postgres"], "pg" in SPEC.aliases
('postgresql+psycopg', True)
"""
from ..spec import BackendSpec
from .dialect import DIALECT

_DBWORK_OPTIONS = {"connect_timeout", "lock_timeout", "statement_timeout"}

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg",
             "postgresql+psycopg": "postgresql+psycopg",
             "postgresql+psycopg2": "postgresql+psycopg2"},
    aliases=("postgres", "pg", "pgsql"),
    connection="dbwork.execute.sql:SqlBackend",
    language="dbwork.parse.language:SQL",
    hooks=("dbwork.backends.postgresql.hooks", "dbwork.backends.postgresql.rehearse",
           "dbwork.backends.postgresql.render", "dbwork.backends.postgresql.introspect",
           "dbwork.backends.postgresql.session",
           "dbwork.backends.postgresql.expressions",
           "dbwork.backends.postgresql.data",
           "dbwork.backends.postgresql.copy"),
    query_options=frozenset(_DBWORK_OPTIONS | {
        "schema", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslpassword",
        "sslcompression", "sslsni", "ssl_min_protocol_version", "ssl_max_protocol_version",
        "application_name", "fallback_application_name", "options", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "target_session_attrs", "gssencmode", "channel_binding", "client_encoding",
        "passfile", "service", "hostaddr", "require_auth", "krbsrvname", "gsslib",
        "load_balance_hosts", "requiressl", "replication"}),
)
