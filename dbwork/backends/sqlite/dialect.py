"""SQLite: the embedded default. DDL is transactional (BEGIN IMMEDIATE also takes the
database's write lock, which the OS releases if the holder dies). ALTER support is
partial, so column changes are table rebuilds (Alembic's batch mode)."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="sqlite", sqlglot="sqlite", alembic="sqlite",
    transactional_ddl=True, lock="begin-immediate", native_alter=False, comments=False,
    reports_autoincrement=False, except_all=False,
    default_primary_key_name=False, typeless_columns=True,
    drop_trigger_on_table=False, boolean_literals=False, param_mark="?",
    display_name="SQLite",
    restores_column_position=True,   # the table rebuild keeps the column order
    type_aliases={"INT": "INTEGER", "DATETIME": "TIMESTAMP",
                  "REAL": "REAL"},   # sqlglot reads it as DOUBLE: a rebuild would rename it
    prisma_providers=("sqlite",), prisma_name_limit=10000,
    prisma_types={"String": "TEXT", "Int": "INTEGER", "BigInt": "BIGINT",
                  "Boolean": "BOOLEAN", "DateTime": "DATETIME", "Float": "REAL",
                  "Decimal": "DECIMAL", "Json": "JSONB", "Bytes": "BLOB"},
    lossy_types={"TIMESTAMPTZ": "a text or number by SQLite's type affinity, no time zone",
                 "JSONB": "text by SQLite's type affinity", "UUID": "text"},
)
