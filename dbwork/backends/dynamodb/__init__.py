"""DynamoDB: tables (key schema, billing, GSIs/LSIs, TTL, streams) and item
transformations changed by dbwork's DynamoDB commands; history, events and a lock
item with an expiry kept in DynamoDB itself.

URL: ``dynamodb://HOST:PORT?region=us-east-1`` (an endpoint such as DynamoDB Local
or moto; plain HTTP on loopback, HTTPS elsewhere unless ``tls=0``) or ``dynamodb://``
(AWS's own endpoint for the region). Credentials never go in the URL: boto3's default
chain (environment, ``profile=NAME``, instance role) provides them.

>>> SPEC.dialect.relational, SPEC.schemes["dynamodb"], sorted(SPEC.query_options)[:3]
(False, 'dynamodb', ['lock_lease', 'prefix', 'profile'])
"""
from ..spec import BackendSpec
from .dialect import DIALECT

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"dynamodb": "dynamodb"},
    aliases=("dynamo", "ddb"),
    connection="dbwork.backends.dynamodb.session:DynamoBackend",
    language="dbwork.backends.dynamodb.language:DYNAMO",
    hooks=("dbwork.backends.dynamodb.hooks",),
    query_options=frozenset({"region", "prefix", "profile", "tls", "wait_timeout",
                             "lock_lease"}),
    backs_up_data_changes=False,
    undoes_partial_steps=False,
)
