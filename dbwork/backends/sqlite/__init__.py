"""SQLite, the embedded default: a file (or ``:memory:``), no server.

>>> SPEC.name, SPEC.local_file, SPEC.dialect.native_alter
('sqlite', True, False)
"""
from ..spec import BackendSpec
from .dialect import DIALECT

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"sqlite": "sqlite"},
    aliases=("sqlite3",),
    connection="dbwork.execute.sql:SqlBackend",
    language="dbwork.parse.language:SQL",
    hooks=("dbwork.backends.sqlite.hooks", "dbwork.backends.sqlite.rehearse",
           "dbwork.backends.sqlite.introspect",
           "dbwork.backends.sqlite.session", "dbwork.backends.sqlite.render",
           "dbwork.backends.sqlite.data",
           "dbwork.backends.sqlite.copy"),
    local_file=True,
    query_options=frozenset({"mode", "cache", "uri", "timeout", "check_same_thread",
                             "immutable", "nolock", "vfs", "isolation_level",
                             "detect_types", "cached_statements"}),
)
