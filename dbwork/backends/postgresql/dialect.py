"""PostgreSQL: transactional DDL, advisory locks, CREATE INDEX CONCURRENTLY."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="postgresql", sqlglot="postgres", alembic="postgresql",
    transactional_ddl=True, lock="advisory", concurrent_index=True, online_ddl=True,
    enum_types=True, schema_option=True, identity_columns=True, restores_counters=True,
    extensions=True, array_columns=True, prisma_join_primary_key=True,
    alter_type_using=True, names_unnamed_constraints=True, exclusion_constraints=True,
    admin_database="postgres", drop_database_force=" WITH (FORCE)",
    max_identifier=63, max_identifier_bytes=True, cuts_long_identifiers=True,
    folds_unquoted="lower",
    type_names={"BLOB": "BYTEA", "DOUBLE": "DOUBLE PRECISION", "DATETIME": "TIMESTAMP",
                "TINYINT": "SMALLINT", "FLOAT": "DOUBLE PRECISION",
                "LONGTEXT": "TEXT", "MEDIUMTEXT": "TEXT", "TINYTEXT": "TEXT",
                "TINYBLOB": "BYTEA", "MEDIUMBLOB": "BYTEA", "LONGBLOB": "BYTEA",
                "BINARY": "BYTEA", "VARBINARY": "BYTEA", "MEDIUMINT": "INTEGER"},
    type_aliases={"INT": "INTEGER", "DATETIME": "TIMESTAMP", "VARBINARY": "BLOB",
                  "BYTEA": "BLOB", "FLOAT": "DOUBLE", "SERIAL": "INTEGER",
                  "BIGSERIAL": "BIGINT", "SMALLSERIAL": "SMALLINT",
                  "DOUBLE PRECISION": "DOUBLE",
                  # sqlglot reads REAL as FLOAT, which PostgreSQL means as double precision
                  "REAL": "REAL", "FLOAT4": "REAL"},
    prisma_providers=("postgresql", "postgres", "cockroachdb"),  # Prisma's reference types
)
