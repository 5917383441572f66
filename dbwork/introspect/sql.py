"""Live SQL database -> neutral Schema, through SQLAlchemy's inspector.

The inspector's batch calls (``get_multi_*``) read the whole catalog in a handful of
queries. Each dialect's quirks are small functions keyed by dialect name below: which
indexes are really constraints, how defaults and checks are spelled.
"""
from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa
import sqlglot

from ..dialects.base import Dialect
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
    if FAST_POSTGRESQL and dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        from .postgresql_fast import introspect as fast  # same Schema, ~5x faster
        return fast(conn, dialect, schema, only)
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
    partial = _sqlite_partial_indexes(conn) if dialect.name == "sqlite" else {}
    extra = _mysql_extras(conn, names) if dialect.name == "mysql" else ({}, {})
    on_update, options = extra
    declared = _sqlite_declared(conn, names) if dialect.name == "sqlite" else {}
    if dialect.name == "sqlite":
        _sqlite_fix_names(conn, names, pks, fks, uqs, cks)
    column_checks = _mysql_column_checks(conn) if dialect.name == "mysql" else {}
    tables = []
    for name in sorted(names):
        key = (schema, name)
        fk_list = [_foreign_key(f, dialect) for f in fks.get(key, [])]
        uq_list = [Unique(tuple(u["column_names"]), u.get("name")) for u in uqs.get(key, [])]
        if dialect.name == "mysql":
            uq_list = []  # MySQL has only unique indexes: report them as indexes
        json_cols = _json_columns(column_checks.get(name, [])) if dialect.name == "mysql" else set()
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
    if dialect.name == "sqlite":
        auto = False
    if default is not None and "nextval(" in default:
        auto, default = True, None
    if dialect.name == "mysql" and isinstance(c["type"], sa.types.Integer) and \
            c.get("autoincrement") is not True:
        auto = False
    identity = None
    if dialect.name == "postgresql" and c.get("identity"):
        identity = "ALWAYS" if c["identity"].get("always") else "BY DEFAULT"
    if dialect.name == "mysql" and default is not None and " ON UPDATE " in default.upper():
        default = default[:default.upper().index(" ON UPDATE ")]  # ON UPDATE read apart
    return Column(
        name=c["name"],
        type=normalize_type(type_text, dialect),
        nullable=bool(c.get("nullable", True)),
        default=normalize_default(default, dialect),
        autoincrement=auto,
        comment=c.get("comment"),
        identity=identity,
    )


def _enums(insp, dialect: Dialect, schema: str | None) -> dict[str, tuple[str, ...]]:
    """PostgreSQL enum types visible in ``schema`` (the search path when None)."""
    if dialect.name != "postgresql":
        return {}
    return {e["name"]: tuple(e["labels"]) for e in insp.get_enums(schema=schema or None)
            if e.get("visible", True) or schema}


def _current_schema(conn, dialect: Dialect) -> str | None:
    """PostgreSQL: the schema unqualified names resolve to (``?schema=`` sets it)."""
    if dialect.name != "postgresql":
        return None
    return conn.exec_driver_sql("SELECT current_schema()").scalar()


def _with_on_update(col: Column, on_update: str | None) -> Column:
    return col if on_update is None else replace(col, on_update=on_update)


def _mysql_extras(conn, names) -> tuple[dict, dict]:
    """MySQL facts the inspector misses or mixes in: ON UPDATE per column (from
    information_schema, which also sees it without a default), and each table's ENGINE
    and collation (its charset follows from the collation)."""
    rows = conn.exec_driver_sql(
        "SELECT TABLE_NAME, COLUMN_NAME, EXTRA FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND EXTRA LIKE '%%on update%%'").all()
    on_update = {}
    for table, column, extra in rows:
        expr = extra[extra.lower().index("on update") + len("on update"):].strip()
        on_update[(table, column)] = _canonical_now(expr)
    rows = conn.exec_driver_sql(
        "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE()").all()
    options = {}
    for table, engine, collation in rows:
        opts = []
        if engine:
            opts.append(("engine", engine))
        if collation:
            opts += [("charset", collation.split("_", 1)[0].lower()), ("collate", collation.lower())]
        options[table] = tuple(opts)
    return on_update, options


def _canonical_now(expr: str) -> str:
    """``current_timestamp()`` (MariaDB's report) spelled as written: CURRENT_TIMESTAMP."""
    return "CURRENT_TIMESTAMP" if expr.lower().startswith("current_timestamp") else expr


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


def _mysql_column_checks(conn) -> dict[str, list[dict]]:
    """MariaDB's column-level CHECKs (``c JSON`` is LONGTEXT ``CHECK (json_valid(c))``),
    which SQLAlchemy's inspector does not report: table -> [{name, sqltext}]."""
    rows = conn.exec_driver_sql(
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema."
        "CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND LEVEL = 'Column'").all()
    out: dict[str, list[dict]] = {}
    for table, name, clause in rows:
        out.setdefault(table, []).append({"name": name, "sqltext": clause})
    return out


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
    # MariaDB reports JSON columns' json_valid() checks as constraints of their own
    return dialect.name == "mysql" and c.get("sqltext", "").lower().startswith("json_valid(")


def _indexes(rows, table, fks, uqs, dialect: Dialect, partial) -> list[Index]:
    uq_names = {u.name for u in uqs}
    fk_names = {f.name for f in fks}
    out = []
    for r in rows:
        name = r["name"]
        if r.get("duplicates_constraint") or name in uq_names:
            continue
        if dialect.name == "mysql" and name in fk_names:
            continue  # MySQL creates an index per foreign key by itself
        if any(c is None for c in r["column_names"]):
            continue  # expression index: not modelled
        where = (r.get("dialect_options") or {}).get(f"{dialect.alembic}_where")
        where = where if where is not None else partial.get(name)
        out.append(Index(name, table, tuple(r["column_names"]), bool(r.get("unique")),
                         canonical_sql(str(where), dialect) if where is not None else None))
    return sorted(out, key=lambda i: i.name)


def _sqlite_declared(conn, names) -> dict[tuple[str, str], str]:
    """Column types as declared (SQLite keeps the text; the inspector folds names it
    does not know into NUMERIC)."""
    out = {}
    for table in names:
        q = table.replace('"', '""')
        for row in conn.exec_driver_sql(f'PRAGMA table_info("{q}")').fetchall():
            out[(table, row[1])] = row[2]
    return out


def _sqlite_fix_names(conn, names, pks, fks, uqs, cks) -> None:
    """SQLAlchemy's SQLite reflection reads constraint names with regular expressions
    that break on a doubled quote (``CONSTRAINT "we""ird"``): read the names from
    sqlglot's parse of the table's SQL instead, keyed by kind and columns."""
    for table in names:
        found = _sqlite_constraint_names(conn, table)
        key = (None, table)
        if pks.get(key) and pks[key].get("name") is not None:
            pks[key]["name"] = found.get(("pk",), pks[key]["name"])
        for kind, items, cols in (("fk", fks, "constrained_columns"),
                                  ("uq", uqs, "column_names")):
            for item in items.get(key, []):
                if item.get("name") is not None:
                    item["name"] = found.get((kind, tuple(item[cols])), item["name"])
        for c in cks.get(key, []):
            if c.get("name"):
                c["name"] = c["name"].replace('""', '"')


def _sqlite_constraint_names(conn, table: str) -> dict[tuple, str]:
    row = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = ?", (table,)).fetchone()
    try:
        tree = sqlglot.parse_one(row[0], read="sqlite") if row and row[0] else None
    except Exception:
        return {}
    out = {}
    for con in tree.find_all(sqlglot.exp.Constraint) if tree is not None else ():
        name = con.this.this if isinstance(con.this, sqlglot.exp.Identifier) else None
        for body in con.expressions:
            if isinstance(body, sqlglot.exp.PrimaryKey):
                out[("pk",)] = name
            elif isinstance(body, sqlglot.exp.ForeignKey):
                out[("fk", tuple(i.name for i in body.expressions))] = name
            elif isinstance(body, sqlglot.exp.UniqueColumnConstraint) and body.this is not None:
                out[("uq", tuple(i.name for i in body.this.expressions))] = name
    return out


def _sqlite_partial_indexes(conn) -> dict[str, str]:
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    out = {}
    for name, sql in rows:
        try:
            tree = sqlglot.parse_one(sql, read="sqlite")
        except Exception:
            continue
        where = tree.find(sqlglot.exp.Where)
        if where is not None:
            out[name] = where.this.sql(dialect="sqlite")
    return out
