"""MySQL/MariaDB's catalog reading: ON UPDATE, engine options, MariaDB's column-level
checks (JSON's json_valid), AUTO_INCREMENT only where the engine says so (registered
on import)."""
from __future__ import annotations

import sqlalchemy as sa

from ...introspect.compare import same_default_reported, same_numeric_default, same_type_reported
from ...introspect.sql import CatalogExtras, catalog_extras, implicit_check, reflected_column

# MySQL has no TIMESTAMP WITH TIME ZONE and no JSONB: both come back plain;
# MariaDB's JSON is LONGTEXT with a json_valid() check
_REPORTED_AS = {("TIMESTAMPTZ", "TIMESTAMP"), ("JSONB", "JSON"), ("BOOLEAN", "TINYINT"),
                ("UUID", "CHAR(36)"), ("JSONB", "LONGTEXT"), ("JSON", "LONGTEXT")}


@same_type_reported.override("mysql")
def _reported_as(dialect, want: str, got: str) -> bool:
    return (want, got) in _REPORTED_AS


@same_default_reported.override("mysql")
def _number_spelled_otherwise(dialect, want: str, got: str, type_: str) -> bool:
    return same_numeric_default(want, got, type_)


@catalog_extras.override("mysql")
def _extras(dialect, conn, names, pks, fks, uqs, cks) -> CatalogExtras:
    on_update, options = _mysql_extras(conn, names)
    return CatalogExtras(on_update=on_update, options=options,
                         column_checks=_mysql_column_checks(conn))


@reflected_column.override("mysql")
def _auto_increment(dialect, c: dict, auto: bool, default):
    if isinstance(c["type"], sa.types.Integer) and c.get("autoincrement") is not True:
        auto = False
    if default is not None and " ON UPDATE " in default.upper():
        default = default[:default.upper().index(" ON UPDATE ")]  # ON UPDATE read apart
    return auto, default, None


@implicit_check.override("mysql")
def _json_valid(dialect, c: dict) -> bool:
    # MariaDB reports JSON columns' json_valid() checks as constraints of their own
    return c.get("sqltext", "").lower().startswith("json_valid(")


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


