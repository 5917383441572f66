"""Live PostgreSQL database -> neutral Schema, straight from pg_catalog.

The same answer as :func:`dbwork.introspect.sql.introspect` (SQLAlchemy's inspector),
in five catalog queries and without building SQLAlchemy type objects per column: the
type text comes from ``format_type()`` and goes through the same normalisation helpers
(imported from :mod:`dbwork.introspect.sql`, never copied). A column this reader cannot
spell exactly as the inspector does (a domain, a non-default collation, a type
SQLAlchemy does not know) sends its table's columns through the inspector instead.

    >>> import sqlalchemy as sa                                  # doctest: +SKIP
    >>> from dbwork.dialects import get_dialect
    >>> with sa.create_engine(url).connect() as conn:            # doctest: +SKIP
    ...     introspect(conn, get_dialect("postgresql")).table("users").column("id").type
    'INTEGER'
"""
from __future__ import annotations

import re
from collections import defaultdict

import sqlalchemy as sa

from ..dialects.base import Dialect
from ..model.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from .sql import (_column, _current_schema, _fk_action, _is_implicit_check, canonical_sql,
                  is_internal, normalize_default, normalize_type)

try:  # the inspector strips one layer of parentheses from CHECK (...) text this way
    from sqlalchemy.util import strip_outer_parens as _strip_outer_parens
except ImportError:  # SQLAlchemy 2.0: canonical_sql drops outer parentheses anyway
    def _strip_outer_parens(text: str) -> str:
        return text

_SCOPE = {None: "pg_table_is_visible(c.oid) AND n.nspname <> 'pg_catalog'",
          "named": "n.nspname = %(schema)s"}

_TABLES = """
SELECT c.oid, c.relname, d.description
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = 0
     AND d.classoid = 'pg_catalog.pg_class'::regclass
WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND {scope}
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.atthasdef THEN pg_get_expr(ad.adbin, ad.adrelid) END,
       a.attidentity, a.attgenerated, d.description,
       CASE WHEN t.typcategory = 'A' THEN et.typtype ELSE t.typtype END,
       a.attcollation <> 0 AND a.attcollation <> t.typcollation, a.attnum
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = t.typelem
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.objsubid = a.attnum
     AND d.classoid = 'pg_catalog.pg_class'::regclass
WHERE a.attrelid = ANY(%(oids)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# column numbers become names in Python (from the columns query): one subquery per
# constraint or index row would cost more than the rest of the query.
# Key columns of p/u come from the backing index (as the inspector reads them);
# INCLUDE columns are cut off at indnkeyatts.
_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype,
       CASE WHEN con.contype IN ('p', 'u') THEN i.indkey::int2[] ELSE con.conkey END,
       i.indnkeyatts, con.confrelid, rc.relname, con.confkey,
       con.confdeltype, con.confupdtype, {setcols},
       CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END
FROM pg_constraint con
LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u')
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
WHERE con.conrelid = ANY(%(oids)s::oid[]) AND con.contype IN ('p', 'f', 'u', 'c')
ORDER BY con.conrelid, con.conname
"""
_SETCOLS = ("CASE WHEN con.confdelsetcols IS NOT NULL THEN "
            "ARRAY(SELECT quote_ident(a.attname) FROM unnest(con.confdelsetcols) "
            "WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid "
            "AND a.attnum = k.num ORDER BY k.ord) END")
_ATTNAMES = """
SELECT attrelid, attnum, attname FROM pg_attribute
WHERE attrelid = ANY(%(oids)s::oid[]) AND attnum > 0
"""

_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid
               AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')),
       i.indnkeyatts, i.indkey::int2[],
       CASE WHEN i.indpred IS NOT NULL THEN pg_get_expr(i.indpred, i.indrelid) END
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = ANY(%(oids)s::oid[]) AND NOT i.indisprimary
"""

_ENUMS = """
SELECT t.typname, pg_type_is_visible(t.oid),
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND {scope}
ORDER BY n.nspname, t.typname
"""

# pg_constraint.confdeltype / confupdtype, spelled as pg_get_constraintdef writes them
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL",
            "d": "SET DEFAULT"}
_CHECK = re.compile(r"^CHECK *\((.+)\)( NO INHERIT)?( NOT VALID)?$", re.DOTALL)
_TYPE_ARGS = re.compile(r"\((.*)\)")
_ARRAY_SPEC = re.compile(r"((?:\[\])*)$")


def introspect(conn, dialect: Dialect, schema: str | None = None,
               only: set[str] | None = None) -> Schema:
    """Read every user table of ``conn``'s PostgreSQL database (or only those named in
    ``only``) into a neutral Schema equal to what the inspector path returns, with the
    installed extensions."""
    from .sql import extensions
    return _introspect(conn, dialect, schema, only).with_extensions(extensions(conn))


def _introspect(conn: sa.Connection, dialect: Dialect, schema: str | None = None,
               only: set[str] | None = None) -> Schema:
    """Read every user table of ``conn``'s PostgreSQL database (or only those named in
    ``only``) into a neutral Schema equal to what the inspector path returns."""
    namespace = schema or _current_schema(conn, dialect)
    if schema is None and namespace and namespace != conn.dialect.default_schema_name:
        schema = namespace  # ?schema=app, read as the inspector path reads it
    params = {"schema": schema}
    scope = _SCOPE[None if schema is None else "named"]
    enums = _enums(conn, params, schema)
    found = [(oid, name, comment) for oid, name, comment
             in _rows(conn, _TABLES.format(scope=scope), params)
             if not is_internal(name) and (only is None or name in only)]
    if not found:
        return Schema(enums=enums, namespace=namespace)
    params["oids"] = [oid for oid, _, _ in found]
    columns, odd, attnames = _columns(conn, params, dialect)
    if odd:
        columns.update(_inspector_columns(conn, dialect, schema,
                                          {n for o, n, _ in found if o in odd}, found))
    constraints = _constraints(conn, params, dialect, attnames)
    indexes = _indexes(conn, params, dialect, attnames)
    tables = {}
    for oid, name, comment in sorted(found, key=lambda r: r[1]):
        pk, fks, uqs, cks = constraints.get(oid, (None, [], [], []))
        uq_names = {u.name for u in uqs}
        tables[name] = Table(
            name=name, columns=tuple(columns.get(oid, ())), primary_key=pk,
            foreign_keys=tuple(fks), uniques=tuple(uqs), checks=tuple(cks),
            indexes=tuple(sorted((Index(i, name, cols, unique, where)
                                  for i, cols, unique, where in indexes.get(oid, ())
                                  if i not in uq_names), key=lambda i: i.name)),
            comment=comment)
    return Schema(tables, enums, namespace)


def _rows(conn, sql: str, params: dict):
    return conn.exec_driver_sql(sql, params).all()


def _enums(conn, params: dict, schema: str | None) -> dict[str, tuple[str, ...]]:
    """Enum types in ``schema`` (those visible on the search path when None)."""
    scope = ("pg_type_is_visible(t.oid) AND n.nspname <> 'pg_catalog'" if schema is None
             else "n.nspname = %(schema)s")
    return {name: tuple(labels) for name, visible, labels
            in _rows(conn, _ENUMS.format(scope=scope), params) if visible or schema}


def _columns(conn, params: dict, dialect: Dialect) -> tuple[dict, set, dict]:
    """Columns by table oid; the oids of tables with a column whose type only the
    inspector spells right; every column's name by (table oid, attnum)."""
    known = conn.dialect.ischema_names
    out, odd, attnames, types = defaultdict(list), set(), {}, {}
    for (oid, name, type_text, not_null, default, identity, generated, comment,
         typtype, collated, attnum) in _rows(conn, _COLUMNS, params):
        attnames[(oid, attnum)] = name
        key = (type_text, typtype, collated)
        neutral = types.get(key, False)
        if neutral is False:
            neutral = types[key] = _neutral_type(type_text, typtype, collated, known, dialect)
        if neutral is None:
            odd.add(oid)
            continue
        if generated:
            default = None  # a generated column's expression is not a default
        auto = bool(identity)
        if default is not None and "nextval(" in default:
            auto, default = True, None
        out[oid].append(Column(
            name=name, type=neutral, nullable=not not_null,
            default=normalize_default(default, dialect), autoincrement=auto,
            comment=comment,
            identity={"a": "ALWAYS", "d": "BY DEFAULT"}.get(identity)))
    return out, odd, attnames


def _neutral_type(type_text: str, typtype: str, collated: bool, known, dialect) -> str | None:
    """The neutral type the inspector path gives, or None when only it can tell."""
    if collated or typtype == "d" or (typtype != "e" and
                                      not _sqlalchemy_knows(type_text, known)):
        return None
    return normalize_type(_spelling(type_text, typtype), dialect)


def _spelling(type_text: str, typtype: str) -> str:
    """The type as the inspector hands it to normalize_type: SQLAlchemy compiles the
    built-in types it knows in upper case (an enum keeps its name as written), and a
    few as a type of its own (tests/backends/test_postgresql_fast.py tries them all)."""
    if typtype == "e":
        return type_text
    base = _ARRAY_SPEC.sub("", type_text)
    return _SQLALCHEMY_SPELLS.get(base, base.upper()) + type_text[len(base):]


# format_type() text -> what SQLAlchemy compiles the type it reflects as, where that is
# not simply the text in upper case
_SQLALCHEMY_SPELLS = {'"char"': "VARCHAR", "name": "VARCHAR"}


def _sqlalchemy_knows(type_text: str, known) -> bool:
    """Would the inspector find this base type by name (as its _reflect_type does)?"""
    base = _ARRAY_SPEC.sub("", _TYPE_ARGS.sub("", type_text)).lower()
    return base in known or base == "interval" or base.startswith("interval ")


def _inspector_columns(conn, dialect: Dialect, schema, names: set[str], found) -> dict:
    """The inspector's reading of the columns of ``names`` (domains, collations, types
    SQLAlchemy maps in its own way), keyed by table oid."""
    cols = sa.inspect(conn).get_multi_columns(schema=schema, filter_names=sorted(names))
    oid_of = {name: oid for oid, name, _ in found}
    return {oid_of[name]: [_column(c, dialect, conn) for c in rows]
            for (_, name), rows in cols.items() if name in oid_of}


def _constraints(conn, params: dict, dialect: Dialect, attnames: dict) -> dict:
    """oid -> (primary key, foreign keys, uniques, checks), each list by name."""
    setcols = _SETCOLS if conn.dialect.server_version_info >= (15,) else "NULL::text[]"
    rows = _rows(conn, _CONSTRAINTS.format(setcols=setcols), params)
    _add_attnames(conn, attnames, {r[5] for r in rows if r[2] == "f"} - set(params["oids"]))
    out = defaultdict(lambda: [None, [], [], []])
    for (oid, name, kind, nums, nkey, ref_oid, ref_table, ref_nums, on_delete, on_update,
         delete_cols, definition) in rows:
        entry = out[oid]
        cols = [attnames.get((oid, n)) for n in nums or ()]
        ref_cols = [attnames.get((ref_oid, n)) for n in ref_nums or ()]
        if kind == "p":
            entry[0] = PrimaryKey(tuple(cols[:nkey]), name)
        elif kind == "u":
            entry[2].append(Unique(tuple(cols[:nkey]), name))
        elif kind == "f":
            entry[1].append(ForeignKey(tuple(cols), ref_table, tuple(ref_cols), name,
                                       _action(on_delete, delete_cols), _action(on_update)))
        else:
            check = _check(definition, name, dialect)
            if check is not None:
                entry[3].append(check)
    return out


def _add_attnames(conn, attnames: dict, oids: set) -> None:
    """Column names of tables a foreign key refers to outside the tables read."""
    missing = sorted(oids)
    if missing:
        attnames.update(((rel, num), name) for rel, num, name
                        in _rows(conn, _ATTNAMES, {"oids": missing}))


def _action(code: str, columns: list[str] | None = None) -> str | None:
    """A referential action as the inspector reports it, normalised by ``_fk_action``
    (PostgreSQL 15's ``SET NULL (col)`` keeps its column list, as the inspector's does)."""
    text = _ACTIONS[code]
    if columns:
        text += f" ({', '.join(columns)})"
    return _fk_action(text)


def _check(definition: str, name: str, dialect: Dialect) -> Check | None:
    m = _CHECK.match(definition)
    text = _strip_outer_parens(m.group(1)) if m else ""
    if _is_implicit_check({"sqltext": text}, dialect):
        return None
    return Check(canonical_sql(text, dialect), name)


def _indexes(conn, params: dict, dialect: Dialect, attnames: dict) -> dict:
    """oid -> [(name, columns, unique, where)] for indexes that are neither a primary
    key's nor a constraint's, and not on expressions (the model has no place for them)."""
    out = defaultdict(list)
    for oid, name, unique, backs_constraint, nkey, nums, where in _rows(conn, _INDEXES, params):
        keys = [attnames.get((oid, n)) for n in nums[:nkey]]  # 0 (an expression): None
        if backs_constraint or any(c is None for c in keys):
            continue
        out[oid].append((name, tuple(keys), bool(unique),
                         canonical_sql(str(where), dialect) if where is not None else None))
    return out
