"""MongoDB: collections, validators and indexes changed by mongosh-style commands; a
lock document with a lease; history in ``dbwork_migrations``.

>>> SPEC.dialect.relational, SPEC.backs_up_data_changes, SPEC.schemes["mongodb+srv"]
(False, False, 'mongodb+srv')
"""
from ..spec import BackendSpec
from .dialect import DIALECT

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"mongodb": "mongodb", "mongodb+srv": "mongodb+srv"},
    aliases=("mongo",),
    connection="dbwork.backends.mongodb.connection:open_connection",
    language="dbwork.backends.mongodb.language:MONGOSH",
    hooks=("dbwork.backends.mongodb.hooks", "dbwork.backends.mongodb.touch"),
    backs_up_data_changes=False,
    undoes_partial_steps=False,
)
