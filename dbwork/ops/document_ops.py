"""Document (MongoDB) operations: plain frozen data that know their effect on a
:class:`~dbwork.model.documents.DocumentSchema`, their inverse and their kind.

A drop carries the whole collection (options and indexes) and a dropped index its full
spec, so a reverse needs no second look at the database. Changes whose inverse is not
a command (an arbitrary update, a delete, a drop with documents) are preceded by a
:class:`BackupDocuments` step that copies the affected documents aside; its reverse
restores them by ``_id``.

>>> from dbwork.model.documents import IndexSpec
>>> op = CreateIndex("orders", IndexSpec("email_1", (("email", 1),), {"unique": True}))
>>> op.reverse().describe()
'drop index orders.email_1 {email: 1} (unique)'
>>> RenameFields("orders", {}, (("qty", "quantity"),)).reverse().renames
(('quantity', 'qty'),)
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import IrreversibleError
from ..model.documents import Collection, DocumentSchema, FieldStat, IndexSpec
from .schema_ops import ADDITIVE, CHANGING, DATA, DESTRUCTIVE, RENAMING, Operation


def _update_coll(schema: DocumentSchema, name: str, **changes) -> DocumentSchema:
    if not schema.has_collection(name):
        return schema
    return schema.with_collection(replace(schema.collection(name), **changes))


# -- collections ----------------------------------------------------------------------
@dataclass(frozen=True)
class CreateCollection(Operation):
    collection: Collection
    kind = ADDITIVE

    def apply(self, schema):
        return schema.with_collection(self.collection)

    def reverse(self):
        return DropCollection(self.collection)

    def describe(self):
        extra = [k for k in ("validator",) if self.collection.options.get(k)]
        n = len([i for i in self.collection.indexes if i.name != "_id_"])
        if n:
            extra.append(f"{n} index(es)")
        return f"create collection {self.collection.name}" + (
            f" ({', '.join(extra)})" if extra else "")

    def tables(self):
        return (self.collection.name,)


@dataclass(frozen=True)
class DropCollection(Operation):
    collection: Collection
    kind = DESTRUCTIVE

    def apply(self, schema):
        return schema.without_collection(self.collection.name)

    def reverse(self):
        return CreateCollection(self.collection)

    def describe(self):
        return f"drop collection {self.collection.name} and all its documents"

    def loss(self):
        return f"drop collection {self.collection.name}", self.collection.name

    def tables(self):
        return (self.collection.name,)

    def backed_up(self, backup: str) -> list[Operation]:
        """Copy every document aside first; the rollback re-creates the collection
        (options, indexes) and then restores them."""
        return [BackupDocuments(self.collection.name, backup, {}), self]


@dataclass(frozen=True)
class RenameCollection(Operation):
    old: str
    new: str
    kind = RENAMING

    def apply(self, schema):
        return schema.renaming(self.old, self.new)

    def reverse(self):
        return RenameCollection(self.new, self.old)

    def describe(self):
        return f"rename collection {self.old} to {self.new}"

    def tables(self):
        return (self.old, self.new)


# -- indexes and validation -----------------------------------------------------------
@dataclass(frozen=True)
class CreateIndex(Operation):
    collection: str
    index: IndexSpec
    kind = ADDITIVE

    def apply(self, schema):
        c = schema.collection(self.collection)
        return _update_coll(schema, self.collection, indexes=c.indexes + (self.index,))

    def reverse(self):
        return DropIndex(self.collection, self.index)

    def describe(self):
        return f"create index {self.collection}.{self.index.describe()}"


@dataclass(frozen=True)
class DropIndex(Operation):
    collection: str
    index: IndexSpec
    kind = DESTRUCTIVE

    def apply(self, schema):
        c = schema.collection(self.collection)
        kept = tuple(i for i in c.indexes if i.name != self.index.name)
        return _update_coll(schema, self.collection, indexes=kept)

    def reverse(self):
        return CreateIndex(self.collection, self.index)

    def describe(self):
        return f"drop index {self.collection}.{self.index.describe()}"


@dataclass(frozen=True)
class SetValidator(Operation):
    """collMod of validator / validationLevel / validationAction; ``before`` is what
    the server had (read at plan time), so the reverse restores it."""

    collection: str
    before: dict
    after: dict
    kind = CHANGING

    def apply(self, schema):
        c = schema.collection(self.collection)
        return _update_coll(schema, self.collection, options={**c.options, **self.after})

    def reverse(self):
        return SetValidator(self.collection, self.after, self.before)

    def describe(self):
        what = "remove the validator of" if not self.after.get("validator") else \
            "set the validator of"
        return f"{what} {self.collection} (level {self.after.get('validationLevel')}, " \
               f"action {self.after.get('validationAction')})"


# -- documents ------------------------------------------------------------------------
def _rename_path(path: str, old: str, new: str) -> str:
    if path == old:
        return new
    for sep in (".", "[]"):
        if path.startswith(old + sep):
            return new + path[len(old):]
    return path


@dataclass(frozen=True)
class RenameFields(Operation):
    """``$rename`` over the documents matching ``filter``; the reverse renames back."""

    collection: str
    filter: dict
    renames: tuple[tuple[str, str], ...]
    kind = RENAMING

    def apply(self, schema):
        c = schema.collection(self.collection)
        fields = c.fields
        for old, new in self.renames:
            fields = tuple(replace(f, path=_rename_path(f.path, old, new)) for f in fields)
        return _update_coll(schema, self.collection, fields=fields)

    def reverse(self):
        return RenameFields(self.collection, {}, tuple((n, o) for o, n in reversed(self.renames)))

    def describe(self):
        pairs = ", ".join(f"{o} -> {n}" for o, n in self.renames)
        return f"rename field(s) in {self.collection}: {pairs}"


@dataclass(frozen=True)
class SetFields(Operation):
    """``$set`` of fields no document has yet; the reverse unsets them."""

    collection: str
    filter: dict
    values: dict
    kind = ADDITIVE

    def apply(self, schema):
        c = schema.collection(self.collection)
        added = tuple(FieldStat(p, {"new": 1}, 0, c.sampled) for p in self.values
                      if not c.has_field(p))
        return _update_coll(schema, self.collection, fields=c.fields + added)

    def reverse(self):
        return UnsetFields(self.collection, {}, tuple(self.values))

    def describe(self):
        return f"add field(s) {', '.join(self.values)} to documents of {self.collection}"


@dataclass(frozen=True)
class UnsetFields(Operation):
    """``$unset``: only ever the inverse of :class:`SetFields` (a forward ``$unset``
    is an :class:`UpdateDocuments` with a backup)."""

    collection: str
    filter: dict
    fields: tuple[str, ...]
    kind = DESTRUCTIVE

    def apply(self, schema):
        c = schema.collection(self.collection)
        kept = tuple(f for f in c.fields if not any(
            f.path == p or f.path.startswith(p + ".") for p in self.fields))
        return _update_coll(schema, self.collection, fields=kept)

    def reverse(self):
        raise IrreversibleError(self.describe(), "the removed values are not kept")

    def describe(self):
        return f"remove field(s) {', '.join(self.fields)} from documents of {self.collection}"


class _RestoredFromBackup:
    """A data operation whose matching documents are copied aside by the step before
    it (for updateOne/deleteOne, every match: a superset); its reverse restores them."""

    def reverse(self):
        if self.backup is None:
            raise IrreversibleError(self.describe(), "no backup of the documents it changes")
        return Restored(self.collection, self.backup)

    def backed_up(self, backup: str) -> list[Operation]:
        return [BackupDocuments(self.collection, backup, self.filter), replace(self, backup=backup)]


@dataclass(frozen=True)
class UpdateDocuments(_RestoredFromBackup, Operation):
    """Any other update (operators or a pipeline). With ``backup``, the matching
    documents were copied aside by the step before, whose reverse restores them."""

    collection: str
    filter: dict
    update: Any
    multi: bool = True
    options: dict = field(default_factory=dict)   # upsert, arrayFilters, collation, hint
    backup: str | None = None
    kind = DATA

    def apply(self, schema):
        return schema

    def describe(self):
        what = "pipeline update" if isinstance(self.update, list) else \
            "update (" + ", ".join(self.update) + ")"
        return f"{what} of {'documents' if self.multi else 'one document'} in {self.collection}"


@dataclass(frozen=True)
class DeleteDocuments(_RestoredFromBackup, Operation):
    collection: str
    filter: dict
    multi: bool = True
    backup: str | None = None
    kind = DATA

    def apply(self, schema):
        return schema

    def describe(self):
        return f"delete {'documents' if self.multi else 'one document'} from {self.collection}"


@dataclass(frozen=True)
class InsertDocuments(Operation):
    """insertMany / insertOne; every document has its ``_id`` (given or assigned at
    parse time, as mongosh does), so the reverse deletes exactly these."""

    collection: str
    documents: tuple
    kind = ADDITIVE

    def apply(self, schema):
        return schema

    def reverse(self):
        return DeleteInserted(self.collection, tuple(d["_id"] for d in self.documents))

    def describe(self):
        return f"insert {len(self.documents)} document(s) into {self.collection}"


@dataclass(frozen=True)
class DeleteInserted(Operation):
    collection: str
    ids: tuple
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        raise IrreversibleError(self.describe(), "the inserted documents are not kept")

    def describe(self):
        return f"delete the {len(self.ids)} inserted document(s) from {self.collection}"


# -- backups --------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupDocuments(Operation):
    """Copy the documents of ``collection`` matching ``filter`` into ``backup``.
    Its reverse writes them back (replace by ``_id``) and drops the backup, so a
    rollback after a partial failure restores them too."""

    collection: str
    backup: str
    filter: dict
    kind = ADDITIVE

    def apply(self, schema):
        return schema

    def reverse(self):
        return RestoreDocuments(self.collection, self.backup, self.filter)

    def describe(self):
        what = "all documents" if not self.filter else "the matching documents"
        return f"back up {what} of {self.collection} into {self.backup}"

    def tables(self):
        return (self.collection, self.backup)


@dataclass(frozen=True)
class RestoreDocuments(Operation):
    collection: str
    backup: str
    filter: dict = field(default_factory=dict)
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        return BackupDocuments(self.collection, self.backup, self.filter)

    def describe(self):
        return f"restore documents of {self.collection} from {self.backup} (replace by _id), " \
               "then drop the backup"

    def tables(self):
        return (self.collection, self.backup)


@dataclass(frozen=True)
class Restored(Operation):
    """The reverse of a backed-up update or delete: nothing to run here, the backup
    step's reverse restores the documents."""

    collection: str
    backup: str
    kind = DATA

    def apply(self, schema):
        return schema

    def reverse(self):
        raise IrreversibleError(self.describe())

    def describe(self):
        return f"documents of {self.collection} come back from {self.backup}"


@dataclass(frozen=True)
class RawCommand(Operation):
    """A command dbwork does not model (accepted only with an explicit down section)."""

    command: dict
    text: str = ""
    kind = CHANGING

    def apply(self, schema):
        return schema

    def reverse(self):
        raise IrreversibleError(self.text or str(self.command))

    def describe(self):
        return f"run command {next(iter(self.command), '?')}"

    def tables(self):
        first = next(iter(self.command.values()), None)
        return (first,) if isinstance(first, str) else ()


__all__ = ["BackupDocuments", "CreateCollection", "CreateIndex", "DeleteDocuments",
           "DeleteInserted", "DropCollection", "DropIndex", "InsertDocuments", "RawCommand",
           "RenameCollection", "RenameFields", "RestoreDocuments", "Restored", "SetFields",
           "SetValidator", "UnsetFields", "UpdateDocuments"]
