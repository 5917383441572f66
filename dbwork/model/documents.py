"""The document schema model (MongoDB): collections with their options, indexes and a
document shape inferred from a sample.

>>> c = Collection("orders", indexes=(IndexSpec("_id_", (("_id", 1),)),))
>>> s = DocumentSchema("shop", {"orders": c})
>>> s.has_collection("orders"), default_index_name((("a", 1), ("b", -1)))
(True, 'a_1_b_-1')
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import UnknownObjectError

VALIDATION_KEYS = ("validator", "validationLevel", "validationAction")
VALIDATION_DEFAULTS = {"validator": {}, "validationLevel": "strict", "validationAction": "error"}


def default_index_name(key) -> str:
    """The name MongoDB gives an index when none is given: ``field_direction`` joined
    by ``_``.

    >>> default_index_name((("loc", "2dsphere"),))
    'loc_2dsphere'
    """
    return "_".join(f"{f}_{d}" for f, d in key)


@dataclass(frozen=True)
class IndexSpec:
    """An index as the server lists it: name, ordered key and the other options
    (unique, sparse, partialFilterExpression, expireAfterSeconds, collation, ...)."""

    name: str
    key: tuple[tuple[str, Any], ...]
    options: dict = field(default_factory=dict)

    @property
    def unique(self) -> bool:
        return bool(self.options.get("unique"))

    def spec(self) -> dict:
        """The createIndexes entry: ``{"key": ..., "name": ..., **options}``."""
        return {"key": dict(self.key), "name": self.name, **self.options}

    def describe(self) -> str:
        keys = ", ".join(f"{f}: {d}" for f, d in self.key)
        opts = ", ".join(f"{k}" for k in self.options)
        return f"{self.name} {{{keys}}}" + (f" ({opts})" if opts else "")


@dataclass(frozen=True)
class FieldStat:
    """One field path seen in the sample (``a.b`` nested, ``tags[]`` array elements)
    with how often each BSON type occurred and in how many documents it was present."""

    path: str
    types: dict
    present: int
    sampled: int

    @property
    def optional(self) -> bool:
        return self.present < self.sampled

    @property
    def depth(self) -> int:
        return self.path.replace("[]", "").count(".")

    def type_text(self) -> str:
        return ", ".join(f"{t} ({n})" for t, n in sorted(self.types.items(),
                                                         key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class Collection:
    """A collection: options as given to create (validator, validationLevel,
    validationAction, capped, ...), indexes, and the inferred document shape."""

    name: str
    options: dict = field(default_factory=dict)
    indexes: tuple[IndexSpec, ...] = ()
    fields: tuple[FieldStat, ...] = ()
    documents: int = 0
    sampled: int = 0

    def validation(self) -> dict:
        """validator / validationLevel / validationAction with the server's defaults."""
        return {k: self.options.get(k, VALIDATION_DEFAULTS[k]) for k in VALIDATION_KEYS}

    def index(self, name: str) -> IndexSpec:
        for i in self.indexes:
            if i.name == name:
                return i
        raise UnknownObjectError("index", name, self.name)

    def index_by_key(self, key) -> IndexSpec:
        for i in self.indexes:
            if tuple(i.key) == tuple(key):
                return i
        raise UnknownObjectError("index", default_index_name(key), self.name)

    def has_index(self, name: str) -> bool:
        return any(i.name == name for i in self.indexes)

    def has_field(self, path: str) -> bool:
        """Was ``path`` (or something under it, or above it) seen in the sample?"""
        return any(f.path == path or f.path.startswith(path + ".") or
                   f.path.startswith(path + "[]") or path.startswith(f.path + ".")
                   for f in self.fields)

    def field_paths(self) -> list[str]:
        return [f.path for f in self.fields]


@dataclass(frozen=True)
class DocumentSchema:
    """A database: its name and collections by name. Pure data; operations return
    changed copies."""

    database: str = ""
    collections: dict = field(default_factory=dict)

    def has_collection(self, name: str) -> bool:
        return name in self.collections

    has_table = has_collection  # the SQL-side name some generic code asks

    @property
    def tables(self) -> dict:
        return self.collections

    def collection(self, name: str) -> Collection:
        try:
            return self.collections[name]
        except KeyError:
            raise UnknownObjectError("collection", name) from None

    table = collection

    def with_collection(self, c: Collection) -> "DocumentSchema":
        return replace(self, collections={**self.collections, c.name: c})

    def without_collection(self, name: str) -> "DocumentSchema":
        return replace(self, collections={k: v for k, v in self.collections.items() if k != name})

    def renaming(self, old: str, new: str) -> "DocumentSchema":
        c = replace(self.collection(old), name=new)
        return self.without_collection(old).with_collection(c)

    # -- display ----------------------------------------------------------------------
    def to_frame(self):
        """One row per (collection, field path): types with counts, presence, optional."""
        import pandas as pd
        rows = []
        for name in sorted(self.collections):
            c = self.collections[name]
            for f in c.fields:
                rows.append({"collection": name, "field": f.path, "types": f.type_text(),
                             "present": f"{f.present}/{f.sampled}", "optional": f.optional,
                             "array": "array" in f.types, "nested": "object" in f.types})
        return pd.DataFrame(rows, columns=["collection", "field", "types", "present",
                                           "optional", "array", "nested"])

    def indexes_frame(self):
        import pandas as pd
        rows = [{"collection": n, "index": i.name,
                 "key": ", ".join(f"{f}: {d}" for f, d in i.key),
                 "options": ", ".join(f"{k}={v}" for k, v in i.options.items())}
                for n in sorted(self.collections) for i in self.collections[n].indexes]
        return pd.DataFrame(rows, columns=["collection", "index", "key", "options"])

    def __repr__(self) -> str:
        lines = [f"<DocumentSchema {self.database}: {len(self.collections)} collection(s)>"]
        for name in sorted(self.collections):
            c = self.collections[name]
            v = " validator" if c.options.get("validator") else ""
            lines.append(f"  {name}: {c.documents} document(s), {len(c.indexes)} index(es){v}")
            lines += [f"    {f.path}: {f.type_text()}{' (optional)' if f.optional else ''}"
                      for f in c.fields]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<h4>{html.escape(self.database)}</h4>"]
        for name in sorted(self.collections):
            c = self.collections[name]
            parts.append(f"<b>{html.escape(name)}</b> — {c.documents} document(s)")
            if c.options:
                parts.append(f"<pre>{html.escape(repr(c.options))}</pre>")
        parts.append(self.indexes_frame().to_html(index=False))
        parts.append(self.to_frame().to_html(index=False))
        return "\n".join(parts)
