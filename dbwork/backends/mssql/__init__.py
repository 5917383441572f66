"""SQL Server: rendered only (dry runs and files); no server runs on these machines.

>>> SPEC.dialect.can_run_here, SPEC.schemes["sqlserver"]
(False, 'mssql+pyodbc')
"""
from ..spec import BackendSpec
from .dialect import DIALECT

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"mssql": "mssql+pyodbc", "sqlserver": "mssql+pyodbc"},
    aliases=("tsql", "sqlserver"),
    connection="dbwork.execute.sql:SqlBackend",
    language="dbwork.parse.language:SQL",
    hooks=("dbwork.backends.mssql.render",),
)
