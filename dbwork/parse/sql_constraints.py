"""Constraints built from or onto an index: ``ADD CONSTRAINT x PRIMARY KEY | UNIQUE USING
INDEX i`` (the index becomes the constraint) and exclusion constraints (``EXCLUDE USING
gist (...)``). Pure; called by :mod:`dbwork.parse.sql`.

``USING INDEX`` is modelled as what it does: the unique index ``i`` disappears under its
own name and the constraint ``x`` takes its columns (a primary key also makes them NOT
NULL), so the rollback drops the constraint and builds the index again. An exclusion
constraint is run as written; its inverse is certain (``DROP CONSTRAINT x``) and the
schema model does not hold it (introspection does not read it back either).

>>> from dbwork.model import Schema
>>> from dbwork.dialects import get_dialect
>>> from dbwork.parse.sql import parse_sql
>>> pg = get_dialect("postgresql")
>>> s = parse_sql("CREATE TABLE t (a int NOT NULL, b int NOT NULL); CREATE UNIQUE INDEX t_ab ON t (a, b);", pg, Schema()).schema
>>> [op.describe() for op in parse_sql("ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_ab;", pg, s).ops]
['drop index t_ab on t', 'add primary key t_pkey (a, b) to t']
"""
from __future__ import annotations

import re
from dataclasses import replace

from sqlglot import exp

from ..errors import DbworkError, UnsupportedError
from ..model.schema import PrimaryKey, Unique

_IDENT = r'("(?:[^"]|"")+"|[\w$]+)'
_ALTER_TABLE = re.compile(rf"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?{_IDENT}\s+"
                          r"(.*?)\s*;?\s*$", re.I | re.S)
_USING_INDEX = re.compile(rf"ADD\s+CONSTRAINT\s+{_IDENT}\s+(PRIMARY\s+KEY|UNIQUE)\s+USING\s+"
                          rf"INDEX\s+{_IDENT}", re.I | re.S)
_DROP_CONSTRAINT = re.compile(rf"DROP\s+CONSTRAINT\s+(IF\s+EXISTS\s+)?{_IDENT}", re.I | re.S)
_MENTIONS_USING_INDEX = re.compile(r"\bUSING\s+INDEX\b", re.I)


def _ident(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def using_index_ops(b) -> list | None:
    """Operations for ``ALTER TABLE t [DROP CONSTRAINT c,] ADD CONSTRAINT x PRIMARY KEY
    USING INDEX i`` (also UNIQUE), or None when the statement is not of that form."""
    text = b.st.text
    m = _ALTER_TABLE.match(text)
    if not m or not _MENTIONS_USING_INDEX.search(text):
        return None
    from .sql_raw import _split_top
    table, schema, ops = _ident(m.group(1)), b.schema, []
    for part in _split_top(m.group(2)):
        new = _action_ops(b, schema, table, part.strip())
        if new is None:
            return None
        for op in new:
            schema = op.apply(schema)
        ops += new
    return ops


def _action_ops(b, schema, table: str, action: str) -> list | None:
    from .sql import _drop_constraint, _has
    t = schema.table(table)
    drop = _DROP_CONSTRAINT.fullmatch(action)
    if drop:
        name = _ident(drop.group(2))
        if drop.group(1) and not _has(t, "CONSTRAINT", name):
            b.warnings.append(f"constraint {name} of {table} does not exist (line "
                              f"{b.st.line}): IF EXISTS, skipped")
            return []
        return [_drop_constraint(t, name)]
    add = _USING_INDEX.fullmatch(action)
    if add:
        return _constraint_from_index(t, _ident(add.group(1)),
                                      add.group(2).upper().startswith("PRIMARY"),
                                      _ident(add.group(3)))
    return None


def _constraint_from_index(t, name: str, primary: bool, index_name: str) -> list:
    """The index becomes the constraint: drop the index, add the constraint on its
    columns (PostgreSQL renames the index to the constraint's name)."""
    from ..ops.schema_ops import AddConstraint, AlterColumn, DropIndex
    idx = t.index(index_name)
    if not idx.unique or idx.where:
        raise DbworkError(f"ADD CONSTRAINT {name} ... USING INDEX {index_name}: the index "
                          "must be unique and have no WHERE clause")
    if primary and t.primary_key is not None:
        raise DbworkError(f"table {t.name} has a primary key already "
                          f"({t.primary_key.name or ', '.join(t.primary_key.columns)}): "
                          "drop it first")
    ops: list = [DropIndex(idx)]
    if primary:
        # PostgreSQL sets NOT NULL on the index's columns that lack it
        ops += [AlterColumn(t.name, c, replace(c, nullable=False))
                for c in (t.column(n) for n in idx.columns) if c.nullable]
        return ops + [AddConstraint(t.name, PrimaryKey(idx.columns, name))]
    return ops + [AddConstraint(t.name, Unique(idx.columns, name))]


# -- exclusion constraints -----------------------------------------------------------------
def is_exclusion(node) -> bool:
    """True for an ``EXCLUDE USING ...`` table element or ``ADD CONSTRAINT`` item."""
    if isinstance(node, exp.Constraint):
        return any(isinstance(e, exp.ExcludeColumnConstraint) for e in node.expressions)
    return isinstance(node, exp.ExcludeColumnConstraint)


def exclusion_op(b, t, node):
    """``ALTER TABLE t ADD CONSTRAINT x EXCLUDE ...`` run as written, with ``DROP
    CONSTRAINT x`` as its inverse. An unnamed one (in CREATE TABLE) gets the name
    PostgreSQL would give it, so the rollback can drop it."""
    from ..ops.schema_ops import RawSQL
    table = t.name
    if not b.dialect.exclusion_constraints:
        raise UnsupportedError(f"EXCLUDE constraint on {table}: {b.dialect.name} has no "
                               "exclusion constraints")
    if isinstance(node, exp.Constraint):
        name, body = node.this.name, node.expressions[0]
    else:
        name, body = _exclusion_name(table, node), node
    for col in body.find_all(exp.Column):
        t.column(col.name)  # an unknown column is refused before the database is touched
    q = b.dialect.quote
    sql = f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {body.sql(dialect=b.dialect.sqlglot)}"
    return RawSQL(sql, f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}", (table,))


def _exclusion_name(table: str, node) -> str:
    """PostgreSQL's name for an unnamed exclusion constraint: ``<table>_<cols>_excl``
    (an expression counts as ``expr``)."""
    from .sql import pg_object_name
    params = node.this
    names = []
    for item in params.args.get("columns") or []:
        target = item.this.this if isinstance(item.this, exp.Ordered) else item.this
        names.append(target.name if isinstance(target, exp.Column) else "expr")
    return pg_object_name(table, "_".join(names), "excl")
