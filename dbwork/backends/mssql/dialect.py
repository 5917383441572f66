"""SQL Server: scripts render (dry run and files); no server can run on these machines,
so nothing here is executed in tests, only compared with expected text."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="mssql", sqlglot="tsql", alembic="mssql",
    transactional_ddl=True, lock="sp_getapplock", can_run_here=False, verifies_restores=False,
    max_identifier=128,
    type_names={"BOOLEAN": "BIT", "TEXT": "NVARCHAR(max)", "TIMESTAMP": "DATETIME2",
                "TIMESTAMPTZ": "DATETIMEOFFSET", "BLOB": "VARBINARY(max)", "LONGBLOB": "VARBINARY(max)",
                "MEDIUMBLOB": "VARBINARY(max)", "TINYBLOB": "VARBINARY(255)", "MEDIUMINT": "INTEGER",
                "JSON": "NVARCHAR(max)", "JSONB": "NVARCHAR(max)",
                "LONGTEXT": "NVARCHAR(max)", "MEDIUMTEXT": "NVARCHAR(max)", "UUID": "UNIQUEIDENTIFIER", "DOUBLE": "FLOAT"},
    type_aliases={"INT": "INTEGER", "BIT": "BOOLEAN", "DATETIME2": "TIMESTAMP"},
    note="rendered only: no SQL Server can run on these machines",
    prisma_providers=("sqlserver",),
)
