"""Redis: keys, not tables. Each command is final when it runs (no transactional DDL),
so history records progress per step; the migration lock is a key with a token and a
time to live, so a crashed migrator's lock runs out by itself."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="redis", sqlglot=None, alembic=None, family="keyvalue",
    transactional_ddl=False, lock="ttl-key", native_alter=True, relational=False,
    note="key-pattern commands (RENAME PATTERN, CONVERT, EXPIRE PATTERN, MOVE PATTERN, ...)",
)
