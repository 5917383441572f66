"""MySQL and MariaDB: every DDL statement commits implicitly, so history records
progress statement by statement; GET_LOCK serialises migrators (released when the
session dies)."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="mysql", sqlglot="mysql", alembic="mysql",
    transactional_ddl=False, lock="get_lock",
    max_identifier=64, indexes_foreign_keys=True, partial_indexes=False,
    unique_constraints=False, long_text="LONGTEXT",
    restores_counters=True, drop_temporary_table="DROP TEMPORARY TABLE",
    inline_enums=True, time_precision_in_now=True, named_primary_keys=False,
    null_default_is_none=True, engine_options=True, drop_trigger_on_table=False,
    drop_routine_signature=False, boolean_literals=False, backslash_escapes=True,
    random_function="RAND()",
    restores_column_position=True,   # ADD COLUMN ... AFTER
    type_names={"BOOLEAN": "BOOL", "TIMESTAMPTZ": "TIMESTAMP", "JSONB": "JSON",
                "UUID": "CHAR(36)", "DOUBLE": "DOUBLE", "BYTEA": "BLOB"},
    type_aliases={"INT": "INTEGER", "TINYINT(1)": "BOOLEAN", "BOOL": "BOOLEAN",
                  "INTEGER(11)": "INTEGER", "INT(11)": "INTEGER", "BIGINT(20)": "BIGINT",
                  "SMALLINT(6)": "SMALLINT", "TINYINT(4)": "TINYINT",
                  "LONGTEXT": "LONGTEXT",
                  # MySQL's TIMESTAMP has no zone of its own (sqlglot reads it as TIMESTAMPTZ)
                  "TIMESTAMPTZ": "TIMESTAMP",
                  "MEDIUMINT(9)": "MEDIUMINT", "MEDIUMINT(8)": "MEDIUMINT"},
    # each holds a different size of value: a LONGBLOB re-created as BLOB truncates
    native_types=frozenset({"TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY",
                            "MEDIUMINT"}),
    prisma_providers=("mysql",), prisma_name_limit=64,
    prisma_types={"String": "VARCHAR(191)", "Int": "INT", "BigInt": "BIGINT",
                  "Boolean": "BOOLEAN", "DateTime": "DATETIME(3)", "Float": "DOUBLE",
                  "Decimal": "DECIMAL(65, 30)", "Json": "JSON", "Bytes": "LONGBLOB"},
    lossy_types={"TIMESTAMPTZ": "TIMESTAMP without a time zone (values are kept as written)",
                 "JSONB": "JSON (text checked by json_valid, no binary form)",
                 "UUID": "CHAR(36)"},
)
