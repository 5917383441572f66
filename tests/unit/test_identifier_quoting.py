"""One quoting rule per dialect, generated names within the engine's limit, and quoted
names kept from the parse to the rendered statement (pure, no database)."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import ParseError
from dbwork.model import Schema
from dbwork.parse.sql import parse_sql
from dbwork.plan.steps import plan_steps

PG, MY, LITE = (get_dialect(n) for n in ("postgresql", "mysql", "sqlite"))


@pytest.mark.parametrize("name, pg, my", [
    ("users", "users", "users"),
    ("User", '"User"', "`User`"),
    ("Order", '"Order"', "`Order`"),
    ("user", '"user"', "user"),          # reserved on PostgreSQL only
    ("select", '"select"', "`select`"),
    ("a b", '"a b"', "`a b`"),
    ('we"ird', '"we""ird"', '`we"ird`'),
    ("we`ird", '"we`ird"', "`we``ird`"),
    ("naïve", '"naïve"', "`naïve`"),
    ("1st", '"1st"', "`1st`"),
])
def test_quote_preserves_case_and_escapes(name, pg, my):
    assert PG.quote(name) == pg
    assert MY.quote(name) == my


def test_qualified_quotes_every_part():
    assert PG.qualified("app", "Order") == 'app."Order"'
    assert MY.qualified("db", "a`b") == "db.`a``b`"


def test_fit_keeps_short_names_and_shortens_long_ones_deterministically():
    assert PG.fit("x" * 63) == "x" * 63
    long_a, long_b = "ix_" + "a" * 70 + "_1", "ix_" + "a" * 70 + "_2"
    fa, fb = PG.fit(long_a), PG.fit(long_b)
    assert len(fa) == 63 and fa != fb and fa == PG.fit(long_a)
    wide = "é" * 40  # 80 bytes
    assert len(PG.fit(wide).encode()) <= 63 and len(MY.fit("é" * 70)) == 64
    assert LITE.fit("x" * 300) == "x" * 300  # SQLite keeps any length


def test_names_over_the_limit_are_cut_as_postgresql_cuts_them_and_refused_on_mysql():
    """PostgreSQL cuts a long name (a NOTICE) and real histories rely on it: the model
    names what the database makes, with a warning; MySQL refuses, so dbwork does."""
    p = parse_sql("CREATE TABLE t (" + "c" * 64 + " INTEGER);\n"
                  "CREATE INDEX " + "t_" + "é" * 31 + " ON t (" + "c" * 64 + ")", PG, Schema())
    assert [c.name for c in p.schema.table("t").columns] == ["c" * 63]
    assert p.ops[1].index.name == "t_" + "é" * 30 and p.ops[1].index.columns == ("c" * 63,)
    assert any("64 bytes long; postgresql cuts it to" in w for w in p.warnings)
    assert parse_sql("CREATE TABLE t (" + "c" * 63 + " INTEGER)", PG, Schema()).warnings == []
    with pytest.raises(ParseError, match="mysql keeps at most 64"):
        parse_sql("CREATE TABLE t (" + "c" * 65 + " INTEGER)", MY, Schema())


def test_generated_constraint_and_index_names_fit():
    table = "t" * 60
    s = parse_sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, abc INTEGER)", PG,
                  Schema()).schema
    p = parse_sql(f"ALTER TABLE {table} ADD UNIQUE (abc);\nCREATE INDEX ON {table} (abc)",
                  PG, s)
    names = [op.constraint.name for op in p.ops[:1]] + [p.ops[1].index.name]
    assert all(len(n) <= 63 for n in names) and len(set(names)) == 2


def test_quoted_enum_type_stays_quoted_in_every_statement():
    cell = ('CREATE TYPE "AccountType" AS ENUM (\'Free\', \'Pro\');\n'
            'CREATE TABLE "User" (id INTEGER PRIMARY KEY, kind "AccountType");')
    p = parse_sql(cell, PG, Schema())
    assert set(p.schema.enums) == {"AccountType"} and set(p.schema.tables) == {"User"}
    assert p.schema.enum_users("AccountType") == [("User", "kind")]
    statements = [s for st in plan_steps(p.ops, Schema(), PG) for s in st.forward + st.reverse]
    assert 'CREATE TYPE "AccountType" AS ENUM' in statements[0]
    assert any('CREATE TABLE "User"' in s and 'kind "AccountType"' in s for s in statements)
    assert 'DROP TYPE "AccountType"' in statements
    assert not any("AccountType" in s and '"AccountType"' not in s for s in statements)


def test_unquoted_names_fold_on_postgresql_only():
    cell = "CREATE TABLE Post (Id INTEGER PRIMARY KEY, \"userId\" INTEGER)"
    pg = parse_sql(cell, PG, Schema()).schema
    assert list(pg.tables) == ["post"]
    assert [c.name for c in pg.table("post").columns] == ["id", "userId"]
    my = parse_sql(cell.replace('"', "`"), MY, Schema()).schema
    assert list(my.tables) == ["Post"]


def test_alter_type_reads_quoted_and_folded_names():
    s = parse_sql("CREATE TYPE \"Odd \"\"Type\" AS ENUM ('a');\nCREATE TYPE mood AS ENUM ('x')",
                  PG, Schema()).schema
    p = parse_sql("ALTER TYPE \"Odd \"\"Type\" ADD VALUE 'b';\nALTER TYPE Mood ADD VALUE 'y'",
                  PG, s)
    assert [op.name for op in p.ops] == ['Odd "Type', "mood"]


# -- one quoting function ---------------------------------------------------------------
def test_every_layer_uses_the_one_quoting_function():
    """No module but dialects/base.py defines a quoting helper or asks SQLAlchemy's
    preparer itself: a second rule would drift from the first."""
    import ast
    from pathlib import Path

    import dbwork
    from dbwork.dialects import base
    from dbwork.render import data
    assert data.quote is base.quote
    root = Path(dbwork.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "base.py" and path.parent.name == "dialects" or "magics" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in ("quote", "_q", "_quote",
                                                                   "quote_ident", "q_ident"):
                offenders.append(f"{path.relative_to(root)}: def {node.name}")
            if isinstance(node, ast.Attribute) and node.attr in ("identifier_preparer",
                                                                 "quote_identifier"):
                offenders.append(f"{path.relative_to(root)}: .{node.attr}")
    assert offenders == []


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

_KEYWORDS = st.sampled_from(["User", "Order", "user", "select", "group", "from", "key",
                             "check", "limit", "table", "index", "primary", "default"])
_NAMES = st.one_of(_KEYWORDS, st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                                      min_size=1, max_size=64))


@settings(max_examples=150, derandomize=True, deadline=None, database=None)
@given(name=_NAMES)
def test_a_quoted_name_reads_back_exactly_in_every_dialect(name):
    """Whatever a name holds (case, keywords, quotes, spaces, unicode), the statement
    dbwork writes names exactly that table to the engine's own parser (sqlglot)."""
    import sqlglot
    from sqlglot import exp
    for d in (PG, MY, LITE):
        sql = f"SELECT {d.quote(name)} FROM {d.quote(name)}"
        tree = sqlglot.parse_one(sql, read=d.sqlglot)
        assert tree.find(exp.Table).name == name, (d.name, sql)
        assert tree.find(exp.Column).name == name, (d.name, sql)
        if d is not LITE:  # SQLite folds nothing; the others fold or match case-blind
            assert d.quote(name) == name or d.quote(name)[0] in '"`'
