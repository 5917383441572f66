"""Live SQL database -> neutral Schema, through SQLAlchemy's inspector.

The inspector's batch calls (``get_multi_*``) read the whole catalog in a handful of
queries. Each engine's quirks are hooks with a generic body here, overridden in its
backend package (``dbwork/backends/<name>/introspect.py``): what the inspector misses
(:func:`catalog_extras`), how a column's catalog row reads (:func:`reflected_column`),
enum types, the current schema, checks the engine makes by itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from ..dialects.base import Dialect
from ..hooks import overridable
from ..model.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..model.expressions import canonical_sql, normalize_default
from ..model.types import normalize_type

INTERNAL_PREFIXES = ("dbwork_", "_dbwork_", "_alembic_tmp_", "sqlite_")
FAST_POSTGRESQL = True  # read PostgreSQL (psycopg) from pg_catalog: postgresql_fast.py


def is_internal(name: str) -> bool:
    """Tables dbwork keeps for itself (history, locks, backups) or engines keep."""
    return name.startswith(INTERNAL_PREFIXES)


def introspect(conn: sa.Connection, dialect: Dialect, schema: str | None = None,
               only: set[str] | None = None) -> Schema:
    """Read every user table of ``conn``'s database into a neutral Schema (or only the
    tables named in ``only``, when the caller knows which ones changed)."""
    return read_catalog(dialect, conn, schema, only)


@overridable
def read_catalog(dialect: Dialect, conn: sa.Connection, schema: str | None,
                 only: set[str] | None) -> Schema:
    """The live schema through SQLAlchemy's inspector (PostgreSQL reads pg_catalog
    itself, and adds its extensions)."""
    return _introspect(conn, dialect, schema, only)


@dataclass
class CatalogExtras:
    """What an engine's catalog says that the inspector misses: partial index
    conditions by index name, declared column types and ON UPDATE expressions by
    (table, column), engine options by table, column-level checks by table."""
    partial: dict = field(default_factory=dict)
    declared: dict = field(default_factory=dict)
    on_update: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    column_checks: dict = field(default_factory=dict)


@overridable
def catalog_extras(dialect: Dialect, conn, names: list[str], pks, fks, uqs, cks) -> CatalogExtras:
    """Facts the inspector misses, read from the engine's own catalog (and the
    inspector's constraint rows corrected in place where it misreads them); by
    default none."""
    return CatalogExtras()


def extensions(conn: sa.Connection) -> frozenset:
    """Installed PostgreSQL extensions (plpgsql, always there, left out)."""
    rows = conn.execute(sa.text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"))
    return frozenset(r[0] for r in rows)


def _introspect(conn: sa.Connection, dialect: Dialect, schema: str | None,
                only: set[str] | None) -> Schema:
    insp = sa.inspect(conn)
    namespace = schema or _current_schema(conn, dialect)
    if schema is None and namespace and namespace != insp.default_schema_name:
        schema = namespace  # ?schema=app: the inspector knows only the server's default
    names = [n for n in insp.get_table_names(schema=schema) if not is_internal(n)
             and (only is None or n in only)]
    enums = _enums(insp, dialect, schema)
    if not names:
        return Schema(enums=enums, namespace=namespace)
    kw = dict(schema=schema, filter_names=names)
    cols = insp.get_multi_columns(**kw)
    pks = insp.get_multi_pk_constraint(**kw)
    fks = insp.get_multi_foreign_keys(**kw)
    idxs = insp.get_multi_indexes(**kw)
    uqs = insp.get_multi_unique_constraints(**kw)
    cks = _safe(lambda: insp.get_multi_check_constraints(**kw), {})
    comments = _safe(lambda: insp.get_multi_table_comment(**kw), {})
    extra = catalog_extras(dialect, conn, names, pks, fks, uqs, cks)
    partial, declared, on_update = extra.partial, extra.declared, extra.on_update
    options, column_checks = extra.options, extra.column_checks
    tables = []
    for name in sorted(names):
        key = (schema, name)
        fk_list = [_foreign_key(f, dialect) for f in fks.get(key, [])]
        uq_list = [Unique(tuple(u["column_names"]), u.get("name")) for u in uqs.get(key, [])]
        if not dialect.unique_constraints:
            uq_list = []  # MySQL has only unique indexes: report them as indexes
        json_cols = _json_columns(column_checks.get(name, []))
        tables.append(Table(
            name=name,
            columns=tuple(_as_json(_with_on_update(
                _column(c, dialect, conn, declared.get((name, c["name"]))),
                on_update.get((name, c["name"]))), json_cols)
                for c in cols.get(key, [])),
            primary_key=_primary_key(pks.get(key)),
            foreign_keys=tuple(fk_list),
            uniques=tuple(uq_list),
            checks=tuple(_check(c, dialect) for c in cks.get(key, []) + [
                             c for c in column_checks.get(name, [])
                             if c["name"] not in json_cols]
                         if not _is_implicit_check(c, dialect)),
            indexes=tuple(_indexes(idxs.get(key, []), name, fk_list, uq_list, dialect,
                                   partial)),
            comment=(comments.get(key) or {}).get("text"),
            options=options.get(name, ()),
        ))
    return Schema({t.name: t for t in tables}, enums, namespace)


def _safe(fn, default):
    try:
        return fn()
    except NotImplementedError:
        return default


def _column(c: dict, dialect: Dialect, conn, declared: str | None = None) -> Column:
    type_text = _type_text(c["type"], conn)
    if declared and type_text == "NUMERIC" and "NUM" not in declared.upper() and \
            "DEC" not in declared.upper():
        type_text = declared  # SQLite: a type name SQLAlchemy does not know (TIMESTAMPTZ)
    default = c.get("default")
    auto = bool(c.get("autoincrement") is True or c.get("identity"))
    if default is not None and "nextval(" in default:
        auto, default = True, None
    auto, default, identity = reflected_column(dialect, c, auto, default)
    return Column(
        name=c["name"],
        type=normalize_type(type_text, dialect),
        nullable=bool(c.get("nullable", True)),
        default=normalize_default(default, dialect),
        autoincrement=auto,
        comment=c.get("comment"),
        identity=identity,
    )


@overridable
def reflected_column(dialect: Dialect, c: dict, auto: bool,
                     default: str | None) -> tuple[bool, str | None, str | None]:
    """``(autoincrement, default, identity)`` of the inspector's column row ``c``, as
    the engine means them (``auto`` and ``default`` as read generically); by default
    unchanged, with no identity."""
    return auto, default, None


def _enums(insp, dialect: Dialect, schema: str | None) -> dict[str, tuple[str, ...]]:
    return live_enums(dialect, insp, schema)


@overridable
def live_enums(dialect: Dialect, insp, schema: str | None) -> dict[str, tuple[str, ...]]:
    """Named enum types visible in ``schema`` (PostgreSQL's); by default none."""
    return {}


def _current_schema(conn, dialect: Dialect) -> str | None:
    return current_schema(dialect, conn)


@overridable
def current_schema(dialect: Dialect, conn) -> str | None:
    """The schema unqualified names resolve to (PostgreSQL's ``?schema=`` sets it);
    by default None."""
    return None


def _with_on_update(col: Column, on_update: str | None) -> Column:
    return col if on_update is None else replace(col, on_update=on_update)


def _type_text(t, conn) -> str:
    try:
        return t.compile(dialect=conn.dialect)
    except Exception:  # NullType and exotic reflected types
        return str(t)


def _primary_key(pk: dict | None) -> PrimaryKey | None:
    if not pk or not pk.get("constrained_columns"):
        return None
    return PrimaryKey(tuple(pk["constrained_columns"]), pk.get("name"))


def _foreign_key(f: dict, dialect: Dialect) -> ForeignKey:
    opts = f.get("options") or {}
    return ForeignKey(tuple(f["constrained_columns"]), f["referred_table"],
                      tuple(f["referred_columns"]), f.get("name"),
                      _fk_action(opts.get("ondelete")), _fk_action(opts.get("onupdate")))


def _fk_action(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.upper()
    return None if value in ("NO ACTION", "RESTRICT") else value


def _check(c: dict, dialect: Dialect) -> Check:
    return Check(canonical_sql(c["sqltext"], dialect), c.get("name"))


def _json_columns(checks: list[dict]) -> set[str]:
    """MariaDB's JSON is LONGTEXT with a ``json_valid(col)`` check: the columns so checked.

    >>> sorted(_json_columns([{"name": "doc", "sqltext": "json_valid(`doc`)"},
    ...                       {"name": "n", "sqltext": "n > 0"}]))
    ['doc']
    """
    out = set()
    for c in checks:
        m = re.fullmatch(r"json_valid\(`((?:[^`]|``)+)`\)", (c.get("sqltext") or "").strip(),
                         re.IGNORECASE)
        if m and m.group(1).replace("``", "`") == c.get("name"):
            out.add(c["name"])
    return out


def _as_json(col: Column, json_cols: set[str]) -> Column:
    """A LONGTEXT column with its json_valid check is a JSON column (re-created as JSON,
    MariaDB puts the check back)."""
    return replace(col, type="JSON") if col.name in json_cols and col.type == "LONGTEXT" else col


def _is_implicit_check(c: dict, dialect: Dialect) -> bool:
    return implicit_check(dialect, c)


@overridable
def implicit_check(dialect: Dialect, c: dict) -> bool:
    """Whether the inspector's check row ``c`` is one the engine made by itself (not
    part of the model); by default no."""
    return False


def _indexes(rows, table, fks, uqs, dialect: Dialect, partial) -> list[Index]:
    uq_names = {u.name for u in uqs}
    fk_names = {f.name for f in fks}
    out = []
    for r in rows:
        name = r["name"]
        if r.get("duplicates_constraint") or name in uq_names:
            continue
        if dialect.indexes_foreign_keys and name in fk_names:
            continue  # MySQL creates an index per foreign key by itself
        if any(c is None for c in r["column_names"]):
            continue  # expression index: not modelled
        where = (r.get("dialect_options") or {}).get(f"{dialect.alembic}_where")
        where = where if where is not None else partial.get(name)
        out.append(Index(name, table, tuple(r["column_names"]), bool(r.get("unique")),
                         canonical_sql(str(where), dialect) if where is not None else None))
    return sorted(out, key=lambda i: i.name)


