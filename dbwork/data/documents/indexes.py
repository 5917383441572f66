"""A document design -> the indexes of each collection: unique keys (UNIQUE constraints,
unique indexes, an embedded table's primary key), foreign-key fields that stay
references, and the source's other indexes. Paths inside embedded arrays are multikey
indexes; a unique key that includes the foreign key a table is embedded along cannot
be one (the parent holds that key): it is left out, with a note. Pure.

>>> from dbwork.model.documents import IndexSpec
>>> spec_name("orders", (("items.sku", 1),), unique=True)
'ux_orders_items_sku'
"""
from __future__ import annotations

from ...model.documents import IndexSpec


def spec_name(collection: str, key, unique: bool = False) -> str:
    fields = "_".join(f.replace(".", "_") for f, _ in key)
    return f"{'ux' if unique else 'ix'}_{collection}_{fields}"[:120]


def indexes(design) -> dict[str, list[IndexSpec]]:
    """Collection -> its index specs (``_id`` not listed), in a stable order."""
    design.index_notes = []
    out: dict[str, list[IndexSpec]] = {root: [] for root in design.collections}
    for table in design.tables:
        root = design.root_of(table)
        for cols, unique, why in _keys(design, table):
            key = _key(design, table, cols)
            if key is None:
                if why == "primary key":   # the parent document holds it: nothing to index
                    continue
                design.index_notes.append(f"{table}: {why} ({', '.join(cols)}) is not an "
                                          f"index in {root}: it includes the key of the "
                                          "parent it is embedded in")
                continue
            if key == (("_id", 1),):
                continue
            spec = IndexSpec(spec_name(root, key, unique), key, {"unique": True} if unique
                             else {})
            if all(s.key != spec.key for s in out[root]):
                out[root].append(spec)
    return out


def _keys(design, table: str):
    """(columns, unique, what) for the keys and indexes of ``table`` worth indexing."""
    t = design.table(table)
    p = design.placement(table)
    if p.embedded and t.primary_key:
        yield tuple(t.primary_key.columns), True, "primary key"
    for u in t.uniques:
        yield tuple(u.columns), True, f"unique key {u.name or ''}".strip()
    for i in t.indexes:
        if not i.where:
            yield tuple(i.columns), i.unique, f"index {i.name}"
    for fk in t.foreign_keys:
        if p.embedded and tuple(fk.columns) == tuple(p.fk.columns):
            continue
        if fk.ref_table in design.placements:
            yield tuple(fk.columns), False, f"reference to {fk.ref_table}"


def _key(design, table: str, cols) -> tuple | None:
    fields = design.fields(table)
    prefix = design.field_path(table)
    if any(c not in fields for c in cols):
        return None
    return tuple(((f"{prefix}.{fields[c]}" if prefix else fields[c]), 1) for c in cols)
