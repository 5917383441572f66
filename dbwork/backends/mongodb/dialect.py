"""MongoDB: a document database. DDL-like commands (create, collMod, createIndexes) are
not transactional and a standalone server refuses transactions, so history records
progress per command. The migration lock is a document with an owner and an expiry
in ``dbwork_locks``: a crashed migrator's lock is taken over once it expires."""
from ...dialects.base import Dialect

DIALECT = Dialect(
    name="mongodb", sqlglot=None, alembic=None, family="document",
    transactional_ddl=False, lock="lock-document", native_alter=True, relational=False,
    verifies_restores=False,
    note="mongosh-style commands; rendered as database command documents (Extended JSON)",
    prisma_providers=("mongodb",),
)

