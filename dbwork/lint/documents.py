"""Rules on a document store's operations, named by the backend's operation type names
(DW301-DW308)."""
from __future__ import annotations

from .rule import DOC, ERROR, WARNING, Rule, rule


def _is(op, *names):
    return type(op).__name__ in names


def _coll(op):
    for a in ("collection", "name", "table", "old"):
        v = getattr(op, a, None)
        if isinstance(v, str):
            return v
    return "?"


def mongo_drop_collection(op, ctx):
    if _is(op, "DropCollection"):
        return f"drop collection {_coll(op)} and every document"


def mongo_rename_collection(op, ctx):
    if _is(op, "RenameCollection"):
        return f"rename collection {_coll(op)}: running code that uses it fails"


def mongo_validator(op, ctx):
    if _is(op, "SetValidator", "CollMod", "ChangeValidator", "AlterValidator"):
        return f"validator change on {_coll(op)}: existing documents may not match"


def mongo_unique_index(op, ctx):
    idx = getattr(op, "index", None)
    if _is(op, "CreateCollectionIndex", "CreateIndex") and \
            getattr(idx, "unique", getattr(op, "unique", False)):
        return f"unique index on {_coll(op)} fails over duplicate documents"


def mongo_unset(op, ctx):
    """A forward ``$unset`` is an UpdateDocuments whose update names ``$unset``."""
    update = getattr(op, "update", None)
    if _is(op, "UpdateDocuments") and isinstance(update, dict) and "$unset" in update:
        fields = ", ".join(update["$unset"]) if isinstance(update["$unset"], dict) \
            else str(update["$unset"])
        return f"remove field(s) {fields} from the documents of {_coll(op)}"


def mongo_rename_field(op, ctx):
    if _is(op, "RenameFields"):
        pairs = ", ".join(f"{o} -> {n}" for o, n in getattr(op, "renames", ()))
        return f"rename field(s) in {_coll(op)} ({pairs}): running code reads the old name"


def mongo_empty_filter(op, ctx):
    if _is(op, "UpdateMany", "DeleteMany", "UpdateDocuments", "DeleteDocuments") and \
            not getattr(op, "filter", None):
        return f"{type(op).__name__} on {_coll(op)} with an empty filter"


def mongo_ttl(op, ctx):
    idx = getattr(op, "index", None)
    opts = getattr(idx, "options", None) or getattr(op, "options", None) or {}
    if isinstance(opts, dict) and "expireAfterSeconds" in opts:
        return f"TTL index on {_coll(op)} deletes expired documents as soon as it exists"


RULES: tuple[Rule, ...] = (
    rule("DW301", ERROR, "drop collection", "Every document is deleted.",
         "Rename it away and drop it later; dbwork keeps a backup.",
         mongo_drop_collection, dialects=(DOC,), on="DropCollection"),
    rule("DW302", WARNING, "validator tightening", "Existing documents that do not match "
         "fail their next update (validationLevel strict).", "Count non-matching "
         "documents first (dbwork does); use validationLevel moderate, then fix them.",
         mongo_validator, dialects=(DOC,),
         on=("SetValidator", "CollMod", "ChangeValidator", "AlterValidator")),
    rule("DW303", WARNING, "unique index over duplicates", "The build fails when "
         "documents share the key.", "Find duplicates with $group first.",
         mongo_unique_index, dialects=(DOC,), on=("CreateCollectionIndex", "CreateIndex")),
    rule("DW304", WARNING, "rename collection", "Running code still uses the old name.",
         "Copy, dual-write, switch, drop.", mongo_rename_collection, dialects=(DOC,),
         on="RenameCollection"),
    rule("DW305", ERROR, "remove a field from every document", "Values are gone.",
         "Back the field up (dbwork does) or stop reading it first.", mongo_unset,
         dialects=(DOC,), on="UpdateDocuments"),
    rule("DW306", WARNING, "rename a field", "Running code reads the old name.",
         "Write both names, backfill, switch, remove.", mongo_rename_field,
         dialects=(DOC,), on="RenameFields"),
    rule("DW307", ERROR, "update/delete with an empty filter", "Every document is hit.",
         "Give a filter.", mongo_empty_filter, dialects=(DOC,),
         on=("UpdateMany", "DeleteMany", "UpdateDocuments", "DeleteDocuments")),
    rule("DW308", WARNING, "TTL index on existing data", "Documents already past their "
         "expiry are deleted right after the index is built.", "Check the oldest "
         "documents first.", mongo_ttl, dialects=(DOC,)),
)
