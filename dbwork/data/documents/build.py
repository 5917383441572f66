"""Rows to documents along a design, and documents back to rows (as fingerprints) for
the checksum: the two directions of one mapping, pure.

>>> from dbwork.data.documents.design import DocumentDesign, Placement
>>> from dbwork.data.documents.stats import Measurements
>>> from dbwork.model import Column, PrimaryKey, Schema, Table
>>> s = Schema.of(Table("users", (Column("id", "INTEGER", False), Column("name", "TEXT")),
...                     PrimaryKey(("id",))))
>>> d = DocumentDesign(s, Measurements(), {"users": Placement("users")})
>>> doc = document(d, "users", {"id": 7, "name": None}, {})
>>> doc, list(source_rows(d, "users", doc))
({'_id': 7}, [('users', ('i:7', '-'))])
"""
from __future__ import annotations

from .values import fingerprint, to_bson


def field_value(design, table: str, column: str, value):
    return to_bson(value, design.table(table).column(column).type, design.decimals)


def document(design, table: str, row: dict, children: dict) -> dict:
    """The document for ``row`` of ``table``. ``children``: child table -> {parent key
    fingerprints: [child documents]} for the tables embedded in ``table``. A NULL
    leaves its field out; an embedded array is always there (maybe empty)."""
    doc: dict = {}
    for col, name in design.fields(table).items():
        v = field_value(design, table, col, row.get(col))
        if v is None:
            continue
        if name.startswith("_id."):
            doc.setdefault("_id", {})[name[4:]] = v
        else:
            doc[name] = v
    for p in design.children(table):
        key = parent_key(design, table, p.fk.ref_columns, row)
        found = children.get(p.table, {}).get(key, [])
        if p.many:
            doc[p.field] = found
        elif found:
            doc[p.field] = found[0]
    return doc


def parent_key(design, table: str, columns, row: dict) -> tuple:
    return tuple(fingerprint(field_value(design, table, c, row.get(c))) for c in columns)


def child_key(design, table: str, fk_columns, row: dict) -> tuple:
    return parent_key(design, table, fk_columns, row)


def row_fingerprints(design, table: str, row: dict) -> tuple:
    """One source row as the checksum sees it: each column's BSON value's fingerprint,
    in column order."""
    return tuple(fingerprint(field_value(design, table, c.name, row.get(c.name)))
                 for c in design.table(table).columns)


def source_rows(design, table: str, doc: dict, parent: dict | None = None):
    """(table, fingerprints) for the row a document holds and every row embedded in
    it, rebuilt from the document alone (an embedded row's foreign key is taken from
    its parent). ``parent``: column -> fingerprint of the parent row."""
    t = design.table(table)
    p = design.placement(table)
    fields = design.fields(table)
    inherited = dict(zip(p.fk.columns, (parent[c] for c in p.fk.ref_columns))) \
        if p.embedded and parent is not None else {}
    values = {}
    for c in t.columns:
        if c.name in inherited:
            values[c.name] = inherited[c.name]
            continue
        name = fields[c.name]
        raw = (doc.get("_id") or {}).get(name[4:]) if name.startswith("_id.") and \
            isinstance(doc.get("_id"), dict) else doc.get(name)
        values[c.name] = fingerprint(raw)
    yield table, tuple(values[c.name] for c in t.columns)
    for child in design.children(table):
        inner = doc.get(child.field)
        items = inner if isinstance(inner, list) else ([inner] if isinstance(inner, dict) else [])
        if child.many and not isinstance(inner, list):
            yield table, ("!", f"{child.field} is not an array")
        for item in items:
            yield from source_rows(design, child.table, item, values)


def differences(expected, found, path: str = "") -> list[str]:
    """Field-by-field differences between two documents, as 'path: expected X, found
    Y' lines (values compared by fingerprint, so int and long agree).

    >>> differences({"a": 1, "b": [{"c": 2}]}, {"a": 1, "b": [{"c": 3}]})
    ['b[0].c: expected 2, found 3']
    """
    if isinstance(expected, dict) and isinstance(found, dict):
        out = []
        for k in list(expected) + [k for k in found if k not in expected]:
            out += differences(expected.get(k), found.get(k), f"{path}.{k}" if path else k)
        return out
    if isinstance(expected, list) and isinstance(found, list):
        if len(expected) != len(found):
            return [f"{path}: expected {len(expected)} element(s), found {len(found)}"]
        out = []
        for i, (e, f) in enumerate(zip(expected, found)):
            out += differences(e, f, f"{path}[{i}]")
        return out
    if fingerprint(expected) != fingerprint(found):
        return [f"{path}: expected {_short(expected)}, found {_short(found)}"]
    return []


def _short(v) -> str:
    text = "missing" if v is None else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def fingerprint_id(value) -> str:
    """A document's ``_id`` as a dictionary key (a composite key is an object)."""
    return fingerprint(value)
