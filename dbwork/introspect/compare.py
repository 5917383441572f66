"""Compare a schema that was asked for with the one a database reports (pure).

The parser simulates what a migration should produce; introspection reads what the
database made of it. They agree when every table, column, key, index and check agrees,
where a constraint name of ``None`` on the expected side means "any name" (the database
picks one), and where a dialect's known quirks are answered by hooks, not by special
cases in tests.

>>> from dbwork.model import Column, Schema, Table, Unique
>>> from dbwork.dialects import get_dialect
>>> want = Schema.of(Table("t", (Column("a", "INTEGER"),), uniques=(Unique(("a",)),)))
>>> got = Schema.of(Table("t", (Column("a", "INTEGER"),), uniques=(Unique(("a",), "t_a_key"),)))
>>> schema_differences(want, got, get_dialect("postgresql"))
[]
"""
from __future__ import annotations

from dataclasses import fields, replace

from ..dialects.base import Dialect
from ..hooks import overridable
from ..model.schema import Check, Column, Index, Schema, Table
from ..model.types import base_name, normalize_type, type_family


def schema_differences(expected: Schema, actual: Schema, dialect: Dialect) -> list[str]:
    """Human-readable differences; empty when ``actual`` is what ``expected`` asks."""
    if not dialect.unique_constraints:
        expected, actual = _uniques_as_indexes(expected), _uniques_as_indexes(actual)
    out = enum_differences(expected.enums, actual.enums)
    for name in sorted(set(expected.tables) | set(actual.tables)):
        if name not in actual.tables:
            out.append(f"table {name}: missing")
        elif name not in expected.tables:
            out.append(f"table {name}: unexpected")
        else:
            out += table_differences(expected.tables[name], actual.tables[name], dialect)
    return out


def table_differences(want: Table, got: Table, dialect: Dialect) -> list[str]:
    out = []
    wc = {c.name: c for c in want.columns}
    gc = {c.name: c for c in got.columns}
    if set(wc) != set(gc):  # order: a restored column comes back last (known gap)
        out.append(f"{want.name}: columns {list(wc)} != {list(gc)}")
    for n in wc.keys() & gc.keys():
        out += [f"{want.name}.{n}: {d}" for d in column_differences(wc[n], gc[n], dialect)]
    for attr in ("primary_key", "foreign_keys", "uniques", "checks", "indexes"):
        w, g = getattr(want, attr), getattr(got, attr)
        w = () if w is None else (w if isinstance(w, tuple) else (w,))
        g = () if g is None else (g if isinstance(g, tuple) else (g,))
        if not _same_set(w, g, dialect):
            out.append(f"{want.name}: {attr} {list(w)} != {list(g)}")
    if (want.comment or None) != (got.comment or None):
        out.append(f"{want.name}: comment {want.comment!r} != {got.comment!r}")
    got_options = dict(got.options)
    for key, value in want.options:  # only what was asked: the engine fills the rest
        if str(got_options.get(key, "")).lower() != str(value).lower():
            out.append(f"{want.name}: option {key} {value!r} != {got_options.get(key)!r}")
    return out


def enum_differences(want: dict, got: dict) -> list[str]:
    """Enum types (PostgreSQL): same names, same values in the same order."""
    out = []
    for name in sorted(set(want) | set(got)):
        if name not in got:
            out.append(f"enum {name}: missing")
        elif name not in want:
            out.append(f"enum {name}: unexpected")
        elif tuple(want[name]) != tuple(got[name]):
            out.append(f"enum {name}: values {list(want[name])} != {list(got[name])}")
    return out


def column_differences(want: Column, got: Column, dialect: Dialect) -> list[str]:
    """What differs between two columns, one line per attribute.

    >>> from dbwork.dialects import get_dialect
    >>> column_differences(Column("a", "INTEGER", nullable=False), Column("a", "INTEGER"),
    ...                    get_dialect("sqlite"))
    ['nullable False != True']
    """
    return list(column_mismatches(want, got, dialect).values())


ALTERABLE = ("type", "nullable", "default", "comment")  # what an ALTER COLUMN can change


def column_mismatches(want: Column, got: Column, dialect: Dialect) -> dict[str, str]:
    """The attributes of ``got`` that are not what ``want`` asks: attribute -> message.
    The one column comparison: the convergence checks read all of it, the diff
    (:func:`dbwork.diff.quirks.same_column`) the :data:`ALTERABLE` part.

    >>> from dbwork.dialects import get_dialect
    >>> column_mismatches(Column("a", "BOOLEAN", default="TRUE"),
    ...                   Column("a", "TINYINT(1)", default="1"), get_dialect("mysql"))
    {}
    """
    want = replace(want, type=normalize_type(want.type, dialect))
    got = replace(got, type=normalize_type(got.type, dialect))
    out = {}
    if not same_type(want.type, got.type, dialect):
        out["type"] = f"type {want.type} != {got.type}"
    if want.nullable != got.nullable:
        out["nullable"] = f"nullable {want.nullable} != {got.nullable}"
    serial = want.autoincrement or got.autoincrement  # its default is the engine's business
    if not serial and not same_default(want.default, got.default, want.type, dialect):
        out["default"] = f"default {want.default!r} != {got.default!r}"
    if want.autoincrement and not got.autoincrement and dialect.reports_autoincrement:
        out["autoincrement"] = "autoincrement lost"  # SQLite: INTEGER PRIMARY KEY is the rowid
    if (want.comment or None) != (got.comment or None):
        out["comment"] = f"comment {want.comment!r} != {got.comment!r}"
    if want.identity and want.identity != got.identity:
        out["identity"] = f"identity {want.identity} != {got.identity}"
    if (want.on_update is None) != (got.on_update is None) or (
            want.on_update and not same_expression(want.on_update, got.on_update, dialect)):
        out["on_update"] = f"on update {want.on_update!r} != {got.on_update!r}"
    return out


def _same_set(want: tuple, got: tuple, dialect: Dialect) -> bool:
    if len(want) != len(got):
        return False
    left = list(got)
    for w in want:
        match = next((g for g in left if same_object(w, g, dialect)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def same_object(want, got, dialect: Dialect) -> bool:
    """Keys, indexes, checks: equal field by field; ``name=None`` matches any name."""
    if type(want) is not type(got):
        return False
    if isinstance(want, Check):
        want = replace(want, expression=check_text(want.expression, dialect))
        got = replace(got, expression=check_text(got.expression, dialect))
    for f in fields(want):
        if not f.compare:
            continue
        w, g = getattr(want, f.name), getattr(got, f.name)
        if f.name == "name" and w is None:
            continue
        if f.name in ("expression", "where"):
            if not same_expression(w, g, dialect):
                return False
        elif w != g:
            return False
    return True


# -- hooks: what each dialect reports differently from what was written -----------------
def same_type(want: str, got: str, dialect: Dialect) -> bool:
    if want == got:
        return True
    return bool(same_type_reported(dialect, want, got)) or _renders_as(want, got, dialect)


@overridable
def same_type_reported(dialect: Dialect, want: str, got: str) -> bool:
    """Whether the engine reports type ``want`` as ``got`` (MySQL has no TIMESTAMPTZ:
    it comes back TIMESTAMP); by default no type is reported as another."""
    return False


def _renders_as(want: str, got: str, dialect: Dialect) -> bool:
    """A type written for another dialect is what this one writes for it
    (MySQL's DATETIME is PostgreSQL's TIMESTAMP)."""
    from ..render.types import type_text
    written = type_text(want, dialect)
    return normalize_type(written, dialect) == got


def same_default(want: str | None, got: str | None, type_: str, dialect: Dialect) -> bool:
    if want == got:
        return True
    if want is None or got is None:
        return False
    return (loose_spelling(want) == loose_spelling(got) or bool(same_default_reported(dialect, want, got, type_))
            or same_bool_default(want, got, type_))


@overridable
def same_default_reported(dialect: Dialect, want: str, got: str, type_: str) -> bool:
    """Whether the engine reports default ``want`` of a ``type_`` column as ``got``
    (a number or boolean spelled otherwise, PostgreSQL's casts); by default never."""
    return False


_TRUE, _FALSE = {"TRUE", "1", "'1'", "'T'", "'TRUE'"}, {"FALSE", "0", "'0'", "'F'", "'FALSE'"}


def same_bool_default(want: str | None, got: str | None, type_: str) -> bool:
    """MariaDB keeps BOOLEAN as TINYINT(1): a default TRUE comes back as 1."""
    if want is None or got is None or base_name(type_) not in ("BOOLEAN", "TINYINT"):
        return False
    w, g = want.strip().upper(), got.strip().upper()
    return (w in _TRUE and g in _TRUE) or (w in _FALSE and g in _FALSE)


def check_text(text: str, dialect: Dialect) -> str:
    """One spelling for a check. PostgreSQL reports ``x IN ('a', 'b')`` as
    ``x = ANY (ARRAY['a', 'b']::text[])``: both become the IN form.

    >>> from dbwork.dialects import get_dialect
    >>> check_text("theme = ANY(CAST(ARRAY['light', 'dark'] AS TEXT[]))", get_dialect("postgresql"))
    "theme IN ('light', 'dark')"
    """
    return check_spelling(dialect, text)


@overridable
def check_spelling(dialect: Dialect, text: str) -> str:
    """A check's text in the one spelling compared (PostgreSQL rewrites ``IN`` as
    ``= ANY (ARRAY[...])``); by default as written."""
    return text


def same_expression(want: str | None, got: str | None, dialect: Dialect) -> bool:
    if want == got:
        return True
    if want is None or got is None:
        return False
    return loose_spelling(want) == loose_spelling(got)


def loose_spelling(text: str) -> str:
    """Spelling-insensitive form: no quotes, no redundant parentheses, one case."""
    t = text.replace("`", "").replace('"', "").upper()
    t = t.replace("CURRENT_TIMESTAMP()", "CURRENT_TIMESTAMP")
    return "".join(ch for ch in t if ch not in "() ")


def same_numeric_default(want: str, got: str, type_: str) -> bool:
    """The same number or boolean, spelled differently (``'1.50'`` and ``1.5``,
    ``TRUE`` and ``1``): what SQL engines report back for a default.

    >>> same_numeric_default("'1.50'", "1.5", "NUMERIC(5,2)"), same_numeric_default("TRUE", "1", "BOOLEAN")
    (True, True)
    """
    if type_family(type_) == "bool":  # TRUE/FALSE, 1/0, 't'/'f' are one value each
        return _BOOL.get(want.strip("'").upper(), want) == _BOOL.get(got.strip("'").upper(), got)
    if type_family(type_) not in ("numeric", "integer"):
        return False
    try:
        return float(want.strip("'")) == float(got.strip("'"))
    except ValueError:
        return False


_BOOL = {"TRUE": "1", "1": "1", "T": "1", "FALSE": "0", "0": "0", "F": "0"}



def without_names(schema: Schema) -> Schema:
    """The schema with every constraint name dropped (for name-blind comparisons)."""
    def strip(t: Table) -> Table:
        return replace(t, primary_key=replace(t.primary_key, name=None) if t.primary_key else None,
                       foreign_keys=tuple(replace(c, name=None) for c in t.foreign_keys),
                       uniques=tuple(replace(c, name=None) for c in t.uniques),
                       checks=tuple(replace(c, name=None) for c in t.checks))
    return replace(schema, tables={n: strip(t) for n, t in schema.tables.items()})


def uniques_as_indexes(t: Table) -> Table:
    """MySQL keeps a UNIQUE constraint as a unique index: the table with each unique
    constraint turned into one (its name may be None: the engine picks one)."""
    if not t.uniques:
        return t
    extra = tuple(Index(u.name, t.name, u.columns, unique=True) for u in t.uniques)
    return replace(t, uniques=(), indexes=t.indexes + extra)


def _uniques_as_indexes(schema: Schema) -> Schema:
    """Compare MySQL's unique constraints and unique indexes as one kind."""
    return replace(schema, tables={n: uniques_as_indexes(t) for n, t in schema.tables.items()})

