"""A Prisma schema file -> the neutral Schema that ``prisma migrate`` would build
(pure). Read by :mod:`dbwork.diff.prisma_syntax`; here the Prisma rules: scalar and
``@db.*`` native types, ``@id``/``@@id``, ``@default`` (autoincrement, now,
dbgenerated, literals, lists), ``@unique``/``@@unique``, ``@@index`` (fields with or
without brackets, ``map:``/``name:``), relations with their referential actions,
implicit many-to-many tables (``_AToB``), enums (real types on PostgreSQL),
``@map``/``@@map``, ``relationMode = "prisma"`` (no foreign keys) and Prisma's own
names (``User_pkey``, ``User_email_key``, ``Post_authorId_idx``, ``Post_authorId_fkey``)
shortened to the engine's limit the way Prisma shortens them.

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
from ..errors import ConfigError, ParseError
from ..model.expressions import normalize_default
from ..model.schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table
from ..model.types import normalize_type
from .prisma_syntax import Attr, Block, Call, Field, Str, read_blocks

# Prisma scalar -> the type prisma migrate writes with its PostgreSQL connector (Prisma's
# reference); a dialect whose connector writes others lists them (Dialect.prisma_types)
_SCALARS = {"String": "TEXT", "Int": "INTEGER", "BigInt": "BIGINT",
            "Boolean": "BOOLEAN", "DateTime": "TIMESTAMP(3)",
            "Float": "DOUBLE PRECISION", "Decimal": "DECIMAL(65, 30)",
            "Json": "JSONB", "Bytes": "BYTEA"}
# @db.<Name> -> SQL type text (arguments appended); names not listed: upper-cased
_NATIVE = {
    "DoublePrecision": "DOUBLE PRECISION", "Timestamptz": "TIMESTAMPTZ", "Timetz": "TIMETZ",
    "JsonB": "JSONB", "ByteA": "BYTEA", "VarBit": "VARBIT", "Integer": "INTEGER",
    "UnsignedInt": "INT UNSIGNED", "UnsignedBigInt": "BIGINT UNSIGNED",
    "UnsignedSmallInt": "SMALLINT UNSIGNED", "UnsignedTinyInt": "TINYINT UNSIGNED",
    "UnsignedMediumInt": "MEDIUMINT UNSIGNED", "UniqueIdentifier": "UUID",
    "DateTime2": "TIMESTAMP", "DateTimeOffset": "TIMESTAMPTZ", "SmallMoney": "MONEY",
    "NText": "TEXT", "Image": "BLOB",
}
_ACTIONS = {"Cascade": "CASCADE", "SetNull": "SET NULL", "SetDefault": "SET DEFAULT",
            "Restrict": None, "NoAction": None}  # the model's None: NO ACTION/RESTRICT

@dataclass
class _Model:
    block: Block
    table: str
    columns: dict = field(default_factory=dict)     # field name -> Column


@dataclass
class _Context:
    dialect: Dialect
    enums: dict                                     # Prisma name -> (db name, values)
    models: dict = field(default_factory=dict)      # Prisma name -> _Model
    foreign_keys: bool = True                       # relationMode = "prisma": none
    relations: set = field(default_factory=set)     # model, view and type names

    @property
    def limit(self) -> int:
        return self.dialect.prisma_name_limit


def schema_from_prisma(text: str, dialect: Dialect) -> Schema:
    """The schema a Prisma schema text describes, as ``prisma migrate`` builds it."""
    blocks = read_blocks(text)
    source = next((b for b in blocks if b.kind == "datasource"), None)
    _check_provider(source, dialect)
    ctx = _Context(dialect, {b.name: (_mapped(b.attrs) or b.name, dict(b.values))
                             for b in blocks if b.kind == "enum"})
    ctx.relations = {b.name for b in blocks if b.kind in ("model", "view", "type")}
    props = source.props if source else {}
    # referentialIntegrity: the setting's name before Prisma 4.5
    mode = props.get("relationMode", props.get("referentialIntegrity", ""))
    ctx.foreign_keys = str(mode) != "prisma"
    for b in blocks:
        if b.kind == "model":
            ctx.models[b.name] = _model(b, ctx)
    tables = [_table(m, ctx) for m in ctx.models.values()] + _join_tables(ctx)
    enums = {name: tuple(values.values()) for name, values in ctx.enums.values()} \
        if dialect.enum_types else {}
    extensions = _extensions(source, dialect)
    if dialect.extensions:
        extensions |= _implied_extensions(tables)
    return Schema({t.name: t for t in tables}, enums, extensions=extensions)


def _extensions(source: Block | None, dialect: Dialect) -> frozenset:
    """``extensions = [citext, pg_trgm(schema: "x"), postgis(version: "3")]`` (the
    postgresqlExtensions preview feature): created on PostgreSQL before the tables."""
    wanted = (source.props if source else {}).get("extensions")
    if not dialect.extensions or not isinstance(wanted, list):
        return frozenset()
    names = set()
    for item in wanted:
        name = item.kwargs.get("map", item.name) if isinstance(item, Call) else item
        names.add(str(name))
    return frozenset(names)


# what a type or operator class needs on PostgreSQL -> the extension that provides it
_TYPE_EXTENSIONS = {"CITEXT": "citext", "HSTORE": "hstore", "LTREE": "ltree",
                    "CUBE": "cube", "VECTOR": "vector", "GEOGRAPHY": "postgis",
                    "GEOMETRY": "postgis"}
_OPS_EXTENSIONS = {"gin_trgm_ops": "pg_trgm", "gist_trgm_ops": "pg_trgm"}


def _implied_extensions(tables: list[Table]) -> frozenset:
    """Extensions the schema uses but does not list (``@db.Citext``,
    ``ops: raw("gin_trgm_ops")``): Prisma leaves their CREATE EXTENSION to a hand-written
    migration, so its own first migration would fail on a fresh database; dbwork creates
    them before the tables (and drops them on rollback)."""
    out = set()
    for t in tables:
        for c in t.columns:
            base = c.type.split("(")[0].removesuffix("[]").strip()
            base = base.rsplit(".", 1)[-1].strip('"').upper()  # "public".geography
            if base in _TYPE_EXTENSIONS:
                out.add(_TYPE_EXTENSIONS[base])
        for i in t.indexes:
            out.update(_OPS_EXTENSIONS[v] for k, v in i.options
                       if k.startswith("ops:") and v in _OPS_EXTENSIONS)
    return frozenset(out)


def read_prisma_folder(path) -> str:
    """A multi-file schema (``prismaSchemaFolder``, Prisma 5.15+): every ``.prisma``
    file under ``path``, joined in name order (the blocks may sit in any file).

    >>> read_prisma_folder("/nonexistent")
    Traceback (most recent call last):
    dbwork.errors.ConfigError: prisma: no .prisma files under /nonexistent
    """
    from pathlib import Path
    files = sorted(Path(path).rglob("*.prisma"))
    if not files:
        raise ConfigError(f"prisma: no .prisma files under {path}")
    return "\n".join(f.read_text() for f in files)


def prisma_provider(text: str) -> str | None:
    """The datasource provider a schema text names (None without a datasource).

    >>> prisma_provider('datasource db { provider = "mongodb" url = env("U") }')
    'mongodb'
    """
    source = next((b for b in read_blocks(text) if b.kind == "datasource"), None)
    value = source.props.get("provider") if source else None
    return str(value) if value is not None else None


def _provider_dialect(provider: str) -> Dialect:
    """The dialect of the engine a Prisma datasource provider names."""
    from ..backends import get_backend, names
    for name in names():
        d = get_backend(name).dialect
        if provider in d.prisma_providers:
            return d
    raise ConfigError(f"prisma: unknown datasource provider {provider!r}")


def _check_provider(source: Block | None, dialect: Dialect) -> None:
    provider = str(source.props.get("provider", "")) if source else ""
    if not provider:
        return
    want = _provider_dialect(provider)
    document = not dialect.relational
    if (not want.relational) != document:
        raise ConfigError(
            f"prisma: this schema's datasource provider is {provider}, a "
            f"{'SQL' if want.relational else 'document'} database; it cannot be applied "
            f"to this {dialect.name} database as a desired state. Connect dbwork to a "
            f"{'SQL' if want.relational else 'MongoDB'} database for it.")
    if document:
        raise ConfigError("prisma: a mongodb schema as a desired state is not supported "
                          "yet; use mongosh-style migrations for MongoDB")


def _mapped(attrs: list[Attr]) -> str | None:
    a = next((a for a in attrs if a.name == "map"), None)
    return str(a.arg("name")) if a is not None and a.arg("name") is not None else None


# -- models and columns --------------------------------------------------------------
def _model(b: Block, ctx: _Context) -> _Model:
    m = _Model(b, _mapped(b.attrs) or b.name)
    for f in b.fields:
        if _is_scalar(f, ctx):
            m.columns[f.name] = _column(f, m, ctx)
    return m


def _is_scalar(f: Field, ctx: _Context) -> bool:
    """A column (scalar, enum, Unsupported) or a relation field (no column)."""
    if isinstance(f.type, Call) or f.type in ctx.enums or f.type in _SCALARS:
        return True
    if f.type in ctx.relations:
        return False
    raise ParseError(f"prisma: unsupported field type {f.type} for {f.name}")


def _column(f: Field, m: _Model, ctx: _Context) -> Column:
    mapped = f.attr("map")
    name = str(mapped.arg("name")) if mapped is not None else f.name
    type_text = _type_text(f, f"{m.block.name}.{f.name}", ctx)
    default = f.attr("default")
    auto = default is not None and isinstance(default.arg("value"), Call) and \
        default.arg("value").name == "autoincrement"
    return Column(name, normalize_type(type_text, ctx.dialect),
                  # a scalar list is never NOT NULL: prisma migrate writes "tags" TEXT[]
                  nullable=(f.optional or f.many) and f.attr("id") is None,
                  default=None if auto else _default(default, f, ctx),
                  autoincrement=auto and ctx.dialect.reports_autoincrement)


def _type_text(f: Field, where: str, ctx: _Context) -> str:
    if isinstance(f.type, Call):
        if f.type.name != "Unsupported" or not f.type.args:
            raise ParseError(f"prisma: unsupported field type {f.type.name} for {where}")
        text = str(f.type.args[0])
        if '"' not in text:  # PostgreSQL's own types are reported in upper case
            text = text.upper()
    elif f.type in ctx.enums:
        text = _enum_type(f.type, ctx)
    else:
        native = next((a for a in f.attrs if a.name.startswith("db.")), None)
        text = _native(native, ctx) if native is not None else \
            (ctx.dialect.prisma_types or _SCALARS)[f.type]
    if f.many:
        if not ctx.dialect.array_columns:
            raise ParseError(f"prisma: {where} is a scalar list ({f.type}[]), which only "
                             f"PostgreSQL stores; {ctx.dialect.name} has no array columns")
        text += "[]"
    return text


def _enum_type(name: str, ctx: _Context) -> str:
    """PostgreSQL: the enum type itself (quoted as format_type writes it); MySQL: the
    column's inline ``ENUM('A', 'B')`` of the database values, as prisma migrate writes
    it; SQLite has no enums (TEXT)."""
    db_name, values = ctx.enums[name]
    if ctx.dialect.enum_types:
        return ctx.dialect.quote(db_name)
    if ctx.dialect.inline_enums:
        quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values.values())
        return f"ENUM({quoted})"
    return "TEXT"


def _native(attr: Attr, ctx: _Context) -> str:
    base = attr.name[3:]
    text = _NATIVE.get(base, base.upper())
    args = [str(a) for a in attr.args]
    if args and args[0].lower() == "max":
        return "TEXT"
    if args == ["0"] and base in ("Timestamp", "DateTime", "Time") and \
            ctx.dialect.time_precision_in_now:
        return text  # MySQL: precision 0 is the default and is reported without it
    if args:
        if " " in text and text.split(" ", 1)[1] == "UNSIGNED":
            return text
        text += f"({', '.join(args)})"
    return text


def _default(attr: Attr | None, f: Field, ctx: _Context) -> str | None:
    if attr is None:
        return None
    value = attr.arg("value")
    d = ctx.dialect
    if isinstance(value, Call):
        if value.name == "now":
            return normalize_default(_now(f, ctx), d)
        if value.name == "dbgenerated" and value.args:
            return normalize_default(str(value.args[0]), d)
        return None  # uuid(), cuid(), nanoid(), ulid(), sequence(): made by the client
    if isinstance(value, list):
        return _list_default(value, f, ctx) if d.array_columns else None
    return normalize_default(_literal(value, f, ctx), d)


def _literal(value, f: Field, ctx: _Context) -> str:
    if isinstance(value, Str) and f.type == "DateTime":
        return "'" + _timestamp(value.value) + "'"
    if isinstance(value, Str):
        return "'" + value.value.replace("'", "''") + "'"
    if isinstance(value, bool) or value in ("true", "false"):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(_enum_value(value, f, ctx)).replace("'", "''") + "'"


def _timestamp(text: str) -> str:
    """An ISO-8601 default (``"1970-01-01T00:00:00Z"``) as the database stores it: UTC,
    ``YYYY-MM-DD HH:MM:SS[.fff]`` (prisma migrate writes it with an offset, which the
    column's type then drops).

    >>> _timestamp("2024-05-01T12:30:00.250+02:00")
    '2024-05-01 10:30:00.25'
    """
    from datetime import datetime, timezone
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise ParseError(f"prisma: DateTime default {text!r} is not an ISO-8601 time") from e
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    out = at.strftime("%Y-%m-%d %H:%M:%S")
    return out + (f".{at.microsecond:06d}".rstrip("0") if at.microsecond else "")


def _enum_value(value: str, f: Field, ctx: _Context) -> str:
    """An enum default names the Prisma value; the database holds its @map name."""
    values = ctx.enums.get(f.type if isinstance(f.type, str) else "", (None, {}))[1]
    return values.get(value, value)


def _now(f: Field, ctx: _Context) -> str:
    """MySQL's CURRENT_TIMESTAMP carries the column's precision (DATETIME(3) -> (3))."""
    if not ctx.dialect.time_precision_in_now:
        return "CURRENT_TIMESTAMP"
    native = next((a for a in f.attrs if a.name.startswith("db.")), None)
    precision = native.args[0] if native is not None and native.args else \
        (None if native is not None else 3)
    return f"CURRENT_TIMESTAMP({precision})" if precision not in (None, 0, "0") \
        else "CURRENT_TIMESTAMP"


def _list_default(values: list, f: Field, ctx: _Context) -> str:
    type_text = _type_text(f, f.name, ctx)
    items = ", ".join(_literal(v, f, ctx) for v in values)
    return normalize_default(f"ARRAY[{items}]::{type_text}", ctx.dialect)


# -- keys, indexes, relations --------------------------------------------------------
def _table(m: _Model, ctx: _Context) -> Table:
    cols = m.columns
    pk_fields = [f for f in m.block.fields if f.attr("id") is not None]
    pk_cols, pk_name = tuple(cols[f.name].name for f in pk_fields), None
    if pk_fields:
        pk_name = _attr_map(pk_fields[0].attr("id"))
    indexes = [Index(_attr_map(f.attr("unique")) or _name(m.table, [cols[f.name].name],
                                                          "_key", ctx),
                     m.table, (cols[f.name].name,), True)
               for f in m.block.fields if f.attr("unique") is not None and f.name in cols]
    for a in m.block.attrs:
        if a.name == "id":
            pk_cols, pk_name = _index_columns(a, m), _attr_map(a)
        elif a.name in ("unique", "index", "fulltext"):
            indexes.append(_index(a, m, ctx))
    fks = tuple(_foreign_key(m, f, ctx) for f in m.block.fields
                if _relation_fields(f)) if ctx.foreign_keys else ()
    if not ctx.dialect.named_primary_keys:
        pk_name = None  # MySQL names every primary key PRIMARY (introspected: None)
    elif pk_name is None and ctx.dialect.default_primary_key_name:
        # (on SQLite prisma migrate writes "id" TEXT NOT NULL PRIMARY KEY, unnamed)
        pk_name = _name(m.table, [], "_pkey", ctx)
    pk = PrimaryKey(pk_cols, pk_name) if pk_cols else None
    return Table(m.table, tuple(cols.values()), pk, foreign_keys=fks,
                 indexes=tuple(sorted(indexes, key=lambda i: i.name)))


def _attr_map(a: Attr | None) -> str | None:
    value = a.kwargs.get("map") if a is not None else None
    return str(value) if value is not None else None


def _index(a: Attr, m: _Model, ctx: _Context) -> Index:
    columns = _index_columns(a, m)
    unique = a.name == "unique"
    name = _attr_map(a)
    if name is None and a.name == "index" and a.kwargs.get("name") is not None:
        name = str(a.kwargs["name"])  # Prisma 2: @@index(name: ...) was the index name
    return Index(name or _name(m.table, list(columns), "_key" if unique else "_idx", ctx),
                 m.table, columns, unique, options=_index_options(a, m))


def _index_options(a: Attr, m: _Model) -> tuple[tuple[str, str], ...]:
    """``type: Gin``/``@@fulltext`` and each field's ``sort``, ``ops`` and ``length``."""
    out = []
    method = "fulltext" if a.name == "fulltext" else a.kwargs.get("type")
    if method is not None:
        out.append(("using", str(method).lower()))
    fields = a.arg("fields")
    for item in fields if isinstance(fields, list) else [fields]:
        if not isinstance(item, Call):
            continue
        col = m.columns[item.name].name
        if str(item.kwargs.get("sort", "")).lower() == "desc":
            out.append((f"sort:{col}", "DESC"))
        if "length" in item.kwargs:
            out.append((f"length:{col}", str(int(item.kwargs["length"]))))
        ops = item.kwargs.get("ops")
        if ops is not None:
            out.append((f"ops:{col}", _ops_name(ops)))
    return tuple(out)


def _ops_name(ops) -> str:
    """``raw("gin_trgm_ops")`` as written; ``JsonbPathOps`` -> ``jsonb_path_ops``."""
    if isinstance(ops, Call) and ops.name == "raw" and ops.args:
        return str(ops.args[0])
    return re.sub(r"(?<!^)(?=[A-Z])", "_", str(ops)).lower()


def _index_columns(a: Attr, m: _Model) -> tuple[str, ...]:
    """``fields`` (named or first positional), with or without brackets; each a field
    name or ``field(sort: Desc, ops: ..., length: n)`` (the column is what counts)."""
    fields = a.arg("fields")
    if fields is None:
        raise ParseError(f"prisma: @@{a.name} in model {m.block.name} names no fields")
    out = []
    for item in fields if isinstance(fields, list) else [fields]:
        fname = item.name if isinstance(item, Call) else str(item)
        if fname not in m.columns:
            raise ParseError(f"prisma: @@{a.name} in model {m.block.name} names {fname!r}, "
                             "which is not a scalar field of the model")
        out.append(m.columns[fname].name)
    return tuple(out)


def _name(table: str, columns: list[str], suffix: str, ctx: _Context) -> str:
    """Prisma's default constraint name, shortened as Prisma's ConstraintNames does:
    ``{table}_{cols}`` cut to (limit - len(suffix)) bytes when it reaches it."""
    body = "_".join([table, *columns]) if columns else table
    keep = ctx.limit - len(suffix)
    raw = body.encode()
    if len(raw) >= keep:
        body = raw[:keep].decode(errors="ignore")
    return body + suffix


def _relation_fields(f: Field) -> list:
    rel = f.attr("relation")
    fields = rel.kwargs.get("fields") if rel is not None else None
    return fields if isinstance(fields, list) else ([fields] if fields else [])


def _foreign_key(m: _Model, f: Field, ctx: _Context) -> ForeignKey:
    rel = f.attr("relation")
    target = ctx.models.get(f.type if isinstance(f.type, str) else "")
    if target is None:
        raise ParseError(f"prisma: {m.block.name}.{f.name} relates to unknown model {f.type}")
    refs = rel.kwargs.get("references")
    refs = refs if isinstance(refs, list) else [refs]
    cols = [_scalar(m, str(x), f) for x in _relation_fields(f)]
    ref_cols = [_scalar(target, str(x), f) for x in refs]
    optional = f.optional or any(m.columns[str(x)].nullable for x in _relation_fields(f))
    on_delete = rel.kwargs.get("onDelete")
    on_update = rel.kwargs.get("onUpdate")
    delete = _action(on_delete, m, f) if on_delete else ("SET NULL" if optional else None)
    update = _action(on_update, m, f) if on_update else "CASCADE"
    return ForeignKey(tuple(cols), target.table, tuple(ref_cols),
                      _attr_map(rel) or _name(m.table, cols, "_fkey", ctx), delete, update)


def _action(value, m: _Model, f: Field) -> str | None:
    if str(value) not in _ACTIONS:
        raise ParseError(f"prisma: unknown referential action {value} on "
                         f"{m.block.name}.{f.name}")
    return _ACTIONS[str(value)]


def _scalar(m: _Model, name: str, f: Field) -> str:
    if name not in m.columns:
        raise ParseError(f"prisma: @relation on {f.name} names {name!r}, not a scalar "
                         f"field of {m.block.name}")
    return m.columns[name].name


# -- implicit many-to-many -----------------------------------------------------------
def _join_tables(ctx: _Context) -> list[Table]:
    """``_AToB`` for each list-to-list relation without ``fields``: columns A and B
    (A refers to the model first in alphabetical order), a key on (A, B) (PostgreSQL:
    the primary key ``_AToB_AB_pkey``, since Prisma 6; elsewhere the unique index
    ``_AToB_AB_unique``), an index on B, and cascading foreign keys, as Prisma makes
    them."""
    seen, out = set(), []
    for m in ctx.models.values():
        for f in m.block.fields:
            other = ctx.models.get(f.type) if isinstance(f.type, str) else None
            if not f.many or other is None or _relation_fields(f):
                continue
            name = _relation_name(f)
            back = [g for g in other.block.fields if g is not f and g.type == m.block.name
                    and _relation_name(g) == name]
            if len(back) != 1 or not back[0].many or _relation_fields(back[0]):
                continue  # one-to-many (the other side holds the key), or not paired
            a, b = sorted([m.block.name, other.block.name])
            table = "_" + (name or f"{a}To{b}")
            if table not in seen:
                seen.add(table)
                out.append(_join_table(table, ctx.models[a], ctx.models[b], ctx))
    return out


def _relation_name(f: Field) -> str | None:
    rel = f.attr("relation")
    value = rel.arg("name") if rel is not None else None
    return str(value) if value is not None else None


def _join_table(name: str, a: _Model, b: _Model, ctx: _Context) -> Table:
    cols, fks = [], []
    for side, model in (("A", a), ("B", b)):
        pk = [c for f, c in model.columns.items()
              if model.block.fields and any(x.name == f and x.attr("id") is not None
                                            for x in model.block.fields)]
        if len(pk) != 1:
            raise ParseError(f"prisma: the many-to-many table {name} needs a single-field "
                             f"@id on {model.block.name}")
        cols.append(Column(side, pk[0].type, nullable=False))
        if ctx.foreign_keys:
            fks.append(ForeignKey((side,), model.table, (pk[0].name,),
                                  _name(name, [side], "_fkey", ctx), "CASCADE", "CASCADE"))
    by_b = Index(_name(name, ["B"], "_index", ctx), name, ("B",))
    if ctx.dialect.prisma_join_primary_key:  # Prisma 6: a primary key, not a unique index
        pk = PrimaryKey(("A", "B"), _name(name, ["AB"], "_pkey", ctx))
        return Table(name, tuple(cols), pk, foreign_keys=tuple(fks), indexes=(by_b,))
    indexes = (Index(_name(name, ["AB"], "_unique", ctx), name, ("A", "B"), True), by_b)
    return Table(name, tuple(cols), None, foreign_keys=tuple(fks), indexes=indexes)
