"""Redis: key-pattern migrations (rename a pattern, convert a value's structure, set or
clear TTLs, move keys between databases), every changed key backed up with DUMP and its
expiry; history, events and a TTL'd lock key kept in the target database itself.

>>> SPEC.dialect.relational, SPEC.schemes["rediss"], SPEC.dialect.transactional_ddl
(False, 'rediss', False)
"""
from ..spec import BackendSpec
from .dialect import DIALECT

SPEC = BackendSpec(
    dialect=DIALECT,
    schemes={"redis": "redis", "rediss": "rediss"},
    aliases=("valkey",),
    connection="dbwork.backends.redis.session:RedisBackend",
    language="dbwork.backends.redis.language:REDIS",
    hooks=("dbwork.backends.redis.hooks",),
    backs_up_data_changes=False,   # its own operations back up the keys they change
    undoes_partial_steps=False,    # a failed step stays recorded; rollback restores it
    extra={"password_only_auth": True},   # redis://:password@host (AUTH without a user)
)
