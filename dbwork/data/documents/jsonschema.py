"""A document design -> ``$jsonSchema`` validators: bsonType per column type, required
fields from NOT NULL, VARCHAR lengths, enum values, and the CHECK constraints that
translate (comparisons with a constant, IN lists, BETWEEN, length bounds, joined by
AND). A CHECK that does not translate is listed in ``untranslated`` with its reason.
Pure (sqlglot reads the CHECK text).

>>> from dbwork.model import Check, Column, Table
>>> t = Table("items", (Column("qty", "INTEGER", False), Column("sku", "VARCHAR(8)")),
...           checks=(Check("qty > 0"),))
>>> props, notes = column_schemas(t, {"qty": "qty", "sku": "sku"}, "decimal128")
>>> props["qty"], props["sku"], notes
({'bsonType': ['int', 'long'], 'exclusiveMinimum': 0}, {'bsonType': ['string', 'null'], 'maxLength': 8}, [])
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from .. import values as sql_values
from .values import bson_type, to_bson

_BOUNDS = {exp.GT: "exclusiveMinimum", exp.GTE: "minimum", exp.LT: "exclusiveMaximum",
           exp.LTE: "maximum"}
_FLIP = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE}
_LENGTH_BOUNDS = {"minimum": "minLength", "maximum": "maxLength",
                  "exclusiveMinimum": ("minLength", 1), "exclusiveMaximum": ("maxLength", -1)}


def validators(design) -> dict[str, dict]:
    """Collection -> {"$jsonSchema": ...} for every collection of ``design``."""
    design.untranslated = []
    return {root: {"$jsonSchema": document_schema(design, root)} for root in design.collections}


def document_schema(design, table: str) -> dict:
    """The $jsonSchema of one ``table`` document with everything embedded in it."""
    t = design.table(table)
    fields = design.fields(table)
    props, notes = column_schemas(t, fields, design.decimals, getattr(design, "dialect", None))
    design.untranslated = getattr(design, "untranslated", []) + notes
    out_props, required = {}, []
    for col, name in fields.items():
        top = name.split(".")[0]
        if top == "_id" and "." in name:   # composite key: one object
            sub = out_props.setdefault("_id", {"bsonType": "object", "required": [],
                                               "properties": {}})
            sub["properties"][name.split(".", 1)[1]] = props[col]
            sub["required"].append(name.split(".", 1)[1])
            if "_id" not in required:
                required.append("_id")
            continue
        out_props[name] = props[col]
        pk = t.primary_key.columns if t.primary_key else ()
        if not t.column(col).nullable or col in pk:
            required.append(name)
    for child in design.children(table):
        inner = document_schema(design, child.table)
        out_props[child.field] = ({"bsonType": "array", "items": inner} if child.many else
                                  {"bsonType": ["object", "null"], **_without_type(inner)})
        if child.many:
            required.append(child.field)
    return {"bsonType": "object", "required": required, "properties": out_props}


def _without_type(schema: dict) -> dict:
    return {k: v for k, v in schema.items() if k != "bsonType"}


def column_schemas(t, fields: dict, decimals: str, read: str | None = None
                   ) -> tuple[dict, list[str]]:
    """Column -> property schema, and the notes on CHECKs that did not translate."""
    pk = set(t.primary_key.columns) if t.primary_key else set()
    props = {c.name: _column_schema(c, decimals, c.nullable and c.name not in pk)
             for c in t.columns if c.name in fields}
    notes = []
    for check in t.checks:
        try:
            parts = translate_check(check.expression, t, decimals, read)
        except _Untranslatable as e:
            notes.append(f"{t.name}: CHECK ({check.expression}) not in the validator: {e}")
            continue
        for col, rules in parts:
            if col in props:
                props[col].update(rules)
    return props, notes


def _column_schema(col, decimals: str, nullable: bool) -> dict:
    kind = bson_type(col.type, decimals)
    out: dict = {}
    if kind is not None:
        types = ["int", "long"] if kind == "int" else [kind]
        out["bsonType"] = types + ["null"] if nullable else (
            types if len(types) > 1 else types[0])
    if col.type.endswith("[]"):
        inner = bson_type(col.type[:-2], decimals)
        if inner:
            out["items"] = {"bsonType": ["int", "long"] if inner == "int" else inner}
    n = sql_values.max_length(col.type)
    if n and sql_values.kind_of(col.type) == "text":
        out["maxLength"] = n
    allowed = sql_values.enum_values(col.type)
    if allowed:
        out["enum"] = list(allowed) + ([None] if nullable else [])
    return out


class _Untranslatable(Exception):
    pass


def translate_check(text: str, t, decimals: str = "decimal128", read: str | None = None
                    ) -> list[tuple[str, dict]]:
    """(column, $jsonSchema keywords) pairs for a CHECK expression.

    >>> from dbwork.model import Column, Table
    >>> t = Table("t", (Column("a", "INTEGER"), Column("s", "TEXT")))
    >>> translate_check("a BETWEEN 1 AND 5 AND s IN ('x', 'y')", t)
    [('a', {'minimum': 1}), ('a', {'maximum': 5}), ('s', {'enum': ['x', 'y']})]
    >>> translate_check("length(s) <= 10", t)
    [('s', {'maxLength': 10})]
    >>> translate_check("`a` >= 0", t, read="mysql")
    [('a', {'minimum': 0})]
    """
    try:
        tree = sqlglot.parse_one(text, read=read)
    except sqlglot.errors.ParseError:
        raise _Untranslatable("not understood") from None
    return _translate(_strip(tree), t, decimals)


def _strip(node):
    while isinstance(node, (exp.Paren, exp.Cast)) and node.this is not None:
        node = node.this
    return node


def _translate(node, t, decimals) -> list[tuple[str, dict]]:
    node = _strip(node)
    if isinstance(node, exp.And):
        return _translate(node.left, t, decimals) + _translate(node.right, t, decimals)
    if isinstance(node, exp.Between):
        col = _column(node.this, t)
        return [(col, {"minimum": _number(node.args["low"], t, col, decimals)}),
                (col, {"maximum": _number(node.args["high"], t, col, decimals)})]
    if isinstance(node, exp.In) and not node.args.get("query"):
        col = _column(node.this, t)
        return [(col, {"enum": [_literal(v) for v in node.expressions]})]
    if isinstance(node, exp.Not) and isinstance(_strip(node.this), exp.Is):
        return [(_column(_strip(node.this).this, t), {})]
    if isinstance(node, exp.EQ) and isinstance(_strip(node.expression), exp.Any):
        values = _strip(_strip(node.expression).this)   # PostgreSQL's IN: = ANY (ARRAY[...])
        if isinstance(values, exp.Array):
            return [(_column(node.this, t), {"enum": [_literal(v) for v in values.expressions]})]
    if isinstance(node, exp.EQ):
        return [(_column(node.this, t), {"enum": [_literal(node.expression)]})]
    if type(node) in _BOUNDS:
        return [_bound(node, t, decimals)]
    raise _Untranslatable(f"{type(node).__name__.lower()} has no $jsonSchema form")


def _bound(node, t, decimals) -> tuple[str, dict]:
    left, right, kind = _strip(node.left), _strip(node.right), type(node)
    if isinstance(right, (exp.Column, exp.Length)) and not isinstance(left, (exp.Column,
                                                                             exp.Length)):
        left, right, kind = right, left, _FLIP[kind]
    keyword = _BOUNDS[kind]
    if isinstance(left, exp.Length) or (isinstance(left, exp.Anonymous) and
                                        left.name.lower() in ("length", "char_length")):
        col = _column(left.this if isinstance(left, exp.Length) else left.expressions[0], t)
        n = int(_literal(right))
        spec = _LENGTH_BOUNDS[keyword]
        name, shift = spec if isinstance(spec, tuple) else (spec, 0)
        return col, {name: n + shift}
    col = _column(left, t)
    return col, {keyword: _number(right, t, col, decimals)}


def _column(node, t) -> str:
    node = _strip(node)
    if not isinstance(node, exp.Column) or not t.has_column(node.name):
        raise _Untranslatable(f"{node.sql()} is not a column of {t.name}")
    return node.name


def _number(node, t, col: str, decimals: str):
    kind = sql_values.kind_of(t.column(col).type)
    if kind not in ("int", "float", "decimal") or (kind == "decimal" and decimals == "string"):
        raise _Untranslatable(f"{col} is not stored as a number")
    value = _literal(node)
    if not isinstance(value, (int, float)):
        raise _Untranslatable(f"{_strip(node).sql()} is not a number")
    if kind == "decimal" and decimals == "decimal128":
        return to_bson(value, "NUMERIC", decimals)
    return value


def _literal(node):
    node = _strip(node)
    if isinstance(node, exp.Neg):
        v = _literal(node.this)
        return -v
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        return int(text) if text.lstrip("-").isdigit() else float(text)
    if isinstance(node, exp.Boolean):
        return node.this
    raise _Untranslatable(f"{node.sql()} is not a constant")
