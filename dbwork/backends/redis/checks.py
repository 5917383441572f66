"""Live checks of a plan, read only, under the migration lock: the server's persistence,
keys too big to convert or copy without blocking it, what each backup will hold, and
the conflicts that refuse a plan before anything is written (a new key name that
exists, a value that is not JSON, a hash field that is there already)."""
from __future__ import annotations

from . import ops as o
from .execute import BadValue, Executor, KeyConflict, chunks, json_problem
from .keys import KeyGlob

BIG_KEY_BYTES = 1 << 20      # a key over 1 MiB blocks the server while it is converted
MEMORY_SAMPLE = 1000         # keys whose MEMORY USAGE is read per step, at most


def review_keys(ops, session) -> tuple[list[str], list[dict]]:
    """(warnings, checks) for ``ops``; raises KeyConflict / BadValue to refuse."""
    ex: Executor = session.executor
    warnings = persistence_warnings(ex.r)
    checks: list[dict] = []
    renamed = False   # after a rename, later steps meet keys that do not exist yet
    for op in ops:
        if renamed and isinstance(op, (o.BackupKeys, o.KeyOperation)):
            continue   # checked as it runs (its step refuses the same conflicts)
        if isinstance(op, o.BackupKeys):
            warnings += backup_warnings(ex, op)
        elif isinstance(op, o.KeyOperation):
            renamed = isinstance(op, o.RenamePattern)
            keys = ex.select(op)
            checks.append({"check": f"keys the step acts on ({op.describe()})",
                           "table": op.pattern, "result": "ok", "count": len(keys)})
            if not keys:
                warnings.append(f"{op.describe()}: no key matches {op.pattern}; the step "
                                "changes nothing")
            refuse_conflicts(ex, op, keys)
    return warnings, checks


def persistence_warnings(r) -> list[str]:
    """Redis with neither RDB snapshots nor an AOF keeps the migration in memory only.

    Read with CONFIG GET; a managed server that refuses CONFIG gets a softer note."""
    try:
        save = r.config_get("save").get("save", "")
        aof = r.config_get("appendonly").get("appendonly", "no")
    except Exception:  # CONFIG is renamed or refused (managed Redis)
        return ["persistence unknown: CONFIG GET is refused here; make sure RDB or AOF "
                "is on, or a restart loses this migration's result and its history"]
    save, aof = _text(save), _text(aof)
    if not save.strip() and aof != "yes":
        return ['persistence is off (save "", appendonly no): a restart of the server '
                "loses this migration's result, its backups and its history"]
    if aof != "yes":
        return [f"persistence is RDB snapshots only (save {save!r}, appendonly no): a "
                "crash before the next snapshot loses the migration's result"]
    return []


def backup_warnings(ex: Executor, op: o.BackupKeys) -> list[str]:
    """What the backup will hold, and big keys among them (MEMORY USAGE, sampled)."""
    keys = ex.select(op.op)
    if not keys:
        return []
    sizes = _memory(ex.r, keys[:MEMORY_SAMPLE], ex.batch)
    sampled = sum(sizes.values())
    total = sampled * len(keys) // max(len(sizes), 1)
    out = [f"backup {op.backup} holds {len(keys)} key(s) of {op.op.pattern} "
           f"(about {_size(total)}; DUMP with expiry, restored byte for byte on rollback)"]
    big = sorted((k for k, n in sizes.items() if n >= BIG_KEY_BYTES),
                 key=lambda k: sizes[k], reverse=True)
    if big:
        largest = big[0]
        out.append(f"big keys: {len(big)} key(s) of {op.op.pattern} are over "
                   f"{_size(BIG_KEY_BYTES)} (largest {_show(largest)}, "
                   f"{_size(sizes[largest])}); each blocks the server while it is dumped "
                   "and converted")
    return out


def _memory(r, keys: list[bytes], batch: int) -> dict:
    out = {}
    for part in chunks(keys, batch):
        pipe = r.pipeline(transaction=False)
        for key in part:
            pipe.memory_usage(key)
        out.update({k: int(n or 0) for k, n in zip(part, pipe.execute())})
    return out


def refuse_conflicts(ex: Executor, op, keys: list[bytes]) -> None:
    """The run-time refusals of each operation, checked before the first write."""
    if isinstance(op, o.RenamePattern):
        glob = KeyGlob(op.pattern)
        targets = {k: glob.rename(k, op.template) for k in keys}
        ex._refuse_collisions(targets)
        for part in chunks(list(targets.values()), ex.batch):
            ex._refuse_existing(part, ex.db, f"RENAME PATTERN {op.pattern}: the new name "
                                "exists already")
    elif isinstance(op, o.MovePattern):
        if op.database == ex.db:
            raise KeyConflict(f"MOVE PATTERN {op.pattern}: the keys are in database "
                              f"{ex.db} already", [])
        for part in chunks(keys, ex.batch):
            ex._refuse_existing(part, op.database, f"MOVE PATTERN {op.pattern}: database "
                                f"{op.database} has keys of the same name")
    elif isinstance(op, o.ConvertValues) and op.source == "json":
        _refuse_bad_json(ex, op, keys)
    elif isinstance(op, (o.RenameField, o.SplitField)):
        _refuse_existing_fields(ex, op, keys)


def _refuse_bad_json(ex: Executor, op, keys: list[bytes]) -> None:
    bad = []
    for part in chunks(keys, ex.batch):
        pipe = ex.r.pipeline(transaction=False)
        for key in part:
            pipe.get(key)
        bad += [(k, json_problem(v)) for k, v in zip(part, pipe.execute()) if json_problem(v)]
    if bad:
        shown = "; ".join(f"{_show(k)}: {why}" for k, why in bad[:3])
        raise BadValue(f"CONVERT {op.pattern} FROM json: {len(bad)} string key(s) are not "
                       f"JSON objects with members ({shown}); nothing was changed")


def _refuse_existing_fields(ex: Executor, op, keys: list[bytes]) -> None:
    field = op.old if isinstance(op, o.RenameField) else op.field
    new = [op.new] if isinstance(op, o.RenameField) else list(op.into)
    clash = []
    for part in chunks(keys, ex.batch):
        pipe = ex.r.pipeline(transaction=False)
        for key in part:
            pipe.hexists(key, field)
            pipe.hmget(key, new)
        answers = pipe.execute()
        clash += [k for k, has, values in zip(part, answers[::2], answers[1::2])
                  if has and any(v is not None for v in values)]
    if clash:
        raise KeyConflict(f"field(s) {', '.join(new)} exist already in keys {op.pattern}; "
                          "nothing was changed", clash)


def drop_backups(session, versions=None) -> list[str]:
    """Backups of ``versions`` still there after their rollback (each restore drops its
    own; what is left was written by a step that was interrupted)."""
    dropped = []
    for version in versions or ():
        pattern = f"_dbwork_bak_{version}_*"
        for key in session.r.scan_iter(match=pattern, count=session.backend.batch):
            session.r.delete(key)
            dropped.append(_show(key))
    return dropped


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _show(key) -> str:
    return key.decode("utf-8", "backslashreplace") if isinstance(key, bytes) else str(key)


def _size(n: float) -> str:
    """
    >>> _size(512), _size(1 << 20)
    ('512 B', '1.0 MiB')
    """
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"
