"""Seed documents into MongoDB under the migration lock: key by ``_id`` or the fields
of a unique index, write with one ordered ``bulk_write`` of ReplaceOne(upsert)
(a whole document, not ``$set``), back up what a reset deletes into a
``_dbwork_bak_<version>_<n>`` collection. MongoDB has no transaction to lean on here
(a standalone server refuses them), so a failure undoes what was written: inserted
documents are deleted, replaced ones put back, deleted ones re-inserted.
"""
from __future__ import annotations

from datetime import datetime, timezone

from ..errors import SeedError
from ..safety.dml import backup_name
from .plan import Prepared, TableChange, diff_rows
from .report import SeedReport, TableResult
from .rows import SeedSet

_CSV_TYPES = {"int": int, "long": int, "double": float, "bool": lambda v: v.lower() in ("true", "1")}


def valid_keys(coll) -> list[tuple[str, ...]]:
    return [("_id",)] + [tuple(f for f, _ in i.key) for i in coll.indexes
                         if i.unique and tuple(f for f, _ in i.key) != ("_id",)]


def choose_key(s: SeedSet, coll) -> tuple[str, ...]:
    keys = valid_keys(coll)
    if s.key:
        if tuple(s.key) not in keys:
            raise SeedError(f"key ({', '.join(s.key)}) of {s.table} is not _id or a unique "
                            f"index (unique keys: {'; '.join(', '.join(k) for k in keys)})",
                            source=s.source, table=s.table)
        return tuple(s.key)
    for k in keys:
        if s.rows and all(r.values.get(f) is not None for r in s.rows for f in k):
            return k
    raise SeedError(f"the documents of {s.table} give no unique key (_id or a unique "
                    "index's fields): add it, or name a key", source=s.source, table=s.table)


def prepare(s: SeedSet, schema) -> Prepared:
    """Rows as documents (CSV text read by the field's sampled type), keyed."""
    if not schema.has_collection(s.table):
        raise SeedError(f"no collection {s.table!r} in the database (create it first)",
                        source=s.source, table=s.table)
    coll = schema.collection(s.table)
    key = choose_key(s, coll)
    types = {f.path: max(f.types, key=f.types.get) for f in coll.fields if f.types}
    rows, lines, seen = [], [], {}
    for r in s.rows:
        row = dict(r.values) if s.typed else {k: _csv(v, types.get(k), s, r.line, k)
                                              for k, v in r.values.items() if v is not None}
        k = tuple(_hashable(row.get(f)) for f in key)
        if k in seen:
            raise SeedError(f"key {k} given twice (first at line {seen[k]})", source=s.source,
                            line=r.line, table=s.table)
        seen[k] = r.line
        rows.append(row)
        lines.append(r.line)
    return Prepared(s.table, key, s.column_names(), rows, lines, s.source, {})


def _csv(v, bson_type, s, line, field):
    conv = _CSV_TYPES.get(bson_type)
    if conv is None:
        return v
    try:
        return conv(v)
    except ValueError:
        raise SeedError(f"{v!r} is not a {bson_type}", source=s.source, line=line,
                        column=field, table=s.table) from None


def _hashable(v):
    return repr(v) if isinstance(v, (dict, list)) else v


def _key_of(p: Prepared, doc: dict) -> tuple:
    return tuple(_hashable(doc.get(f)) for f in p.key)


def _plan(db, sets, schema, reset):
    prepared = {s.table: prepare(s, schema) for s in sets}
    changes, live_docs = {}, {}
    for t, p in prepared.items():
        live = {_key_of(p, d): d for d in db[t].find({})}
        seen = {k: {f: d.get(f) for f in {*p.columns, *p.key}} for k, d in live.items()}
        rows = [{**r} for r in p.rows]
        keyed = Prepared(p.table, p.key, p.columns, rows, p.lines, p.source, {})
        ch = _diff(keyed, seen, reset)
        ch.table = t
        ch.deletes = [live[_key_of(p, r)] for r in ch.deletes]
        changes[t], live_docs[t] = ch, live
    return prepared, changes, live_docs


def _diff(p: Prepared, live, reset) -> TableChange:
    hashed = [{**r, **{f: _hashable(r.get(f)) for f in p.key}} for r in p.rows]
    return diff_rows(hashed, live_keys(live, p), p.key, reset) if hashed or reset else \
        TableChange(p.table, p.key)


def live_keys(live: dict, p: Prepared) -> dict:
    return {k: {**d, **{f: _hashable(d.get(f)) for f in p.key}} for k, d in live.items()}


def load(wb, sets, reset, env) -> SeedReport:
    backend = wb.backend
    with backend.session(wb.lock_timeout):
        db = backend.db
        schema = backend.introspect()
        prepared, changes, live = _plan(db, sets, schema, reset)
        undo = _Undo(db)
        backups = {}
        try:
            if reset:
                backups = _backups(db, changes, undo)
            for t in prepared:
                _delete(db, prepared[t], changes[t], undo)
                _write(db, prepared[t], changes[t], live[t], undo)
        except BaseException:
            undo.run()
            raise
    return SeedReport([TableResult(t, p.key, *changes[t].counts(), backups.get(t), p.source)
                       for t, p in prepared.items()], env)


class _Undo:
    """What was written, to take back in reverse order if a later write fails."""

    def __init__(self, db):
        self.db, self.steps = db, []

    def run(self) -> None:
        for fn in reversed(self.steps):
            fn()


def _backups(db, changes, undo) -> dict[str, str]:
    version = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    taken = set(db.list_collection_names())
    out, n = {}, 0
    for t, ch in changes.items():
        if not ch.deletes:
            continue
        n += 1
        while backup_name(version, n) in taken:
            n += 1
        name = backup_name(version, n)
        db[name].insert_many([dict(d) for d in ch.deletes])
        undo.steps.append(lambda name=name: db[name].drop())
        out[t] = name
    return out


def _delete(db, p: Prepared, ch: TableChange, undo) -> None:
    if not ch.deletes:
        return
    ids = [d["_id"] for d in ch.deletes]
    db[p.table].delete_many({"_id": {"$in": ids}})
    undo.steps.append(lambda: db[p.table].insert_many([dict(d) for d in ch.deletes]))


def _write(db, p: Prepared, ch: TableChange, live: dict, undo) -> None:
    from pymongo import DeleteOne, ReplaceOne
    from pymongo.errors import BulkWriteError, PyMongoError
    todo = sorted(ch.inserts + [i for i, _ in ch.updates])
    if not todo:
        return
    ops, back = [], []
    for i in todo:
        row = p.rows[i]
        k = _key_of(p, row)
        flt = {f: row[f] for f in p.key}
        before = live.get(k)
        doc = {**(before or {}), **row}
        ops.append(ReplaceOne(flt, doc, upsert=True))
        back.append(ReplaceOne({"_id": before["_id"]}, before) if before else DeleteOne(flt))
    try:
        db[p.table].bulk_write(ops, ordered=True)
    except BulkWriteError as e:
        err = (e.details.get("writeErrors") or [{}])[0]
        n = err.get("index", 0)
        if n:
            db[p.table].bulk_write(back[:n], ordered=True)
        raise SeedError(f"cannot write this document of {p.table}: "
                        f"{err.get('errmsg', str(e)).splitlines()[0]}; nothing of the seed "
                        "set was kept", source=p.source, line=p.lines[todo[n]],
                        table=p.table) from None
    except PyMongoError as e:
        raise SeedError(f"cannot write {p.table}: {str(e).splitlines()[0]}",
                        source=p.source, table=p.table) from None
    undo.steps.append(lambda: db[p.table].bulk_write(back, ordered=True))


def drift(wb, sets):
    from .seed import differences
    backend = wb.backend
    schema = backend.introspect()
    prepared, changes, _ = _plan(backend.db, sets, schema, reset=True)
    diffs, text = [], []
    for t, p in prepared.items():
        ch = changes[t]
        ch.deletes = [{f: d.get(f) for f in p.key} for d in ch.deletes]
        diffs += differences(p, ch)
        for i in sorted(ch.inserts + [i for i, _ in ch.updates]):
            row = p.rows[i]
            flt = {f: row[f] for f in p.key}
            text.append(f"db.{t}.replaceOne({_js(flt)}, {_js(row)}, {{upsert: true}})")
    return diffs, "\n".join(text)


def _js(doc) -> str:
    import json
    return json.dumps(doc, default=str, sort_keys=True)
