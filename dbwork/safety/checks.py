"""Data checks before apply: the live rows a change would trip over.

:func:`plan_checks` (pure) turns operations into :class:`DataCheck` values, each one a
count query and an examples query; :func:`run_checks` runs them through
``session.query`` and raises :class:`~dbwork.errors.DataCheckFailed` on the first
failure, with the count and a few example rows.

>>> from dbwork.dialects import get_dialect
>>> from dbwork.model import Column, Schema, Table, Index
>>> from dbwork.ops import CreateIndex
>>> s = Schema.of(Table("u", (Column("id", "INTEGER", False), Column("email", "TEXT"))))
>>> [c.problem for c in plan_checks([CreateIndex(Index("ix", "u", ("email",), unique=True))], s, get_dialect("sqlite"))]
['duplicates']
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import DataCheckFailed
from ..hooks import overridable
from ..model.schema import ForeignKey, PrimaryKey, Schema, Unique
from ..model.types import base_name, type_family, type_params
from ..ops.schema_ops import (DATA, AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropTable, RawSQL, RenameColumn,
                              RenameTable)
from ..render.data import quote

EXAMPLES = 3


@dataclass(frozen=True)
class DataCheck:
    check: str          # what is checked, for people
    problem: str        # duplicates | orphans | NULLs | values that do not fit
    count_sql: str
    examples_sql: str
    detail: str         # where, for the error message


def plan_checks(ops, schema: Schema, dialect) -> list[DataCheck]:
    """The data checks ``ops`` need, against the live tables of ``schema`` (pure).
    A check reads the live rows, so it runs only where the plan has not changed them
    yet: a table created, renamed or changed by a data statement earlier in the plan is
    not checked (its rows will differ), nor a column added, renamed, retyped or
    dropped earlier (its values will differ); the database still checks them on apply.

    >>> from dbwork.dialects import get_dialect
    >>> from dbwork.model import Column, Schema, Table
    >>> from dbwork.ops import AlterColumn, RawSQL
    >>> s = Schema.of(Table("u", (Column("id", "INTEGER", False), Column("url", "TEXT"))))
    >>> fill = RawSQL("UPDATE u SET url = 'x'", None, ("u",))
    >>> required = AlterColumn("u", s.table("u").column("url"), Column("url", "TEXT", False))
    >>> [len(plan_checks(ops, s, get_dialect("sqlite"))) for ops in ([required], [fill, required])]
    [1, 0]
    """
    out: list[DataCheck] = []
    changed = _PlanChanges()
    for op in ops:
        if not isinstance(op, RawSQL) and changed.leaves_live(op, schema):
            out += _checks_for(op, schema, dialect)
        changed.record(op)
    return out


class _PlanChanges:
    """What the plan has changed so far: tables whose rows or shape differ from the
    live ones, and (table, column) pairs whose values differ."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.columns: set[tuple[str, str]] = set()

    def record(self, op) -> None:
        if isinstance(op, RawSQL) or op.kind == DATA or \
                isinstance(op, (CreateTable, DropTable, RenameTable)):
            self.tables |= set(op.tables())
        table = getattr(op, "table", None)
        if isinstance(table, str):
            self.columns |= {(table, name) for name in _columns_changed(op)}

    def leaves_live(self, op, schema: Schema) -> bool:
        """Every table and column ``op``'s checks read is live and unchanged."""
        if any(t in self.tables or not schema.has_table(t) for t in op.tables()):
            return False
        return all(schema.has_table(t) and t not in self.tables
                   and schema.table(t).has_column(c) and (t, c) not in self.columns
                   for t, c in _columns_read(op))


def _columns_changed(op) -> tuple[str, ...]:
    if isinstance(op, AlterColumn):
        return (op.before.name, op.after.name)
    if isinstance(op, (AddColumn, DropColumn)):
        return (op.column.name,)
    if isinstance(op, RenameColumn):
        return (op.old, op.new)
    return ()


def _columns_read(op) -> list[tuple[str, str]]:
    """The (table, column) pairs a check of ``op`` reads: the indexed or constrained
    columns, and for a foreign key the referenced ones too."""
    if isinstance(op, CreateIndex):
        return [(op.index.table, c) for c in op.index.columns]
    if isinstance(op, AlterColumn):
        return [(op.table, op.before.name)]
    if isinstance(op, AddConstraint):
        c = op.constraint
        out = [(op.table, col) for col in getattr(c, "columns", ())]
        if isinstance(c, ForeignKey):
            out += [(c.ref_table, col) for col in c.ref_columns]
        return out
    return []


def _checks_for(op, schema, d) -> list[DataCheck]:
    if isinstance(op, CreateIndex) and op.index.unique:
        return [_duplicates(op.index.table, op.index.columns, d, f"unique index {op.index.name}",
                            op.index.where)]
    if isinstance(op, AddConstraint):
        c = op.constraint
        if isinstance(c, (Unique, PrimaryKey)):
            out = [_duplicates(op.table, c.columns, d, _words(c))]
            if isinstance(c, PrimaryKey):
                out += [_nulls(op.table, col, d, "the primary key") for col in c.columns
                        if schema.table(op.table).has_column(col)]
            return out
        if isinstance(c, ForeignKey) and schema.has_table(c.ref_table):
            return [_orphans(op.table, c, d)]
        return []
    if isinstance(op, AlterColumn):
        return _alter_checks(op, schema, d)
    if isinstance(op, AddColumn) and not op.column.nullable and op.column.default is None \
            and not op.column.autoincrement:
        t = quote(op.table, d)
        return [DataCheck(f"rows of {op.table} for new NOT NULL column {op.column.name}",
                          "NULLs", f"SELECT COUNT(*) FROM {t}",
                          f"SELECT * FROM {t} LIMIT {EXAMPLES}",
                          f"in {op.table} would get NULL in new NOT NULL column "
                          f"{op.column.name} (it has no default)")]
    return []


def _words(c) -> str:
    kind = "primary key" if isinstance(c, PrimaryKey) else "unique constraint"
    return f"{kind} {c.name or ''}".strip()


def _duplicates(table, columns, d, what, where=None) -> DataCheck:
    t, cols = quote(table, d), ", ".join(quote(c, d) for c in columns)
    not_null = " AND ".join(f"{quote(c, d)} IS NOT NULL" for c in columns)
    cond = f"{not_null} AND ({where})" if where else not_null
    groups = f"SELECT {cols}, COUNT(*) AS n FROM {t} WHERE {cond} GROUP BY {cols} HAVING COUNT(*) > 1"
    return DataCheck(f"duplicates in {table} ({', '.join(columns)}) before {what}", "duplicates",
                     f"SELECT COALESCE(SUM(n), 0) FROM ({groups}) dup",
                     f"{groups} ORDER BY n DESC LIMIT {EXAMPLES}",
                     f"in {table} ({', '.join(columns)}) share a value, so {what} cannot be built")


def _nulls(table, column, d, what) -> DataCheck:
    t, c = quote(table, d), quote(column, d)
    return DataCheck(f"NULLs in {table}.{column} before {what}", "NULLs",
                     f"SELECT COUNT(*) FROM {t} WHERE {c} IS NULL",
                     f"SELECT * FROM {t} WHERE {c} IS NULL LIMIT {EXAMPLES}",
                     f"in {table} have NULL in {column} ({what} needs a value)")


def _orphans(table, fk: ForeignKey, d) -> DataCheck:
    c, p = quote(table, d), quote(fk.ref_table, d)
    on = " AND ".join(f"ch.{quote(a, d)} = pa.{quote(b, d)}"
                      for a, b in zip(fk.columns, fk.ref_columns))
    present = " AND ".join(f"ch.{quote(a, d)} IS NOT NULL" for a in fk.columns)
    missing = f"pa.{quote(fk.ref_columns[0], d)} IS NULL"
    base = f"FROM {c} ch LEFT JOIN {p} pa ON {on} WHERE {present} AND {missing}"
    cols = ", ".join(f"ch.{quote(a, d)}" for a in fk.columns)
    return DataCheck(f"orphans in {table} ({', '.join(fk.columns)}) -> {fk.ref_table}", "orphans",
                     f"SELECT COUNT(*) {base}", f"SELECT {cols} {base} LIMIT {EXAMPLES}",
                     f"in {table} point at no row of {fk.ref_table} "
                     f"({', '.join(fk.columns)} -> {', '.join(fk.ref_columns)})")


def _alter_checks(op: AlterColumn, schema, d) -> list[DataCheck]:
    out = []
    b, a = op.before, op.after
    if b.nullable and not a.nullable:
        out.append(_nulls(op.table, b.name, d, "SET NOT NULL"))
    if b.type != a.type:
        bad = _misfit_condition(b.name, b.type, a.type, d)
        if bad:
            t = quote(op.table, d)
            cond = f"{quote(b.name, d)} IS NOT NULL AND ({bad})"
            out.append(DataCheck(
                f"values of {op.table}.{b.name} that do not fit {a.type}",
                "values that do not fit", f"SELECT COUNT(*) FROM {t} WHERE {cond}",
                f"SELECT {quote(b.name, d)} FROM {t} WHERE {cond} LIMIT {EXAMPLES}",
                f"in {op.table}.{b.name} do not fit {a.type}"))
    return out


_INT_RANGE = {"TINYINT": 2 ** 7, "SMALLINT": 2 ** 15, "INTEGER": 2 ** 31, "BIGINT": 2 ** 63}


def _misfit_condition(column: str, before: str, after: str, d) -> str | None:
    """SQL true for a value of ``column`` that cannot become ``after``."""
    c = quote(column, d)
    fb, fa = type_family(before), type_family(after)
    if fa == "text" and type_params(after):
        n = type_params(after)[0]
        return f"{text_length(d, c if fb == 'text' else as_text(d, c))} > {n}"
    if fa == "integer":
        lim = _INT_RANGE.get(base_name(after), 2 ** 63)
        if fb == "integer" or fb == "numeric":
            out = f"{c} < {-lim} OR {c} > {lim - 1}"
            return out if fb == "integer" else f"{out} OR {c} <> FLOOR({c})"
        if fb == "text":
            return not_integer_text(d, c)
    if fa == "numeric" and fb == "text":
        return not_number_text(d, c)
    if fa == "numeric" and base_name(after) == "NUMERIC" and type_params(after):
        p = type_params(after)
        s = p[1] if len(p) > 1 else 0
        return f"ABS({c}) >= {10 ** (p[0] - s)}"
    return None


# SQL fragments that differ by engine: generic bodies here, overrides in the backends
@overridable
def text_length(d, expr: str) -> str:
    """The length in characters of a text expression (SQLite: LENGTH)."""
    return f"CHAR_LENGTH({expr})"


@overridable
def as_text(d, expr: str) -> str:
    """An expression cast to text (MySQL: CAST(... AS CHAR))."""
    return f"CAST({expr} AS TEXT)"


@overridable
def not_integer_text(d, c: str) -> str:
    """True for a text value that is not an integer. Generic: SQLite's GLOB form
    (PostgreSQL and MySQL override it with their regular expressions)."""
    body = f"LTRIM(TRIM({c}), '+-')"
    return f"{body} = '' OR {body} GLOB '*[^0-9]*'"


@overridable
def not_number_text(d, c: str) -> str:
    """True for a text value that is not a number (generic: a cast round trip)."""
    return f"CAST(CAST(TRIM({c}) AS REAL) AS TEXT) <> TRIM({c}) AND " \
           f"CAST(CAST(TRIM({c}) AS INTEGER) AS TEXT) <> TRIM({c})"


def run_checks(checks: list[DataCheck], session) -> list[dict]:
    """Run each check; raise DataCheckFailed on the first that finds rows.
    Returns the results as dicts for the migration's document."""
    results = []
    for c in checks:
        n = int(session.query(c.count_sql)[0][0] or 0)
        results.append({"check": c.check, "result": "ok" if n == 0 else c.problem,
                        "count": n})
        if n:
            examples = [tuple(r) for r in session.query(c.examples_sql)]
            raise DataCheckFailed(c.problem, n, examples, c.detail)
    return results
