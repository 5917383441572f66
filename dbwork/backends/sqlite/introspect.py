"""SQLite's catalog reading: declared column types, partial indexes, constraint names
read from the table's SQL, no AUTOINCREMENT reported (registered on import)."""
from __future__ import annotations

import sqlglot

from ...introspect.compare import same_default_reported, same_numeric_default, same_type_reported
from ...introspect.sql import CatalogExtras, catalog_extras, reflected_column
from ...model.types import base_name, type_family


@same_type_reported.override("sqlite")
def _declared_text(dialect, want: str, got: str) -> bool:
    # SQLite keeps the declared text; BOOLEAN etc. come back as written
    return base_name(want) == base_name(got) and type_family(want) == "other"


@same_default_reported.override("sqlite")
def _number_spelled_otherwise(dialect, want: str, got: str, type_: str) -> bool:
    return same_numeric_default(want, got, type_)


@catalog_extras.override("sqlite")
def _extras(dialect, conn, names, pks, fks, uqs, cks) -> CatalogExtras:
    partial = _sqlite_partial_indexes(conn)
    declared = _sqlite_declared(conn, names)
    _sqlite_fix_names(conn, names, pks, fks, uqs, cks)
    return CatalogExtras(partial=partial, declared=declared)


@reflected_column.override("sqlite")
def _no_autoincrement(dialect, c: dict, auto: bool, default):
    # the inspector's autoincrement is not SQLite's; only a nextval() default (never
    # there in practice) counts, as the generic reading has it
    return "nextval(" in (c.get("default") or ""), default, None


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


def _sqlite_constraint_names(conn, table: str) -> dict[tuple, str | None]:
    row = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = ?", (table,)).fetchone()
    try:
        tree = sqlglot.parse_one(row[0], read="sqlite") if row and row[0] else None
    except Exception:
        return {}
    out: dict[tuple, str | None] = {}
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
