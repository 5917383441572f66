"""A source table, as the neutral model holds it, made into the table the target engine
should get: types mapped, defaults and CHECKs transpiled, identity kept, every NOT NULL
kept, names of keys and indexes made unique in the target. Pure.

What the target cannot hold is either mapped with a warning (a PostgreSQL array into
MariaDB's JSON, TIMESTAMPTZ into DATETIME in UTC) or refused before anything is written
(:class:`~dbwork.errors.CopyRefused`, naming table, column and type).

>>> from dbwork.model import Column, PrimaryKey, Table
>>> t = Table("users", (Column("id", "INTEGER"), Column("score", "REAL")),
...           primary_key=PrimaryKey(("id",)))
>>> out = translate_table(t, "sqlite", "postgresql")
>>> [(c.name, c.type, c.nullable, c.autoincrement) for c in out.table.columns]
[('id', 'INTEGER', False, True), ('score', 'DOUBLE', True, False)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp

from ...errors import CopyRefused
from ...model.schema import Check, Column, Index, Schema, Table
from ...model.types import base_name, type_family, type_params

# the longest VARCHAR MariaDB can index whole in utf8mb4 (3072 bytes / 4)
MYSQL_INDEXABLE = 768
_NOW = re.compile(r"(?i)^\(?\s*(now\(\)|current_timestamp(\(\d?\))?|datetime\('now'\)|"
                  r"localtimestamp|transaction_timestamp\(\))\s*\)?$")


@dataclass
class Translated:
    """A target table plus what was changed on the way (warnings) and which integer
    column carries the identity (its sequence is set past the copied ids)."""

    table: Table
    warnings: list[str] = field(default_factory=list)
    identity: str | None = None
    enum_types: dict[str, tuple[str, ...]] = field(default_factory=dict)


def translate_table(t: Table, source: str, target: str, enums: dict | None = None,
                    text_lengths: dict | None = None) -> Translated:
    """``t`` (introspected on ``source``) as it should be created on ``target``.
    ``text_lengths``: column -> longest value, for TEXT keys on MariaDB."""
    out = Translated(t)
    enums = enums or {}
    pk = set(t.primary_key.columns) if t.primary_key else set()
    keyed = _keyed_columns(t)
    cols = [_column(t, c, source, target, enums, c.name in pk, c.name in keyed,
                    (text_lengths or {}).get(c.name), out) for c in t.columns]
    out.identity = _identity(t, cols, source)
    cols = [replace(c, autoincrement=c.name == out.identity,
                    identity=("BY DEFAULT" if target == "postgresql" and c.name == out.identity
                              else None)) for c in cols]
    checks = tuple(ch for ch in (_check(t, c, source, target, out) for c in t.checks) if ch)
    checks += _enum_checks(t, target, enums)
    out.table = replace(t, columns=tuple(cols), checks=checks,
                        options=tuple(o for o in t.options if target == "mysql" == source),
                        indexes=tuple(_index(i, target, out) for i in t.indexes))
    return out


def _keyed_columns(t: Table) -> set[str]:
    names = set(t.primary_key.columns) if t.primary_key else set()
    for group in (*t.uniques, *t.foreign_keys, *t.indexes):
        names.update(group.columns)
    return names


def _column(t: Table, c: Column, source: str, target: str, enums: dict, in_pk: bool,
            keyed: bool, longest: int | None, out: Translated) -> Column:
    type_ = map_type(t.name, c, source, target, enums, keyed, longest, out)
    default = translate_default(c.default, source, target, type_)
    if c.default is not None and default is None and not _is_sequence(c.default):
        out.warnings.append(f"{t.name}.{c.name}: default {c.default!r} has no {target} "
                            f"equivalent; left out")
    return replace(c, type=type_, default=default, nullable=c.nullable and not in_pk,
                   on_update=c.on_update if target == "mysql" else None,
                   comment=c.comment if target != "sqlite" else None)


def _is_sequence(default: str | None) -> bool:
    return bool(default) and default.lower().startswith("nextval(")


def _identity(t: Table, cols: list[Column], source: str) -> str | None:
    """The integer primary-key column that numbers new rows: declared autoincrement,
    a PostgreSQL serial/identity, or SQLite's INTEGER PRIMARY KEY (the rowid)."""
    if not t.primary_key or len(t.primary_key.columns) != 1:
        return None
    name = t.primary_key.columns[0]
    src = t.column(name)
    if type_family(src.type) != "integer":
        return None
    if src.autoincrement or src.identity or _is_sequence(src.default):
        return name
    if source == "sqlite" and base_name(src.type) == "INTEGER":
        return name
    return None


# -- types -------------------------------------------------------------------------------
_UNSIGNED = {"UTINYINT": "SMALLINT", "USMALLINT": "INTEGER", "UMEDIUMINT": "INTEGER",
             "UINT": "BIGINT", "UBIGINT": "NUMERIC(20)"}
_PG_ONLY_TEXT = {"INET", "CIDR", "MACADDR", "MACADDR8", "INTERVAL", "MONEY", "XML",
                 "CITEXT", "BIT", "VARBIT", "TSQUERY", "TSVECTOR"}
_REFUSED = {"POINT", "LINE", "LSEG", "BOX", "PATH", "POLYGON", "CIRCLE", "INT4RANGE",
            "INT8RANGE", "NUMRANGE", "TSRANGE", "TSTZRANGE", "DATERANGE", "GEOMETRY",
            "GEOGRAPHY", "HSTORE"}


def map_type(table: str, c: Column, source: str, target: str, enums: dict, keyed: bool,
             longest: int | None, out: Translated) -> str:
    """The neutral type the target column gets (warnings appended to ``out``)."""
    text = (c.type or "").strip()
    where = f"{table}.{c.name}"
    base = base_name(text) if text else ""
    if not text:
        out.warnings.append(f"{where}: no declared type on SQLite; copied as TEXT")
        return _keyed_text(where, "TEXT", target, keyed, longest, out)
    if text in enums or base.lower() in {e.lower() for e in enums}:
        return _enum_type(where, text, enums, target, out)
    if base in _REFUSED:
        if target == source:
            return text
        raise CopyRefused(table, c.name, text, target)
    if base in _UNSIGNED:
        if target == "mysql":
            return text
        out.warnings.append(f"{where}: unsigned {text} copied as {_UNSIGNED[base]}")
        return _UNSIGNED[base]
    if base.startswith(("ENUM", "SET")) and target != "mysql":
        out.warnings.append(f"{where}: {text} copied as TEXT")
        return "TEXT"
    if text.endswith("[]") and target != "postgresql":
        out.warnings.append(f"{where}: array {text} copied as JSON")
        return "JSON" if target == "mysql" else "TEXT"
    if base in _PG_ONLY_TEXT and target != "postgresql":
        out.warnings.append(f"{where}: {text} copied as text")
        return _keyed_text(where, "TEXT", target, keyed, longest, out)
    return _by_target(where, text, base, source, target, keyed, longest, out)


def _by_target(where, text, base, source, target, keyed, longest, out) -> str:
    if source == "sqlite" and base == "REAL":
        return "DOUBLE"           # SQLite's REAL is 8 bytes
    if target == "mysql":
        return _into_mysql(where, text, base, keyed, longest, out)
    if target == "sqlite" and base in ("TIMESTAMPTZ",):
        out.warnings.append(f"{where}: {text} stored as ISO text with its offset")
    if target == "postgresql" and base == "YEAR":
        return "SMALLINT"
    if target == "postgresql" and base in ("TINYTEXT", "MEDIUMTEXT", "LONGTEXT"):
        return "TEXT"
    return text


def _into_mysql(where, text, base, keyed, longest, out) -> str:
    if base == "TIMESTAMPTZ":
        out.warnings.append(f"{where}: {text} copied as DATETIME(6) in UTC")
        return "DATETIME(6)"
    if base in ("TIMESTAMP", "DATETIME"):
        p = type_params(text)
        return f"DATETIME({p[0] if p else 6})"
    if base == "TIME":
        p = type_params(text)
        return f"TIME({p[0] if p else 6})"
    if base == "NUMERIC" and not type_params(text):
        out.warnings.append(f"{where}: NUMERIC without precision copied as DECIMAL(65, 20)")
        return "NUMERIC(65, 20)"
    if base == "UUID":
        return "UUID"
    if base in ("TEXT", "CLOB") or (base == "VARCHAR" and not type_params(text)):
        return _keyed_text(where, "TEXT" if base != "VARCHAR" else "TEXT", "mysql", keyed,
                           longest, out)
    if base == "VARCHAR" and type_params(text) and type_params(text)[0] > 16383:
        return "LONGTEXT"
    if base in ("BLOB", "BYTEA"):
        return "LONGBLOB"
    return text


def _keyed_text(where, text, target, keyed, longest, out) -> str:
    """MariaDB cannot key a TEXT column whole: a VARCHAR long enough for the longest
    value, or a refusal when even that is too long to index."""
    if target != "mysql":
        return text
    if not keyed:
        return "LONGTEXT"
    n = max(255, longest or 0)
    if n > MYSQL_INDEXABLE:
        raise CopyRefused(*where.split(".", 1), text, "mysql",
                          f"a key or index on text up to {n} characters exceeds MariaDB's "
                          f"index limit ({MYSQL_INDEXABLE})")
    out.warnings.append(f"{where}: keyed TEXT copied as VARCHAR({n}) (longest value {longest or 0})")
    return f"VARCHAR({n})"


def _enum_type(where, text, enums, target, out) -> str:
    name = next(e for e in enums if e == text or e.lower() == base_name(text).lower())
    values = enums[name]
    if target == "postgresql":
        out.enum_types[name] = tuple(values)
        return text
    if target == "mysql":
        return "ENUM(" + ", ".join(_literal(v) for v in values) + ")"
    out.warnings.append(f"{where}: enum {name} copied as TEXT with a CHECK of its values")
    return "TEXT"


def _enum_checks(t: Table, target: str, enums: dict) -> tuple:
    if target != "sqlite" or not enums:
        return ()
    out = []
    for c in t.columns:
        if c.type in enums:
            values = ", ".join(_literal(v) for v in enums[c.type])
            out.append(Check(f"{_ident(c.name)} IN ({values})", None))
    return tuple(out)


def _literal(v: str) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


# -- expressions -------------------------------------------------------------------------
def translate_default(default: str | None, source: str, target: str, type_: str) -> str | None:
    """A default expression for ``target`` (None: none, or it cannot be carried over).

    >>> translate_default("datetime('now')", "sqlite", "postgresql", "TIMESTAMP")
    'CURRENT_TIMESTAMP'
    >>> translate_default("nextval('users_id_seq'::regclass)", "postgresql", "mysql", "INTEGER")
    >>> translate_default("'active'", "postgresql", "sqlite", "TEXT")
    "'active'"
    """
    if default is None or _is_sequence(default):
        return None
    text = default.strip()
    if _NOW.match(text):
        return "CURRENT_TIMESTAMP"
    if type_family(type_) == "bool" and text.lower() in ("0", "1", "true", "false", "'0'", "'1'"):
        on = text.strip("'").lower() in ("1", "true")
        return ("TRUE" if on else "FALSE") if target == "postgresql" else ("1" if on else "0")
    if source == target:
        return text
    return _transpiled(text, source, target)


def _sqlglot_name(name: str) -> str | None:
    """The engine's sqlglot dialect (Dialect.sqlglot); None when it has none."""
    from ...dialects import get_dialect
    from ...errors import ConfigError
    try:
        return get_dialect(name).sqlglot
    except ConfigError:
        return None


def _transpiled(text: str, source: str, target: str) -> str | None:
    read, write = _sqlglot_name(source), _sqlglot_name(target)
    if read is None or write is None:
        return None   # not an SQL engine: nothing to translate with
    try:
        node = sqlglot.parse_one(text, read=read)
    except Exception:
        return None
    if any(isinstance(n, (exp.Anonymous, exp.Command)) for n in node.walk()):
        return None   # a function sqlglot does not know: no safe translation
    try:
        return node.sql(dialect=write)
    except Exception:
        return None


def _check(t: Table, c: Check, source: str, target: str, out: Translated) -> Check | None:
    if source == target:
        return c
    if re.fullmatch(r"(?i)json_valid\(`?\w+`?\)", c.expression.strip()):
        return None   # MariaDB's JSON columns: the target's JSON type checks it
    text = _transpiled(c.expression, source, target)
    if text is None:
        out.warnings.append(f"{t.name}: CHECK ({c.expression}) has no {target} "
                            f"equivalent; left out")
        return None
    return replace(c, expression=text)


def _index(i: Index, target: str, out: Translated) -> Index:
    opts = dict(i.options)
    using = (opts.get("using") or "").lower()
    if using and using != "btree" and target != "postgresql":
        out.warnings.append(f"{i.table}: index {i.name} USING {using} built as a plain index")
        opts.pop("using")
    if i.where and target == "mysql":
        out.warnings.append(f"{i.table}: partial index {i.name} built over every row")
        return replace(i, where=None, options=tuple(opts.items()))
    return replace(i, options=tuple(opts.items()))


# -- names unique in the target --------------------------------------------------------
def named(tables: list[Table], fit) -> list[Table]:
    """Every unique key, foreign key and index with a name, unique across the target
    (PostgreSQL's index and constraint names share one namespace per schema)."""
    taken: set[str] = set()

    def claim(name: str | None, default: str) -> str:
        base = fit(name or default)
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = fit(f"{default}_{n}")
        taken.add(candidate.lower())
        return candidate

    out = []
    for t in tables:
        if t.primary_key:
            claim(t.primary_key.name, f"{t.name}_pkey")
        uniques = tuple(replace(u, name=claim(u.name, f"{t.name}_{'_'.join(u.columns)}_key"))
                        for u in t.uniques)
        fks = tuple(replace(f, name=claim(f.name, f"{t.name}_{'_'.join(f.columns)}_fkey"))
                    for f in t.foreign_keys)
        indexes = tuple(replace(i, name=claim(i.name, f"{t.name}_{'_'.join(i.columns)}_idx"))
                        for i in t.indexes)
        out.append(replace(t, uniques=uniques, foreign_keys=fks, indexes=indexes))
    return out


def fk_order(tables: list[Table]) -> list[Table]:
    """Parents before children, in the model's one order (``Schema.dependency_order``).

    >>> from dbwork.model import ForeignKey, Table
    >>> kids = Table("orders", foreign_keys=(ForeignKey(("u",), "users", ("id",)),))
    >>> [t.name for t in fk_order([kids, Table("users")])]
    ['users', 'orders']
    """
    by_name = {t.name: t for t in tables}
    return [by_name[n] for n in Schema.of(*tables).dependency_order()]


__all__ = ["Translated", "translate_table", "map_type", "translate_default", "named",
           "fk_order"]
