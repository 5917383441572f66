"""Azure Cosmos DB (NoSQL API): containers of JSON items. Container changes are not
transactional and items have no cross-partition transactions, so history records
progress per step. The migration lock is an item in ``dbwork_locks`` created with a
unique id and taken over, once expired, by a replace conditioned on its etag."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="cosmos", sqlglot=None, alembic=None, family="document",
    transactional_ddl=False, lock="lock-item", native_alter=True, relational=False,
    max_identifier=255,
    note="Cosmos DB NoSQL API; a small command set rendered as JSON command documents",
)
