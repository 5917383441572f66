"""Data checks for document migrations, run on the live database before anything
changes (the workbench calls :func:`review_documents` through ``safety.review``):

- a new validator: documents that would fail it (``{"$nor": [validator]}`` as a find
  filter), counted, with example ``_id`` values;
- a unique index: duplicate keys (``$group`` over the key, ``count > 1``);
- a field rename: documents that already hold the new name ($rename would overwrite it,
  and the rollback could not tell the two apart);
- a ``$set`` of a new field: documents that already hold it (the rollback's ``$unset``
  would remove their values).

A failing check raises DataCheckFailed naming the problem, the count and examples.

>>> from dbwork.ops.document_ops import SetValidator
>>> _validator_filter(SetValidator("o", {}, {"validator": {"qty": {"$gte": 0}}}))
{'$nor': [{'qty': {'$gte': 0}}]}
"""
from __future__ import annotations

from ...errors import DataCheckFailed
from ...ops import document_ops as d

EXAMPLES = 3


def review_documents(ops, schema, dialect, session) -> tuple[list[str], list[dict]]:
    """(warnings, checks) for ``ops`` planned on ``schema``; raises DataCheckFailed."""
    warnings: list[str] = []
    checks: list[dict] = []
    live = set(schema.collections)
    for op in ops:
        fn = _CHECKS.get(type(op))
        coll = op.tables()[0] if op.tables() else None
        if fn is not None and coll in live:
            checks += fn(op, session.db[coll], warnings)
        if isinstance(op, (d.RenameCollection, d.DropCollection, d.CreateCollection)):
            live -= set(op.tables())  # later ops see a changed collection: not checked
    return warnings, checks


def _result(check: str, collection: str, n: int, problem: str) -> dict:
    return {"check": check, "table": collection, "result": "ok" if n == 0 else problem,
            "count": n}


def _fail_if(n: int, problem: str, examples: list, detail: str = "") -> None:
    if n:
        raise DataCheckFailed(problem, n, examples, detail)


def _validator_filter(op: d.SetValidator) -> dict | None:
    v = op.after.get("validator")
    return {"$nor": [v]} if v else None


def _check_validator(op: d.SetValidator, coll, warnings) -> list[dict]:
    flt = _validator_filter(op)
    if flt is None or op.after.get("validationLevel") == "off":
        return []
    n = coll.count_documents(flt)
    problem = f"documents in {coll.name} that fail the new validator"
    if n and op.after.get("validationAction") == "warn":
        warnings.append(f"{problem}: {n} (validationAction 'warn': they stay, and the "
                        "server logs a warning when they are written)")
        return [_result("validator", coll.name, n, problem)]
    examples = [doc["_id"] for doc in coll.find(flt, {"_id": 1}, limit=EXAMPLES)]
    _fail_if(n, problem, examples, "(fix them first, or use validationAction 'warn')")
    return [_result("validator", coll.name, 0, problem)]


def _check_unique(op: d.CreateIndex, coll, warnings) -> list[dict]:
    if not op.index.unique:
        return []
    fields = [f for f, _ in op.index.key]
    match = dict(op.index.options.get("partialFilterExpression") or {})
    if op.index.options.get("sparse"):
        match.update({f: {"$exists": True} for f in fields})
    pipeline = ([{"$match": match}] if match else []) + [
        {"$group": {"_id": _group_key(fields),
                    "count": {"$sum": 1}, "ids": {"$push": "$_id"}}},
        {"$match": {"count": {"$gt": 1}}}]
    groups = list(coll.aggregate(pipeline))
    n = sum(g["count"] for g in groups)
    problem = f"duplicate {', '.join(fields)} in {coll.name} for unique index {op.index.name}"
    examples = [{"key": _key_values(g["_id"], fields), "_id": g["ids"][:EXAMPLES]}
                for g in groups[:EXAMPLES]]
    _fail_if(n, problem, examples, f"in {len(groups)} group(s)")
    return [_result("unique", coll.name, 0, problem)]


def _group_key(fields: list[str]):
    """``"$f"`` for one field, ``{k0: "$f0", k1: "$f1"}`` for a compound key."""
    if len(fields) == 1:
        return f"${fields[0]}"
    return {f"k{i}": f"${f}" for i, f in enumerate(fields)}


def _key_values(group_id, fields: list[str]) -> list:
    return [group_id] if len(fields) == 1 else list(group_id.values())


def _check_rename(op: d.RenameFields, coll, warnings) -> list[dict]:
    out = []
    for _, new in op.renames:
        flt = {new: {"$exists": True}}
        n = coll.count_documents(flt)
        problem = f"documents in {coll.name} that already have field {new}"
        examples = [doc["_id"] for doc in coll.find(flt, {"_id": 1}, limit=EXAMPLES)]
        _fail_if(n, problem, examples, "($rename would overwrite it)")
        out.append(_result("rename target free", coll.name, 0, problem))
    return out


def _check_set(op: d.SetFields, coll, warnings) -> list[dict]:
    out = []
    for path in op.values:
        flt = {path: {"$exists": True}}
        n = coll.count_documents(flt)
        problem = f"documents in {coll.name} that already have field {path}"
        examples = [doc["_id"] for doc in coll.find(flt, {"_id": 1}, limit=EXAMPLES)]
        _fail_if(n, problem, examples,
                 "(the sample missed them; a rollback's $unset would remove their values)")
        out.append(_result("new field", coll.name, 0, problem))
    return out


_CHECKS = {d.SetValidator: _check_validator, d.CreateIndex: _check_unique,
           d.RenameFields: _check_rename, d.SetFields: _check_set}
