"""A Prisma schema file -> the neutral Schema that ``prisma migrate`` would build
(pure). Models with scalar fields, ``@id``/``@@id``, ``@default``, ``@unique``,
``@@unique``, ``@@index``, ``@relation(fields, references, onDelete, onUpdate)``,
optional ``?``, native types ``@db.VarChar(n)`` and ``@map``/``@@map`` names. Names of
keys and indexes follow Prisma's own conventions (``users_email_key``, ``posts_pkey``).

>>> from dbwork.dialects import get_dialect
>>> text = '''
... model User {
...   id    Int    @id @default(autoincrement())
...   email String @unique @db.VarChar(200)
...   @@map("users")
... }'''
>>> t = schema_from_prisma(text, get_dialect("postgresql")).table("users")
>>> [(c.name, c.type, c.autoincrement) for c in t.columns], [i.name for i in t.indexes]
([('id', 'INTEGER', True), ('email', 'VARCHAR(200)', False)], ['users_email_key'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dialects.base import Dialect
from ..errors import ParseError
from ..model.expressions import normalize_default
from ..model.schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table
from ..model.types import normalize_type

_BLOCK = re.compile(r"^\s*(model|enum|type|view)\s+(\w+)\s*\{(.*?)^\s*\}", re.S | re.M)
_FIELD = re.compile(r"^\s*(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$")

# Prisma scalar -> the type prisma migrate writes, per dialect
_TYPES = {
    "postgresql": {"String": "TEXT", "Int": "INTEGER", "BigInt": "BIGINT",
                   "Boolean": "BOOLEAN", "DateTime": "TIMESTAMP(3)",
                   "Float": "DOUBLE PRECISION", "Decimal": "DECIMAL(65, 30)",
                   "Json": "JSONB", "Bytes": "BYTEA"},
    "mysql": {"String": "VARCHAR(191)", "Int": "INT", "BigInt": "BIGINT",
              "Boolean": "BOOLEAN", "DateTime": "DATETIME(3)", "Float": "DOUBLE",
              "Decimal": "DECIMAL(65, 30)", "Json": "JSON", "Bytes": "LONGBLOB"},
    "sqlite": {"String": "TEXT", "Int": "INTEGER", "BigInt": "BIGINT",
               "Boolean": "BOOLEAN", "DateTime": "DATETIME", "Float": "REAL",
               "Decimal": "DECIMAL", "Json": "JSONB", "Bytes": "BLOB"},
}
_ACTIONS = {"Cascade": "CASCADE", "SetNull": "SET NULL", "SetDefault": "SET DEFAULT",
            "Restrict": None, "NoAction": None}


@dataclass
class _Model:
    name: str
    table: str
    fields: list = field(default_factory=list)      # (name, column, attrs)
    relations: list = field(default_factory=list)   # (attrs, optional)
    block_attrs: list = field(default_factory=list)


def schema_from_prisma(text: str, dialect: Dialect) -> Schema:
    """The schema a Prisma schema text describes, as ``prisma migrate`` builds it."""
    blocks = list(_BLOCK.finditer(_strip_comments(text)))
    enums = {b.group(2) for b in blocks if b.group(1) == "enum"}
    models = {b.group(2) for b in blocks if b.group(1) == "model"}
    parsed = [_model(b.group(2), b.group(3), dialect, enums, models)
              for b in blocks if b.group(1) == "model"]
    tables = {m.name: m.table for m in parsed}
    return Schema.of(*(_table(m, tables, parsed) for m in parsed))


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(?<!:)//.*$", "", line) for line in text.splitlines())


def _model(name: str, body: str, dialect: Dialect, enums: set, models: set) -> _Model:
    m = _Model(name, name)
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("@@"):
            if line.startswith("@@map"):
                m.table = _string_arg(line)
            else:
                m.block_attrs.append(line)
            continue
        f = _FIELD.match(line)
        if not f:
            raise ParseError(f"prisma: cannot read the field line in model {name}: {line}")
        fname, ftype, many, optional, attrs = f.groups()
        if ftype in models or many:
            if "@relation" in attrs and "fields:" in attrs:
                m.relations.append((ftype, attrs, bool(optional)))
            continue
        m.fields.append((fname, _column(fname, ftype, bool(optional), attrs, dialect, enums),
                         attrs))
    return m


def _column(name: str, ptype: str, optional: bool, attrs: str, dialect: Dialect,
            enums: set) -> Column:
    native = re.search(r"@db\.(\w+)(\(([^)]*)\))?", attrs)
    if native:
        type_text = native.group(1).upper() + (f"({native.group(3)})" if native.group(2) else "")
    elif ptype in enums:
        type_text = "TEXT"
    else:
        try:
            type_text = _TYPES.get(dialect.name, _TYPES["postgresql"])[ptype]
        except KeyError:
            raise ParseError(f"prisma: unsupported field type {ptype} for {name}") from None
    mapped = re.search(r"@map\(\s*\"([^\"]+)\"", attrs)
    auto = "autoincrement()" in attrs
    default = None if auto else _default(attrs, ptype, dialect)
    return Column(mapped.group(1) if mapped else name, normalize_type(type_text, dialect),
                  nullable=optional and "@id" not in attrs, default=default,
                  autoincrement=auto and dialect.name != "sqlite")


def _default(attrs: str, ptype: str, dialect: Dialect) -> str | None:
    m = re.search(r"@default\((.*)\)", attrs)
    if not m:
        return None
    arg = _balanced(m.group(1)).strip()
    if arg in ("now()",):
        return normalize_default("CURRENT_TIMESTAMP", dialect)
    if arg.endswith("()"):  # uuid(), cuid(), dbgenerated(): not a database default
        return None
    if arg.startswith('"'):
        return normalize_default("'" + arg[1:-1].replace("'", "''") + "'", dialect)
    if arg in ("true", "false"):
        return normalize_default(arg.upper(), dialect)
    if re.fullmatch(r"-?\d+(\.\d+)?", arg):
        return normalize_default(arg, dialect)
    return normalize_default(f"'{arg}'", dialect)  # an enum value


def _balanced(text: str) -> str:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return text[:i]
            depth -= 1
    return text


def _table(m: _Model, tables: dict, models: list) -> Table:
    col = {f: c.name for f, c, _ in m.fields}
    cols = tuple(c for _, c, _ in m.fields)
    pk = [col[f] for f, _, a in m.fields if re.search(r"@id\b", a)]
    indexes, pk_cols = [], tuple(pk)
    for f, c, a in m.fields:
        if re.search(r"@unique\b", a):
            indexes.append(Index(f"{m.table}_{c.name}_key", m.table, (c.name,), True))
    for attr in m.block_attrs:
        names = tuple(col.get(n.strip(), n.strip()) for n in _list_arg(attr))
        if attr.startswith("@@id"):
            pk_cols = names
        elif attr.startswith("@@unique"):
            indexes.append(Index(_named(attr) or f"{m.table}_{'_'.join(names)}_key",
                                 m.table, names, True))
        elif attr.startswith("@@index"):
            indexes.append(Index(_named(attr) or f"{m.table}_{'_'.join(names)}_idx",
                                 m.table, names))
    fks = tuple(_foreign_key(m, col, target, attrs, optional, tables, models)
                for target, attrs, optional in m.relations)
    return Table(m.table, cols, PrimaryKey(pk_cols, f"{m.table}_pkey") if pk_cols else None,
                 foreign_keys=fks, indexes=tuple(sorted(indexes, key=lambda i: i.name)))


def _foreign_key(m: _Model, col: dict, target: str, attrs: str, optional: bool,
                 tables: dict, models: list) -> ForeignKey:
    fields = [col.get(n.strip(), n.strip()) for n in _named_list(attrs, "fields")]
    ref_model = next(x for x in models if x.name == target)
    ref_col = {f: c.name for f, c, _ in ref_model.fields}
    refs = [ref_col.get(n.strip(), n.strip()) for n in _named_list(attrs, "references")]
    on_delete = re.search(r"onDelete:\s*(\w+)", attrs)
    on_update = re.search(r"onUpdate:\s*(\w+)", attrs)
    delete = _ACTIONS[on_delete.group(1)] if on_delete else ("SET NULL" if optional else None)
    update = _ACTIONS[on_update.group(1)] if on_update else "CASCADE"
    return ForeignKey(tuple(fields), tables[target], tuple(refs),
                      f"{m.table}_{'_'.join(fields)}_fkey", delete, update)


def _list_arg(attr: str) -> list[str]:
    m = re.search(r"\[([^\]]*)\]", attr)
    return [x for x in m.group(1).split(",") if x.strip()] if m else []


def _named_list(attrs: str, key: str) -> list[str]:
    m = re.search(key + r":\s*\[([^\]]*)\]", attrs)
    return [x for x in m.group(1).split(",") if x.strip()] if m else []


def _named(attr: str) -> str | None:
    m = re.search(r"(?:map|name):\s*\"([^\"]+)\"", attr)
    return m.group(1) if m else None


def _string_arg(attr: str) -> str:
    m = re.search(r"\(\s*\"([^\"]+)\"", attr)
    if not m:
        raise ParseError(f"prisma: expected a quoted name in {attr}")
    return m.group(1)
