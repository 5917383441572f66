"""Validation after apply, inside the migration's transaction (where there is one):
foreign-key integrity of the touched tables, row counts before and after, and the
rollback script still valid against the new schema. A failure raises
:class:`~dbwork.errors.DataCheckFailed`, which undoes the migration on transactional
backends.

The row counts and orphan counts *before* come from :func:`baseline` (run by review,
before apply) and travel in the migration's checks.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlglot import exp

from ..errors import DataCheckFailed
from ..hooks import overridable
from ..ops.schema_ops import DropTable, RawSQL
from ..render.data import quote
from ..lint import sqltext

BEFORE = "row count before"
ORPHANS_BEFORE = "orphans before"


# -- pure: which foreign keys to check, and how ---------------------------------------
def fks_to_check(schema, tables) -> list[tuple[str, object]]:
    """(table, fk) for every foreign key of, or pointing at, one of ``tables``."""
    out, seen = [], set()
    for t in schema.tables.values():
        for fk in t.foreign_keys:
            if (t.name in tables or fk.ref_table in tables) and schema.has_table(fk.ref_table):
                key = (t.name, fk.columns, fk.ref_table)
                if key not in seen:
                    seen.add(key)
                    out.append((t.name, fk))
    return out


def orphan_count_sql(table: str, fk, d) -> str:
    c, p = quote(table, d), quote(fk.ref_table, d)
    on = " AND ".join(f"ch.{quote(a, d)} = pa.{quote(b, d)}"
                      for a, b in zip(fk.columns, fk.ref_columns))
    present = " AND ".join(f"ch.{quote(a, d)} IS NOT NULL" for a in fk.columns)
    return (f"SELECT COUNT(*) FROM {c} ch LEFT JOIN {p} pa ON {on} "
            f"WHERE {present} AND pa.{quote(fk.ref_columns[0], d)} IS NULL")


def fk_label(table, fk) -> str:
    return f"{table} ({', '.join(fk.columns)}) -> {fk.ref_table}"


# -- I/O ------------------------------------------------------------------------------
def orphans(session, schema, tables, d) -> dict[str, int]:
    """Orphan rows per foreign key of the touched tables."""
    return orphan_counts(d, session, schema, tables)


@overridable
def orphan_counts(d, session, schema, tables) -> dict[str, int]:
    """Generic: one counting query per foreign key (SQLite overrides it with
    ``PRAGMA foreign_key_check``)."""
    out = {}
    for table, fk in fks_to_check(schema, tables):
        out[fk_label(table, fk)] = int(session.query(orphan_count_sql(table, fk, d))[0][0])
    return out


def baseline(session, schema, tables, d) -> list[dict]:
    """Counts before apply, kept in the migration's checks for :func:`validate`."""
    out = [{"check": BEFORE, "table": t, "result": "ok", "count": session.count_rows(t)}
           for t in tables if schema.has_table(t)]
    for label, n in orphans(session, schema, tables, d).items():
        out.append({"check": ORPHANS_BEFORE, "table": label, "result": "ok", "count": n})
    return out


def validate(session, migration, schema_before, schema_after) -> list[dict]:
    d = session.dialect
    tables = [t for t in migration.tables if schema_after.has_table(t)]
    earlier = {c.get("table"): c["count"] for c in migration.checks
               if c.get("check") == ORPHANS_BEFORE}
    results = _fk_results(session, schema_after, tables, d, earlier)
    results += _count_results(session, migration, schema_after)
    results += rollback_results(session, migration, schema_after)
    return results


def _fk_results(session, schema, tables, d, earlier) -> list[dict]:
    out = []
    found = orphans(session, schema, tables, d)
    for label, n in sorted(found.items()):
        before = earlier.get(label, 0)
        out.append({"check": f"foreign key integrity {label}",
                    "result": "ok" if n <= before else "orphans", "count": n})
        if n > before:
            raise DataCheckFailed("orphans", n, [], f"in {label} after the migration "
                                  f"(before: {before}); the migration is undone")
    if not found:
        out.append({"check": "foreign key integrity", "result": "ok", "count": 0})
    return out


def _count_results(session, migration, schema_after) -> list[dict]:
    before = {c["table"]: c["count"] for c in migration.checks if c.get("check") == BEFORE}
    ops = [s.op for s in migration.steps if s.op is not None]
    changes_rows = {t for op in ops if _changes_rows(op) for t in op.tables()}
    out = []
    for table, n0 in sorted(before.items()):
        if not schema_after.has_table(table):
            continue
        n1 = session.count_rows(table)
        same = n0 == n1
        out.append({"check": f"row count {table}", "result": "ok" if same or
                    table in changes_rows else "changed", "count": n1, "before": n0})
        if not same and table not in changes_rows:
            raise DataCheckFailed("row count changed", abs(n1 - n0), [],
                                  f"in {table} ({n0} -> {n1}) though the migration changes "
                                  "only its schema; the migration is undone")
    return out


def _changes_rows(op) -> bool:
    return isinstance(op, (RawSQL, DropTable)) or getattr(op, "kind", "") == "data"


def rollback_results(session, migration, schema_after) -> list[dict]:
    """Every reverse statement parses, and the tables it names exist (now, or are
    made by an earlier reverse statement, or are backups kept in the database)."""
    d = session.dialect
    live = set(sa.inspect(session.conn).get_table_names()) if hasattr(session, "conn") \
        else set(schema_after.tables)
    known = set(schema_after.tables) | live
    problems = []
    statements = [st for step in reversed(migration.steps) for st in step.reverse]
    from ..parse.sql_raw import is_raw_kind
    for st in statements:
        if is_raw_kind(st):  # a generated inverse of code (DROP FUNCTION f(int), ...)
            continue
        tree = sqltext.tree(st, d)
        if tree is None or isinstance(tree, exp.Command) and not _known_command(st, d):
            problems.append(f"does not parse: {st[:60]}")
            continue
        made = _made_by(tree)
        for name in named_tables(tree):
            if name not in known and name not in made and not name.startswith("_alembic_tmp_"):
                problems.append(f"names missing table {name}: {st[:60]}")
        known |= made
    result = {"check": "rollback script valid against the new schema",
              "result": "ok" if not problems else "invalid", "count": len(statements)}
    if problems:
        result["problems"] = problems[:5]
        raise DataCheckFailed("invalid rollback", len(problems), problems[:3],
                              "in the rollback script; the migration is undone")
    return [result]


def named_tables(tree) -> list[str]:
    """Tables a statement needs to exist (pure): the target of ALTER/DROP TABLE/
    CREATE INDEX, and the tables read by DML and CREATE ... AS SELECT. Index and
    constraint names (DROP INDEX, DROP FOREIGN KEY) are not tables."""
    if isinstance(tree, exp.Alter):
        return [tree.this.name]
    if isinstance(tree, exp.Drop):
        kind = str(tree.args.get("kind") or "").upper()
        return [t.name for t in tree.find_all(exp.Table)] if kind == "TABLE" and \
            not tree.args.get("exists") else []
    if isinstance(tree, exp.Create):
        if str(tree.args.get("kind") or "").upper() == "INDEX":
            table = tree.this.args.get("table") if isinstance(tree.this, exp.Index) else None
            return [table.name] if table is not None else []
        source = tree.expression
        return _read_tables(source) if source is not None else []
    if isinstance(tree, (exp.Update, exp.Delete, exp.Insert, exp.Select)):
        return _read_tables(tree)
    return []


def _read_tables(tree) -> list[str]:
    aliases = {t.alias for t in tree.find_all(exp.Table) if t.alias}
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    return [t.name for t in tree.find_all(exp.Table)
            if t.name and t.name not in ctes and (t.name not in aliases or t.alias)]


def _known_command(st: str, d) -> bool:
    return sqltext.command_words(st, d).startswith(("ALTER TABLE", "DO ", "ALTER TYPE",
                                                    "PREPARE ", "EXECUTE ",
                                                    "CREATE EXTENSION", "DROP EXTENSION"))


def _made_by(tree) -> set[str]:
    if isinstance(tree, exp.Create) and isinstance(tree.this, (exp.Table, exp.Schema)):
        node = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        return {node.name}
    if isinstance(tree, exp.Alter):
        for a in tree.args.get("actions") or []:
            if isinstance(a, exp.AlterRename):
                return {a.this.name}
    return set()

