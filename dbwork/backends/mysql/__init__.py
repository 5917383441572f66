"""MySQL and MariaDB: DDL commits implicitly (history records progress per statement),
GET_LOCK serialises migrators, foreign keys get their index made by the engine.

>>> SPEC.name, SPEC.schemes["mariadb"]
('mysql', 'mysql+pymysql')
"""
from ..spec import BackendSpec
from .dialect import DIALECT

_DBWORK_OPTIONS = {"connect_timeout", "lock_timeout", "statement_timeout"}

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"mysql": "mysql+pymysql", "mariadb": "mysql+pymysql",
             "mysql+pymysql": "mysql+pymysql", "mariadb+pymysql": "mysql+pymysql"},
    aliases=("mariadb",),
    connection="dbwork.execute.sql:SqlBackend",
    language="dbwork.parse.language:SQL",
    hooks=("dbwork.backends.mysql.hooks", "dbwork.backends.mysql.rehearse",
           "dbwork.backends.mysql.render", "dbwork.backends.mysql.introspect",
           "dbwork.backends.mysql.session",
           "dbwork.backends.mysql.data",
           "dbwork.backends.mysql.copy"),
    query_options=frozenset(_DBWORK_OPTIONS | {
        "charset", "read_timeout", "write_timeout", "ssl_ca", "ssl_cert", "ssl_key",
        "ssl_capath", "ssl_cipher", "ssl_check_hostname", "ssl_verify_cert",
        "ssl_verify_identity", "ssl_disabled", "local_infile", "unix_socket",
        "init_command", "program_name", "binary_prefix", "client_flag", "sql_mode",
        "autocommit", "auth_plugin_map", "server_public_key", "ssl"}),
)
