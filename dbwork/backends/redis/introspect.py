"""The live key space as a schema: keys grouped into patterns (``user:*:profile``),
each with its Redis type, how many keys, whether they expire, and (for hashes and JSON
strings) the field names seen in a sample. Read with SCAN in batches and pipelined
TYPE / PTTL; dbwork's own keys are left out.

The options of each pattern (type and TTL state) are what a rollback's check compares:
after up then down, every pattern has the type and TTL state it had.
"""
from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from ...model.documents import Collection, DocumentSchema, FieldStat
from .keys import is_internal, summary_pattern

SAMPLE = 20          # values read per pattern for field names
MAX_KEYS = 200_000   # keys summarised at most (a bigger key space is sampled)


@dataclass(frozen=True)
class KeySchema(DocumentSchema):
    """Patterns of keys (as collections): options ``type`` and ``ttl``."""

    def to_frame(self):
        import pandas as pd
        rows = [{"pattern": name, "type": c.options.get("type"), "keys": c.documents,
                 "ttl": c.options.get("ttl"), "fields": ", ".join(c.field_paths())}
                for name, c in sorted(self.collections.items())]
        return pd.DataFrame(rows, columns=["pattern", "type", "keys", "ttl", "fields"])

    def __repr__(self) -> str:
        lines = [f"<KeySchema {self.database}: {len(self.collections)} pattern(s)>"]
        for name, c in sorted(self.collections.items()):
            fields = f" fields {', '.join(c.field_paths())}" if c.fields else ""
            lines.append(f"  {name}: {c.documents} {c.options.get('type')} key(s), "
                         f"ttl {c.options.get('ttl')}{fields}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<h4>{html.escape(self.database)}</h4>" + self.to_frame().to_html(index=False)


def introspect(r, db: int, batch: int = 500) -> KeySchema:
    keys = []
    for key in r.scan_iter(count=batch):
        if not is_internal(key):
            keys.append(key)
            if len(keys) >= MAX_KEYS:
                break
    facts = _types_and_ttls(r, sorted(set(keys)), batch)
    groups: dict[str, list] = defaultdict(list)
    for key, (kind, pttl) in facts.items():
        groups[summary_pattern(key)].append((key, kind, pttl))
    patterns = {name: _pattern(r, name, members) for name, members in sorted(groups.items())}
    return KeySchema(f"db{db}", patterns)


def _types_and_ttls(r, keys: list[bytes], batch: int) -> dict:
    out = {}
    for i in range(0, len(keys), batch):
        part = keys[i:i + batch]
        pipe = r.pipeline(transaction=False)
        for key in part:
            pipe.type(key)
            pipe.pttl(key)
        answers = pipe.execute()
        for key, kind, pttl in zip(part, answers[::2], answers[1::2]):
            kind = kind.decode() if isinstance(kind, bytes) else str(kind)
            if kind != "none":      # expired between SCAN and TYPE
                out[key] = (kind, int(pttl))
    return out


def _pattern(r, name: str, members: list) -> Collection:
    kinds = Counter(kind for _, kind, _ in members)
    expiring = sum(1 for _, _, pttl in members if pttl > 0)
    kind = " + ".join(sorted(kinds))
    sample = [key for key, k, _ in members if k in ("hash", "string")][:SAMPLE]
    fields, json_strings = _fields(r, sample)
    if kinds.get("string") and json_strings == len([k for k, t, _ in members[:SAMPLE]
                                                    if t == "string"]) and json_strings:
        kind = kind.replace("string", "string (json)")
    ttl = "none" if not expiring else ("all" if expiring == len(members) else "some")
    return Collection(name, options={"type": kind, "ttl": ttl}, fields=fields,
                      documents=len(members), sampled=len(sample))


def _fields(r, keys: list[bytes]) -> tuple[tuple[FieldStat, ...], int]:
    """Field names of sampled hashes and JSON-object strings, and how many strings were
    JSON objects."""
    if not keys:
        return (), 0
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    kinds = pipe.execute()
    pipe = r.pipeline(transaction=False)
    for key, kind in zip(keys, kinds):
        (pipe.hkeys if kind in (b"hash", "hash") else pipe.get)(key)
    seen: Counter = Counter()
    json_strings = 0
    for kind, value in zip(kinds, pipe.execute()):
        if kind in (b"hash", "hash"):
            seen.update(f.decode("utf-8", "backslashreplace") for f in value)
            continue
        try:
            obj = json.loads(value or b"")
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(obj, dict):
            json_strings += 1
            seen.update(obj)
    n = len(keys)
    stats = tuple(FieldStat(name, {"field": count}, count, n)
                  for name, count in sorted(seen.items()))
    return stats, json_strings
