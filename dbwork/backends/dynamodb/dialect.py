"""DynamoDB: tables with a key schema, indexes, TTL and streams, changed by a small
command language (``language.py``). Control-plane calls are not transactional, so the
history records progress per step; the migration lock is an item with an owner and an
expiry in ``dbwork_locks``, taken by a conditional put."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="dynamodb", sqlglot=None, alembic=None, family="document",
    transactional_ddl=False, lock="lock-item", native_alter=True, relational=False,
    max_identifier=255,
    note="dbwork's DynamoDB commands; rendered as one API call per line (JSON)",
)
