"""Seed rows into a SQL database, on one session under the migration lock: read the
live rows, back up what a reset deletes, delete, upsert (SQLAlchemy's dialect insert
constructs: ON CONFLICT on SQLite and PostgreSQL, ON DUPLICATE KEY UPDATE on
MySQL/MariaDB), then set deferred foreign keys. One transaction: a failure leaves
nothing of the set (MariaDB commits a CREATE TABLE by itself: the backup it made is
dropped again).
"""
from __future__ import annotations

import datetime as dt
import importlib
from contextlib import contextmanager
from decimal import Decimal

import sqlalchemy as sa

from ..dialects import get_dialect
from ..errors import SeedError
from ..hooks import overridable
from ..render.data import quote
from ..url import mask_url
from . import values
from .plan import Prepared, TableChange, deferred_columns

@contextmanager
def seed_session(backend, lock_timeout: float):
    """The backend's locked session; on SQLite with foreign keys enforced (they are
    off unless a connection asks, and a seed must not load an orphan)."""
    with backend.session(lock_timeout) as s:
        enforce_foreign_keys(backend.dialect, s)
        yield s


@overridable
def enforce_foreign_keys(dialect, s) -> None:
    """Make session ``s`` check foreign keys where the engine leaves them off unless a
    connection asks (SQLite); by default nothing (they are always on)."""


def table_clause(name: str, columns) -> sa.TableClause:
    return sa.table(name, *[sa.column(c) for c in columns])


def read_live(conn, p: Prepared, all_columns: tuple[str, ...]) -> tuple[dict, dict]:
    """Live rows of ``p.table`` by key: (canonical rows, raw rows as the driver gave)."""
    t = table_clause(p.table, all_columns)
    canon, raw = {}, {}
    for r in conn.execute(sa.select(*t.c)):
        row = dict(zip(all_columns, r))
        c = {k: _canon(v, p.types[k]) for k, v in row.items()}
        key = tuple(c[k] for k in p.key)
        canon[key], raw[key] = c, row
    return canon, raw


def _canon(v, type_text):
    try:
        return values.canonical(v, type_text)
    except ValueError:
        return v


def driver_value(v, type_text: str, dialect: str):
    """A canonical value as this dialect's driver takes it."""
    v = values.to_driver(v, type_text)
    return v if v is None else stored_value(dialect, v)


@overridable
def stored_value(dialect, v):
    """A driver value (not None) as the engine stores it (SQLite keeps booleans as
    integers, decimals and times as text); by default unchanged."""
    return v


def upsert_statement(table: str, columns: tuple[str, ...], key: tuple[str, ...], dialect: str):
    """INSERT ... ON CONFLICT (key) DO UPDATE / ON DUPLICATE KEY UPDATE for ``columns``."""
    t = table_clause(table, columns)
    stmt = dialect_insert(dialect)(t)
    return upsert_clause(dialect, stmt, key, [c for c in columns if c not in key])


def dialect_insert(dialect: str):
    """SQLAlchemy's insert construct of ``dialect`` (the one with its upsert clause),
    found from the dialect's SQLAlchemy name (:attr:`Dialect.alembic`).

    >>> dialect_insert("postgresql").__module__
    'sqlalchemy.dialects.postgresql.dml'
    """
    name = get_dialect(dialect).alembic
    insert = getattr(importlib.import_module(f"sqlalchemy.dialects.{name}"), "insert", None) \
        if name else None
    if insert is None:
        raise SeedError(f"cannot seed {dialect}: SQLAlchemy has no upsert for it")
    return insert


@overridable
def upsert_clause(dialect, stmt, key: tuple[str, ...], rest: list[str]):
    """SQLAlchemy's dialect insert ``stmt`` made an upsert on ``key`` that sets
    ``rest``: ON CONFLICT (SQLite, PostgreSQL); MySQL says ON DUPLICATE KEY UPDATE."""
    if not rest:
        return stmt.on_conflict_do_nothing(index_elements=list(key))
    return stmt.on_conflict_do_update(index_elements=list(key),
                                      set_={c: stmt.excluded[c] for c in rest})


class SqlWriter:
    """Writes the planned changes of one seed run on a session ``s``."""

    def __init__(self, s, dialect_name: str):
        self.s, self.conn, self.dialect = s, s.conn, dialect_name

    # -- backup and delete -----------------------------------------------------------
    def backup(self, table: str, name: str, columns: tuple[str, ...], rows: list[dict]) -> None:
        """Copy the rows a reset deletes into ``name`` (a dbwork backup table)."""
        d = self.s.dialect
        self.s.execute(f"CREATE TABLE {quote(name, d)} AS SELECT * FROM {quote(table, d)} "
                       "WHERE 1 = 0")
        if rows:
            ins = sa.insert(table_clause(name, columns))
            self.conn.execute(ins, [{c: r[c] for c in columns} for r in rows])

    def delete(self, p: Prepared, rows: list[dict]) -> None:
        t = table_clause(p.table, p.key)
        where = sa.and_(*[t.c[k] == sa.bindparam(f"k_{k}") for k in p.key])
        params = [{f"k_{k}": r[k] for k in p.key} for r in rows]
        self._run(sa.delete(t).where(where), params, p, None, "delete")

    # -- upsert ----------------------------------------------------------------------
    def upsert(self, p: Prepared, change: TableChange, fks) -> list[int]:
        """New rows through the dialect's upsert, changed rows by an UPDATE on the key
        (an upsert's insert half is checked for NOT NULL before the conflict is seen);
        deferred FK columns go in as NULL. Returns the rows whose deferred columns
        still need their values."""
        later = deferred_columns(fks)
        updates = [i for i, _ in change.updates]
        for cols, idx in _groups(p, change.inserts):
            stmt = upsert_statement(p.table, cols, p.key, self.dialect)
            params = [{c: None if c in later else self._value(p, i, c) for c in cols}
                      for i in idx]
            self._run(stmt, params, p, idx, "write")
        for cols, idx in _groups(p, updates):
            rest = tuple(c for c in cols if c not in p.key)
            if rest:
                stmt, params = self._update(p, rest, idx, later)
                self._run(stmt, params, p, idx, "update")
        todo = sorted(change.inserts + updates)
        return [i for i in todo if any(p.rows[i].get(c) is not None for c in later)]

    def _update(self, p: Prepared, cols, idx, later=()):
        t = table_clause(p.table, cols + p.key)
        where = sa.and_(*[t.c[k] == sa.bindparam(f"k_{k}") for k in p.key])
        stmt = sa.update(t).where(where).values({c: sa.bindparam(f"v_{c}") for c in cols})
        params = [{**{f"k_{k}": self._value(p, i, k) for k in p.key},
                   **{f"v_{c}": None if c in later else self._value(p, i, c) for c in cols}}
                  for i in idx]
        return stmt, params

    def set_deferred(self, p: Prepared, fks, idx: list[int]) -> None:
        stmt, params = self._update(p, deferred_columns(fks), idx)
        self._run(stmt, params, p, idx, "set the deferred foreign key of")

    def _value(self, p: Prepared, i: int, c: str):
        return driver_value(p.rows[i].get(c), p.types[c], self.dialect)

    def _run(self, stmt, params: list[dict], p: Prepared, idx, what: str) -> None:
        if not params:
            return
        try:
            with self.conn.begin_nested():
                self.conn.execute(stmt, params)
        except sa.exc.DBAPIError as e:
            line = self._culprit(stmt, params, p, idx)
            raise SeedError(f"cannot {what} this row of {p.table}: {_reason(e)}; nothing of "
                            "the seed set was kept", source=p.source, line=line,
                            table=p.table) from None

    def _culprit(self, stmt, params, p: Prepared, idx) -> int | None:
        """The line of the first row the engine refuses on its own."""
        for n, one in enumerate(params):
            try:
                with self.conn.begin_nested():
                    self.conn.execute(stmt, [one])
            except sa.exc.DBAPIError:
                return p.lines[idx[n]] if idx is not None else None
        return None


def _groups(p: Prepared, idx: list[int]):
    """Row indexes grouped by the columns they give (one executemany per group)."""
    groups: dict[tuple, list[int]] = {}
    for i in sorted(idx):
        cols = tuple(c for c in p.columns if c in p.rows[i]) or p.key
        groups.setdefault(cols, []).append(i)
    return groups.items()


def drop_table(s, name: str) -> None:
    s.execute(f"DROP TABLE IF EXISTS {quote(name, s.dialect)}")


def _reason(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
    return mask_url(text)


# -- the fixing SQL as text --------------------------------------------------------------
def literal(v, dialect: str) -> str:
    """A canonical value as a SQL literal (for the text a drift report offers)."""
    v = values.to_driver(v, "")
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE") if get_dialect(dialect).boolean_literals else ("1" if v else "0")
    if isinstance(v, (int, float, Decimal)):
        return str(v)
    if isinstance(v, (dt.datetime,)):
        v = v.isoformat(" ")
    elif isinstance(v, (dt.date, dt.time)):
        v = v.isoformat()
    elif isinstance(v, (dict, list)):
        import json
        v = json.dumps(v, sort_keys=True)
    elif isinstance(v, bytes):
        return "X'" + v.hex() + "'"
    text = str(v).replace("'", "''")
    if get_dialect(dialect).backslash_escapes:
        text = text.replace("\\", "\\\\")
    return f"'{text}'"


def upsert_text(p: Prepared, idx: list[int], dialect) -> list[str]:
    """The upsert statements that make rows ``idx`` of ``p`` as the seed says."""
    d, out = dialect, []
    for i in idx:
        row = p.rows[i]
        cols = [c for c in p.columns if c in row]
        names = ", ".join(quote(c, d) for c in cols)
        vals = ", ".join(literal(row[c], d.name) for c in cols)
        rest = [c for c in cols if c not in p.key]
        head = f"INSERT INTO {quote(p.table, d)} ({names}) VALUES ({vals})"
        out.append(upsert_text_clause(d, head, p.key, rest) + ";")
    return out


@overridable
def upsert_text_clause(d, head: str, key: tuple[str, ...], rest: list[str]) -> str:
    """The INSERT ``head`` made an upsert on ``key`` that sets ``rest``, as text."""
    keys = ", ".join(quote(k, d) for k in key)
    if rest:
        sets = ", ".join(f"{quote(c, d)} = excluded.{quote(c, d)}" for c in rest)
        return f"{head} ON CONFLICT ({keys}) DO UPDATE SET {sets}"
    return f"{head} ON CONFLICT ({keys}) DO NOTHING"


def update_text(p: Prepared, idx: list[int], dialect) -> list[str]:
    """UPDATE statements that set the seed's values on rows that exist."""
    d, out = dialect, []
    for i in idx:
        row = p.rows[i]
        sets = ", ".join(f"{quote(c, d)} = {literal(row[c], d.name)}" for c in p.columns
                         if c in row and c not in p.key)
        if sets:
            where = " AND ".join(f"{quote(k, d)} = {literal(row[k], d.name)}" for k in p.key)
            out.append(f"UPDATE {quote(p.table, d)} SET {sets} WHERE {where};")
    return out


def delete_text(p: Prepared, rows: list[dict], dialect) -> list[str]:
    d = dialect
    return [f"DELETE FROM {quote(p.table, d)} WHERE " +
            " AND ".join(f"{quote(k, d)} = {literal(r[k], d.name)}" for k in p.key) + ";"
            for r in rows]
