"""Azure Cosmos DB (NoSQL API): containers with partition keys, indexing policies,
unique keys and TTL, changed by a small command language (``language.py``); items
transformed with backups; history, events and a lease-based lock kept in the
database itself.

URL: ``cosmos://HOST:PORT/DATABASE`` with the account key in an environment variable
(``COSMOS_KEY``, or the one ``?key_env=NAME`` names), or ``cosmos:///DATABASE?
connection_env=NAME`` where NAME holds an ``AccountEndpoint=...;AccountKey=...``
connection string. ``?verify=false`` accepts a self-signed certificate (the local
emulator). The key never appears in the URL, output, history or files.

>>> SPEC.dialect.relational, SPEC.schemes["cosmos"], SPEC.aliases
(False, 'cosmos', ('cosmosdb', 'azure-cosmos'))
"""
from ..spec import BackendSpec
from .dialect import DIALECT

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"cosmos": "cosmos", "cosmosdb": "cosmos"},
    aliases=("cosmosdb", "azure-cosmos"),
    connection="dbwork.backends.cosmos.connection:open_connection",
    language="dbwork.backends.cosmos.language:COSMOS",
    hooks=("dbwork.backends.cosmos.hooks",),
    query_options=frozenset({"key_env", "connection_env", "verify"}),
    backs_up_data_changes=False,
    undoes_partial_steps=False,
)
