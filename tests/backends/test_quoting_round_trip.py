"""Hostile names through every operation kind, applied and rolled back, on every engine.

Names like ``User``, ``Order``, ``select``, ``a b``, ``we"ird``, ``naïve`` and names at
the engine's length limit are used for tables, columns, indexes, constraints and (on
PostgreSQL) enum types. The cells quote them the way a person writes them (the test's
own quoting, not dbwork's); dbwork's checks, backups, restores and rollbacks must keep
every name exact. After the rollback, schema and rows equal the start.

The property test draws the names with hypothesis (derandomized, one example per
engine that draws a name per role: 16 hostile names; CI stays fast); the named hazards
go through one round trip per engine, one hazard per role, so every operation kind
meets several of them. About 1.5 min in all, against 5.5 min with a round trip per
name.
"""
from __future__ import annotations

import unicodedata

import pytest
import sqlalchemy as sa

from dbwork.dialects import get_dialect
from dbwork.introspect.compare import schema_differences
from dbwork.introspect.sql import is_internal



def dialect_of(backend: str) -> str:
    return "mysql" if backend == "mariadb" else backend


LIMIT = {"postgresql": 63, "mariadb": 64, "sqlite": 63}
ROLES = ("parent", "pk", "table", "a", "b", "n", "r", "newcol", "renamed", "index",
         "unique", "fk", "check", "moved", "enum", "ecol")


# -- the test's own quoting (what a person types), independent of dbwork's -------------
def q(name: str, backend: str) -> str:
    mark = "`" if backend == "mariadb" else '"'
    return mark + name.replace(mark, mark * 2) + mark


def names_for(base: str, backend: str) -> dict[str, str]:
    """One name per role, all built from ``base`` (so each role meets the hostile
    spelling), distinct even to a case-insensitive engine, none over the limit."""
    limit = LIMIT[backend]
    out = {}
    for i, role in enumerate(ROLES):
        tag = f"{i:02d}"
        # the name at the limit itself is used as the table's name, whole
        out[role] = base if role == "table" else _cut(base, limit - len(tag), backend) + tag
    return out


def names_per_role(bases: list[str], backend: str) -> dict[str, str]:
    """A name per role from its own base, tagged so that no two meet even on a
    case-insensitive engine, none over the limit."""
    limit = LIMIT[backend]
    return {role: _cut(base, limit - 2, backend) + f"{i:02d}"
            for i, (role, base) in enumerate(zip(ROLES, bases))}


def _cut(name: str, size: int, backend: str) -> str:
    """``name`` cut to ``size`` (bytes on PostgreSQL, characters elsewhere)."""
    while (len(name.encode()) if backend == "postgresql" else len(name)) > size:
        name = name[:-1]
    return name


# -- what must come back -----------------------------------------------------------------
def snapshot(wb):
    """(schema, rows of every user table) read through SQLAlchemy's reflection."""
    rows = {}
    with wb.backend.connect() as conn:
        md = sa.MetaData()
        for t in sorted(n for n in sa.inspect(conn).get_table_names() if not is_internal(n)):
            table = sa.Table(t, md, autoload_with=conn)
            got = conn.execute(sa.select(table)).all()
            rows[t] = sorted((tuple(sorted(r._mapping.items())) for r in got), key=repr)
        conn.rollback()
    return wb.schema(), rows


def cells(n: dict[str, str], backend: str) -> list[str]:
    """One migration per operation kind, in an order that keeps each one valid."""
    Q = lambda role: q(n[role], backend)  # noqa: E731
    t, p = Q("table"), Q("parent")
    out = [
        f"ALTER TABLE {t} ADD COLUMN {Q('newcol')} INTEGER",
        f"ALTER TABLE {t} DROP COLUMN {Q('b')}",
        f"ALTER TABLE {t} RENAME COLUMN {Q('a')} TO {Q('renamed')}",
        f"ALTER TABLE {t} ALTER COLUMN {Q('renamed')} TYPE VARCHAR(80)",
        f"ALTER TABLE {t} ALTER COLUMN {Q('n')} SET NOT NULL",
        f"ALTER TABLE {t} ALTER COLUMN {Q('n')} SET DEFAULT 7",
        f"CREATE INDEX {Q('index')} ON {t} ({Q('n')})",
        f"DROP INDEX {Q('index')}",
        f"ALTER TABLE {t} ADD CONSTRAINT {Q('unique')} UNIQUE ({Q('n')})",
        f"ALTER TABLE {t} ADD CONSTRAINT {Q('fk')} FOREIGN KEY ({Q('r')}) "
        f"REFERENCES {p} ({Q('pk')})",
        f"ALTER TABLE {t} ADD CONSTRAINT {Q('check')} CHECK ({Q('n')} > 0)",
        f"ALTER TABLE {t} DROP CONSTRAINT {Q('check')}",
        f"UPDATE {t} SET {Q('n')} = {Q('n')} + 100 WHERE {Q('pk')} = 1",
        f"DELETE FROM {t} WHERE {Q('pk')} = 2",
        f"ALTER TABLE {t} RENAME TO {Q('moved')}",
        f"DROP TABLE {Q('moved')}",
    ]
    if backend == "postgresql":
        out += [f"CREATE TYPE {Q('enum')} AS ENUM ('one', 'two');\n"
                f"ALTER TABLE {p} ADD COLUMN {Q('ecol')} {Q('enum')}",
                f"ALTER TYPE {Q('enum')} ADD VALUE 'three'"]
    return out


def setup_cell(n: dict[str, str], backend: str) -> str:
    Q = lambda role: q(n[role], backend)  # noqa: E731
    t, p = Q("table"), Q("parent")
    return (
        f"CREATE TABLE {p} ({Q('pk')} INTEGER PRIMARY KEY);\n"
        f"CREATE TABLE {t} ({Q('pk')} INTEGER PRIMARY KEY, {Q('a')} VARCHAR(20), "
        f"{Q('b')} INTEGER, {Q('n')} INTEGER, {Q('r')} INTEGER);\n"
        f"INSERT INTO {p} ({Q('pk')}) VALUES (1), (2);\n"
        f"INSERT INTO {t} ({Q('pk')}, {Q('a')}, {Q('b')}, {Q('n')}, {Q('r')}) VALUES "
        f"(1, 'x', 10, 1, 1), (2, 'y', 20, 2, 2), (3, NULL, 30, 3, NULL);\n"
        f"-- migrate:down\nDROP TABLE {t};\nDROP TABLE {p};\n")


def round_trip(wb, backend: str, base: str | None = None, tag: str = "",
               names: dict[str, str] | None = None) -> None:
    """Set up, snapshot, apply every operation kind, roll them all back, compare;
    then undo the setup so the database is empty again."""
    n = names if names is not None else names_for(base, backend)
    dialect = get_dialect(dialect_of(backend))
    wb.migrate(f"setup_{tag}", setup_cell(n, backend))
    start_schema, start_rows = snapshot(wb)
    # names arrive exactly as written: case, quotes, spaces, accents
    assert {n["table"], n["parent"]} <= set(start_schema.tables)
    steps = cells(n, backend)
    for i, text in enumerate(steps):
        m = wb.migrate(f"op_{tag}_{i}", text, allow_data_loss=True)
        assert m.status == "applied", text
    after_schema, _ = snapshot(wb)
    assert n["table"] not in after_schema.tables and n["moved"] not in after_schema.tables
    back = wb.rollback(steps=len(steps))
    assert [m.status for m in back] == ["rolled_back"] * len(steps)
    end_schema, end_rows = snapshot(wb)
    assert schema_differences(start_schema, end_schema, dialect) == []
    assert end_rows == start_rows
    wb.rollback()  # the setup
    assert snapshot(wb)[1] == {}


# Every named hazard in one round trip per engine (each round trip is ~10 s on a busy
# machine): tables and columns carry the hazards exactly as written, the names that
# share PostgreSQL's relation namespace (indexes, constraints, the enum) carry them
# with a tag, and the main table's name is at the engine's length limit.
NAMED = {"parent": "User", "moved": "select", "pk": "Order", "a": 'we"ird', "b": "a b",
         "n": "naïve", "r": "group", "newcol": "user", "renamed": "from",
         "index": "Order", "unique": "user", "fk": 'we"ird', "check": "a b",
         "enum": "User", "ecol": "select"}
EXACT = ("parent", "moved", "pk", "a", "b", "n", "r", "newcol", "renamed", "ecol")


def named_names(backend: str) -> dict[str, str]:
    """One hostile name per role (see NAMED); the table's name is at the limit."""
    out = {role: name if role in EXACT else f"{name}{i:02d}"
           for i, (role, name) in enumerate(NAMED.items())}
    out["table"] = ("L" + "x" * 80)[:LIMIT[backend]]
    return out


def test_named_identifiers_round_trip(backend, wb):
    round_trip(wb, backend, names=named_names(backend), tag="n")


# -- the property test --------------------------------------------------------------------
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

RESERVED = ["User", "Order", "user", "select", "group", "table", "from", "where", "key",
            "index", "check", "primary", "limit", "offset", "column", "default"]
_ALPHABET = st.sampled_from(list("aZqÉéßø _\"'$0921") + ["ü", "名", "Ж"])


def _fits(name: str, backend: str) -> bool:
    limit = LIMIT[backend]
    size = len(name.encode()) if backend == "postgresql" else len(name)
    # a trailing space is not kept by MariaDB; NUL and unnormalised text are not names
    return 0 < size <= limit and name == name.rstrip() and \
        unicodedata.normalize("NFC", name) == name and name[0] != " "


def hostile_names(backend: str):
    """Mixed case, reserved words, spaces, quotes, unicode, names at the limit."""
    words = st.text(_ALPHABET, min_size=1, max_size=12).map(lambda s: "N" + s)
    reserved = st.sampled_from(RESERVED)
    mixed = st.tuples(reserved, words).map(lambda p: p[0] + p[1])
    at_limit = words.map(lambda s: _cut(s * 70, LIMIT[backend] - 4, backend) + "Ende")
    return st.one_of(reserved, words, mixed, at_limit).filter(lambda s: _fits(s, backend))


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql", "mariadb"])
def test_generated_identifiers_round_trip(backend_name, make_wb):
    wb = make_wb(backend_name)
    counter = iter(range(10_000))

    @settings(max_examples=1, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(bases=st.lists(hostile_names(backend_name), min_size=len(ROLES),
                          max_size=len(ROLES)))
    def check(bases):
        # one drawn name per role, so one example meets many; each example leaves the
        # database empty again, so one database serves all
        round_trip(wb, backend_name, tag=f"g{next(counter)}",
                   names=names_per_role(bases, backend_name))

    check()


def test_unquoted_names_fold_as_postgresql_folds_them(make_wb):
    """``CREATE TABLE Post`` makes ``post`` on PostgreSQL: dbwork's model, its backups
    of ``UPDATE Post`` and its rollback name the table PostgreSQL made; a quoted
    ``"AccountType"`` keeps its case in the type and in every reference to it."""
    wb = make_wb("postgresql")
    wb.migrate("init", 'CREATE TYPE "AccountType" AS ENUM (\'Free\', \'Pro\');\n'
                       'CREATE TABLE Post (Id INTEGER PRIMARY KEY, Kind "AccountType", N INTEGER);\n'
                       "INSERT INTO Post (Id, Kind, N) VALUES (1, 'Pro', 5)\n"
                       "-- migrate:down\nDROP TABLE post;\nDROP TYPE \"AccountType\"")
    schema = wb.schema()
    assert set(schema.tables) == {"post"} and set(schema.enums) == {"AccountType"}
    assert [c.name for c in schema.table("post").columns] == ["id", "kind", "n"]
    # every row of the table (1 of 1): consent (issue 11 point 8)
    m = wb.migrate("bump", "UPDATE Post SET N = N + 1 WHERE ID = 1", allow_data_loss=True)
    assert "back up rows of post" in m.up
    wb.migrate("more", "ALTER TYPE \"AccountType\" ADD VALUE 'Team'")
    wb.rollback(steps=2)
    with wb.backend.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM post").scalar() == 5
        labels = conn.exec_driver_sql(
            "SELECT enum_range(NULL::\"AccountType\")::text").scalar()
    assert labels == "{Free,Pro}"
