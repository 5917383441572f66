"""Redis operations: plain frozen data over a key pattern, each with its inverse.

Every operation that changes keys is preceded, at plan time, by a :class:`BackupKeys`
step (``backed_up``): the step DUMPs every key it will touch, with the moment it expires, and notes
each target key that does not exist yet. Its inverse, :class:`RestoreKeys`, deletes the
keys that did not exist and RESTOREs the others, so a rollback brings every key back
byte for byte, with its TTL, whatever the operation did (even half of it).

Without a backup, an operation's inverse is its logical opposite where there is one
(a rename back, ``hash`` to ``json``), or :class:`~dbwork.errors.IrreversibleError`.

>>> op = RenamePattern("user:*:profile", "profile:{1}")
>>> op.reverse().describe()
'rename keys profile:* to user:{1}:profile'
>>> [o.describe() for o in op.backed_up("_dbwork_bak_1_1")]
['back up keys user:*:profile and the names they move to (DUMP with expiry) into _dbwork_bak_1_1', 'rename keys user:*:profile to profile:{1}']
>>> op.backed_up("b")[1].reverse().describe()
'keys of user:*:profile come back from b'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...errors import IrreversibleError
from ...ops.schema_ops import ADDITIVE, CHANGING, DATA, DESTRUCTIVE, RENAMING, Operation

# value formats CONVERT knows: a Redis type, or "json" (a string holding a JSON object)
FORMATS = ("json", "hash", "list", "set", "stream")
CONVERSIONS = {("json", "hash"), ("hash", "json"), ("list", "set"), ("list", "stream"),
               ("set", "list"), ("stream", "list")}
LOGICAL_INVERSE = {("json", "hash"), ("hash", "json"), ("list", "stream"), ("stream", "list")}
REDIS_TYPE = {"json": "string", "hash": "hash", "list": "list", "set": "set",
              "stream": "stream"}


class KeyOperation(Operation):
    """Base: ``pattern`` selects the keys (SCAN MATCH); ``backup`` names the backup the
    step before it writes; ``source_type`` the Redis type it acts on (None: any)."""

    pattern: str
    backup: str | None = None
    source_type: str | None = None

    def apply(self, schema):
        return schema   # the key summary is read again after the change

    def tables(self):
        return (self.pattern,)

    def targets(self, key: bytes, db: int) -> list[tuple[int, bytes]]:
        """The other keys (database, name) this operation writes for ``key``."""
        return []

    def reverse(self):
        if self.backup is not None:
            return Restored(self.pattern, self.backup)
        return self.inverse()

    def inverse(self) -> Operation:
        raise IrreversibleError(self.describe(), "only its backup can undo it")

    def backed_up(self, backup: str) -> list[Operation]:
        return [BackupKeys(self, backup), replace(self, backup=backup)]  # type: ignore[type-var]


@dataclass(frozen=True)
class RenamePattern(KeyOperation):
    pattern: str
    template: str
    backup: str | None = None
    kind = RENAMING

    def targets(self, key, db):
        from .keys import KeyGlob
        return [(db, KeyGlob(self.pattern).rename(key, self.template))]

    def inverse(self):
        back_glob = re.sub(r"\{\d+\}", "*", self.template)
        order = [int(n) for n in re.findall(r"\{(\d+)\}", self.template)]
        if sorted(order) != list(range(1, len(order) + 1)):
            raise IrreversibleError(self.describe(), "its template drops or repeats a part")
        pieces = re.split(r"(\*)", self.pattern)
        n, out = 0, []
        for piece in pieces:
            if piece == "*":
                n += 1
                out.append("{%d}" % (order.index(n) + 1))
            else:
                out.append(piece)
        return RenamePattern(back_glob, "".join(out))

    def describe(self):
        return f"rename keys {self.pattern} to {self.template}"


@dataclass(frozen=True)
class ConvertValues(KeyOperation):
    pattern: str
    source: str
    target: str
    backup: str | None = None
    kind = CHANGING

    @property
    def source_type(self):  # type: ignore[override]
        return REDIS_TYPE[self.source]

    def inverse(self):
        if (self.source, self.target) not in LOGICAL_INVERSE:
            return super().inverse()
        return ConvertValues(self.pattern, self.target, self.source)

    def describe(self):
        return f"convert {self.source} values of {self.pattern} to {self.target}"


@dataclass(frozen=True)
class ExpirePattern(KeyOperation):
    pattern: str
    seconds: int
    backup: str | None = None
    kind = CHANGING

    def describe(self):
        return f"set a TTL of {self.seconds} s on keys {self.pattern}"


@dataclass(frozen=True)
class PersistPattern(KeyOperation):
    pattern: str
    backup: str | None = None
    kind = CHANGING

    def describe(self):
        return f"clear the TTL of keys {self.pattern}"


@dataclass(frozen=True)
class MovePattern(KeyOperation):
    pattern: str
    database: int
    backup: str | None = None
    kind = CHANGING

    def targets(self, key, db):
        return [(self.database, key)]

    def describe(self):
        return f"move keys {self.pattern} to database {self.database}"


@dataclass(frozen=True)
class RenameField(KeyOperation):
    pattern: str
    old: str
    new: str
    backup: str | None = None
    kind = RENAMING
    source_type = "hash"

    def inverse(self):
        return RenameField(self.pattern, self.new, self.old)

    def describe(self):
        return f"rename hash field {self.old} to {self.new} in keys {self.pattern}"


@dataclass(frozen=True)
class SplitField(KeyOperation):
    pattern: str
    field: str
    into: tuple[str, ...]
    separator: str = " "
    backup: str | None = None
    kind = CHANGING
    source_type = "hash"

    def describe(self):
        return (f"split hash field {self.field} of keys {self.pattern} into "
                f"{', '.join(self.into)} at {self.separator!r}")


@dataclass(frozen=True)
class DeletePattern(KeyOperation):
    pattern: str
    backup: str | None = None
    kind = DESTRUCTIVE

    def loss(self):
        return f"delete keys {self.pattern}", self.pattern

    def describe(self):
        return f"delete keys {self.pattern}"


# -- backups --------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupKeys(Operation):
    """DUMP (with the moment it expires) every key ``op`` will touch, and note the targets that do not
    exist yet, into the hash ``backup``. Its reverse restores exactly those keys."""

    op: KeyOperation
    backup: str
    kind = ADDITIVE

    def apply(self, schema):
        return schema

    def reverse(self):
        return RestoreKeys(self.op.pattern, self.backup)

    def describe(self):
        also = " and the names they move to" if type(self.op) in (RenamePattern, MovePattern) \
            else ""
        return f"back up keys {self.op.pattern}{also} (DUMP with expiry) into {self.backup}"

    def tables(self):
        return (self.op.pattern,)


@dataclass(frozen=True)
class RestoreKeys(Operation):
    """Delete the backed-up keys that did not exist, RESTORE the others (REPLACE, with
    the expiry they had: ABSTTL); the backup itself is dropped once the rollback is done."""

    pattern: str
    backup: str
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        raise IrreversibleError(self.describe(), "a restore is only ever a rollback")

    def describe(self):
        return f"restore the keys of {self.pattern} from {self.backup}"

    def tables(self):
        return (self.pattern,)


@dataclass(frozen=True)
class Restored(Operation):
    """The reverse of a backed-up operation: nothing runs here; the backup step's
    reverse restores the keys."""

    pattern: str
    backup: str
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        raise IrreversibleError(self.describe())

    def describe(self):
        return f"keys of {self.pattern} come back from {self.backup}"

    def tables(self):
        return (self.pattern,)


KEY_OPERATIONS = (RenamePattern, ConvertValues, ExpirePattern, PersistPattern, MovePattern,
                  RenameField, SplitField, DeletePattern)
