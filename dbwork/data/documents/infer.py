"""Tables inferred from sampled MongoDB documents, and documents turned into their rows.
Pure.

- A collection is a table keyed by ``_id``.
- A nested object is flattened into columns (``ship.city`` -> ``ship_city``), or, when
  its path is in ``split``, split out into a table of its own, one row per document,
  keyed by (and referencing) its parent's key.
- An array becomes a child table ``<table>_<field>`` keyed by the parent's key and the
  element's position ``idx``, with a foreign key to the parent; an array of scalars
  has one ``value`` column, an array of objects the objects' fields.
- A path seen with several types is reported: numbers widen (int and double: DOUBLE),
  scalars with text become TEXT, objects or arrays mixed with scalars a JSON column.

>>> plans = infer_tables("orders", [{"_id": 1, "ship": {"city": "Oslo"}, "tags": ["a", "b"]},
...                                 {"_id": 2, "qty": 1.5}, {"_id": 3, "qty": 2}])
>>> [(p.name, [c.name for c in p.columns]) for p in plans]
[('orders', ['_id', 'ship_city', 'qty']), ('orders_tags', ['orders_id', 'idx', 'value'])]
>>> plans[0].column("qty").sql_type, plans[0].notes
('DOUBLE', ['orders.qty: mixed types double (1), int (1): stored as DOUBLE'])
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from ...backends.mongodb.introspect import type_name

MAX_NAME = 63
INT32 = 2 ** 31 - 1


@dataclass
class ColumnPlan:
    name: str
    path: tuple            # keys inside the element (() for a scalar array's value)
    types: Counter = field(default_factory=Counter)
    present: int = 0
    big: bool = False      # an integer beyond 32 bits was seen
    sql_type: str = "TEXT"
    nullable: bool = True
    key: bool = False


@dataclass
class TablePlan:
    """One inferred table: where its rows come from (``array_path``: the fields from
    the root document down to its array, () for the collection), its columns, key and
    parent."""

    name: str
    collection: str
    array_path: tuple = ()
    columns: list = field(default_factory=list)
    parent: str | None = None
    parent_key: tuple = ()     # this table's columns that reference the parent's key
    scalar: bool = False
    one: bool = False          # a split object: at most one row per parent row, no idx
    elements: int = 0
    notes: list = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return tuple(c.name for c in self.columns if c.key)

    def column(self, name: str) -> ColumnPlan:
        return next(c for c in self.columns if c.name == name)

    def by_path(self) -> dict:
        return {c.path: c for c in self.columns if not c.key or c.path}


def infer_tables(collection: str, docs: list[dict], split=()) -> list[TablePlan]:
    """The tables for ``collection`` from sampled ``docs``, parents first. ``split``:
    dotted paths of nested objects to make tables of their own instead of columns.

    >>> [(p.name, p.key) for p in infer_tables("o", [{"_id": 1, "ship": {"city": "X"}}],
    ...                                         split=["ship"])]
    [('o', ('_id',)), ('o_ship', ('o_id',))]
    """
    root = TablePlan(_name(collection), collection)
    out = [root]
    _grow(root, docs, out, key_cols=[], split=frozenset(split))
    by_name = {p.name: p for p in out}
    for p in out:
        _settle(p)
        if p.parent:   # the key inherited from the parent has the parent's key types
            parent_keys = [c for c in by_name[p.parent].columns if c.key]
            for name, ref in zip(p.parent_key, parent_keys):
                p.column(name).sql_type = ref.sql_type
    return out


def _grow(plan: TablePlan, elements: list, out: list, key_cols: list,
          split: frozenset = frozenset()) -> None:
    """Columns of ``plan`` from its ``elements``; child plans for arrays inside them
    (and for the objects ``split`` names)."""
    plan.elements = len(elements)
    cols: dict[tuple, ColumnPlan] = {}
    if plan.parent is None:
        cols[("_id",)] = ColumnPlan("_id", ("_id",), key=True)
    else:
        for name in key_cols:
            cols[("#", name)] = ColumnPlan(name, (), key=True, nullable=False)
        if not plan.one:
            cols[("#", "idx")] = ColumnPlan("idx", (), key=True, nullable=False)
            cols[("#", "idx")].types["int"] = 1
    arrays: dict[tuple, list] = {}
    objects: dict[tuple, list] = {}
    for el in elements:
        if plan.scalar:
            _see(cols, ("value",), "value", el, arrays)
        else:
            _walk(cols, el, (), arrays, (plan.array_path, split, objects))
    plan.columns = list(cols.values())
    my_key = [c.name for c in plan.columns if c.key]
    for path, items in objects.items():
        child = TablePlan(_name(f"{plan.name}_{'_'.join(path)}"), plan.collection,
                          plan.array_path + path, parent=plan.name, one=True)
        child.parent_key = tuple(_fk_name(plan, k) for k in my_key)
        child.notes.append(f"{plan.collection}.{'.'.join(child.array_path)}: split into "
                           f"{child.name} (one row per {plan.name} row)")
        out.append(child)
        _grow(child, items, out, list(child.parent_key), split)
    for path, items in arrays.items():
        child = TablePlan(_name(f"{plan.name}_{'_'.join(path)}"), plan.collection,
                          plan.array_path + path, parent=plan.name,
                          scalar=not all(isinstance(i, dict) for i in items if i is not None))
        child.parent_key = tuple(_fk_name(plan, k) for k in my_key)
        if child.scalar and any(isinstance(i, (dict, list)) for i in items):
            child.notes.append(f"{plan.collection}.{'.'.join(child.array_path)}[]: objects "
                               "mixed with scalars: stored as JSON")
        out.append(child)
        _grow(child, items, out, list(child.parent_key), split)


def _fk_name(parent: TablePlan, key: str) -> str:
    if key == "_id":
        return f"{parent.name}_id"
    if key == "idx":
        return f"{parent.name.rsplit('_', 1)[-1]}_idx"
    return key


def _walk(cols: dict, doc: dict, prefix: tuple, arrays: dict, splitting=((), (), None)) -> None:
    base, split, objects = splitting
    for k, v in doc.items():
        path = prefix + (k,)
        if isinstance(v, dict) and ".".join(base + path) in split:
            objects.setdefault(path, []).append(v)
        elif isinstance(v, dict) and v:
            _walk(cols, v, path, arrays, splitting)
        else:
            _see(cols, path, "_".join(path), v, arrays)


def _see(cols: dict, path: tuple, name: str, v, arrays: dict) -> None:
    if isinstance(v, list):
        arrays.setdefault(path, []).extend(v)
        return
    c = cols.get(path)
    if c is None:
        c = cols[path] = ColumnPlan(name, path)
    c.types[type_name(v)] += 1
    c.present += 1
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > INT32:
        c.big = True


_SIMPLE = {"int": "INTEGER", "long": "BIGINT", "double": "DOUBLE", "decimal": "NUMERIC",
           "string": "TEXT", "objectId": "VARCHAR(24)", "date": "TIMESTAMP",
           "bool": "BOOLEAN", "binData": "BLOB", "object": "JSON"}


def _settle(plan: TablePlan) -> None:
    """Each column's SQL type and nullability; mixed types noted."""
    names: set = set()
    for c in plan.columns:
        c.name = _unique(c.name, names)
        types = {t for t in c.types if t != "null"}
        c.sql_type = column_type(types, c.big)
        if not c.key:
            c.nullable = c.present < plan.elements or "null" in c.types
        if len(types) > 1:
            counts = ", ".join(f"{t} ({n})" for t, n in sorted(c.types.items()))
            plan.notes.append(f"{plan.collection}.{'.'.join(plan.array_path + c.path)}: "
                              f"mixed types {counts}: stored as {c.sql_type}")


def column_type(types: set, big: bool = False) -> str:
    """The SQL type that holds every BSON type in ``types``.

    >>> column_type({"int"}), column_type({"int", "double"}), column_type({"int", "string"})
    ('INTEGER', 'DOUBLE', 'TEXT')
    """
    if not types:
        return "TEXT"
    if types <= {"int", "long"}:
        return "BIGINT" if big or "long" in types else "INTEGER"
    if types <= {"int", "long", "double"}:
        return "DOUBLE"
    if types <= {"int", "long", "decimal"}:
        return "NUMERIC"
    if len(types) == 1:
        return _SIMPLE.get(next(iter(types)), "TEXT")
    if types & {"object", "array"}:
        return "JSON"
    return "TEXT"


def _unique(name: str, taken: set) -> str:
    base, n = name, 2
    while name.lower() in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name.lower())
    return _name(name)


def _name(name: str) -> str:
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[:MAX_NAME - 9]}_{digest}"


# -- documents -> rows ---------------------------------------------------------------------
class Unfit(Exception):
    """A document that the inferred tables cannot hold (a field or type not seen in
    the sample)."""


def document_rows(plans: list[TablePlan], doc: dict) -> dict[str, list[dict]]:
    """table -> rows for one document (raises Unfit naming the field)."""
    by_name = {p.name: p for p in plans}
    out: dict[str, list[dict]] = {p.name: [] for p in plans}
    _rows(by_name, plans[0], doc, {}, out)
    return out


def _rows(by_name, plan: TablePlan, element, inherited: dict, out: dict) -> None:
    row = dict(inherited)
    paths = plan.by_path()
    arrays: dict[tuple, list] = {}
    children = {p.array_path[len(plan.array_path):]: p for p in by_name.values()
                if p.parent == plan.name}
    objects = {path: None for path, p in children.items() if p.one}
    if plan.scalar:
        _put(plan, paths, ("value",), element, row, arrays)
    else:
        _flatten(plan, paths, element, (), row, arrays, objects)
    for c in plan.columns:
        if c.path and c.name not in row:
            row[c.name] = None
        if row.get(c.name) is None and not c.nullable:
            raise Unfit(f"{plan.name}.{c.name} is missing")
    out[plan.name].append(row)
    mine = {c.name: row[c.name] for c in plan.columns if c.key}
    for path, obj in objects.items():
        if obj is not None:
            _rows(by_name, children[path], obj, dict(zip(children[path].parent_key,
                                                         mine.values())), out)
    for path, items in arrays.items():
        child = children.get(path)
        if child is None:
            raise Unfit(f"array {'.'.join(plan.array_path + path)} was not in the sample")
        for i, item in enumerate(items):
            base = dict(zip(child.parent_key, mine.values()))
            _rows(by_name, child, item, {**base, "idx": i}, out)


def _flatten(plan, paths, doc, prefix, row, arrays, objects=None) -> None:
    if not isinstance(doc, dict):
        raise Unfit(f"{plan.name}: expected an object, found {type_name(doc)}")
    objects = {} if objects is None else objects
    for k, v in doc.items():
        path = prefix + (k,)
        if path in objects and isinstance(v, dict):
            objects[path] = v
        elif isinstance(v, dict) and v and path not in paths:
            _flatten(plan, paths, v, path, row, arrays, objects)
        else:
            _put(plan, paths, path, v, row, arrays)


def _put(plan, paths, path, v, row, arrays) -> None:
    c = paths.get(path)
    if isinstance(v, list) and (c is None or c.sql_type != "JSON"):
        arrays[path] = v
        return
    if c is None:
        raise Unfit(f"field {'.'.join(plan.array_path + path)} was not in the sample")
    row[c.name] = sql_value(v, c.sql_type, f"{plan.name}.{c.name}")


def sql_value(v, sql_type: str, where: str = ""):
    """A BSON value as the column's driver value (raises Unfit when it does not fit).

    >>> sql_value(3, "DOUBLE"), sql_value(True, "TEXT"), sql_value({"a": 1}, "JSON")
    (3.0, 'true', {'a': 1})
    """
    if v is None:
        return None
    kind = type_name(v)
    if sql_type == "JSON":
        return _plain(v)
    if sql_type in ("INTEGER", "BIGINT") and kind in ("int", "long"):
        return int(v)
    if sql_type == "DOUBLE" and kind in ("int", "long", "double"):
        return float(v)
    if sql_type == "NUMERIC" and kind in ("int", "long", "decimal"):
        return v.to_decimal() if kind == "decimal" else v
    if sql_type == "TIMESTAMP" and kind == "date":
        return v.astimezone(dt.timezone.utc).replace(tzinfo=None) if v.tzinfo else v
    if sql_type == "BOOLEAN" and kind == "bool":
        return v
    if sql_type == "BLOB" and kind == "binData":
        return bytes(v)
    if sql_type.startswith(("TEXT", "VARCHAR")):
        return _text(v, kind)
    raise Unfit(f"{where}: a {kind} value does not fit {sql_type}")


def _text(v, kind: str) -> str:
    if kind == "bool":
        return "true" if v else "false"
    if kind == "date":
        return (v.astimezone(dt.timezone.utc).replace(tzinfo=None) if v.tzinfo else v).isoformat()
    if kind in ("object", "array"):
        return json.dumps(_plain(v), sort_keys=True)
    return str(v)


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return str(v)
