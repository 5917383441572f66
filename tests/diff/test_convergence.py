"""Desired-state migrations converge on real servers: plan, apply, introspect, plan
again = nothing; and the rollback brings the starting schema and rows back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import sys
from pathlib import Path

from dbwork.diff import plan_desired

sys.path.insert(0, str(Path(__file__).parent))
from dbwork.introspect.compare import schema_differences

BASE = """
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email VARCHAR(100) NOT NULL,
  name VARCHAR(50),
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  title VARCHAR(200) NOT NULL,
  body TEXT
);
CREATE INDEX ix_posts_user ON posts (user_id);
"""

CASES = {
    "create_from_nothing": ("", BASE),
    "add_column_not_null_default": (BASE, BASE.replace(
        "body TEXT", "body TEXT,\n  views INTEGER NOT NULL DEFAULT 0")),
    "drop_column": (BASE, BASE.replace(",\n  body TEXT", "")),
    "rename_column_hint": (BASE, BASE.replace(
        "  name VARCHAR(50),", "  full_name VARCHAR(50), -- dbwork:renamed_from name")),
    "rename_table_hint": (BASE, BASE.replace(
        "CREATE TABLE posts (", "CREATE TABLE articles ( -- dbwork:renamed_from posts")
        .replace("ON posts", "ON articles")),
    "widen_type": (BASE, BASE.replace("email VARCHAR(100)", "email VARCHAR(300)")),
    "nullability_both_ways": (BASE, BASE.replace("name VARCHAR(50),", "name VARCHAR(50) NOT NULL DEFAULT 'x',")
                              .replace("title VARCHAR(200) NOT NULL", "title VARCHAR(200)")),
    "change_default": (BASE, BASE.replace("DEFAULT TRUE", "DEFAULT FALSE")),
    "indexes_and_unique": (BASE, BASE.replace(
        "CREATE INDEX ix_posts_user ON posts (user_id);",
        "CREATE UNIQUE INDEX ux_users_email ON users (email);\n"
        "CREATE INDEX ix_posts_title ON posts (title);")),
    "new_table_with_fk_and_check": (BASE, BASE + """
CREATE TABLE user_settings (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  theme VARCHAR(10) NOT NULL DEFAULT 'light' CHECK (theme IN ('light', 'dark')),
  UNIQUE (user_id)
);"""),
    "drop_referenced_table": (BASE, BASE.split("CREATE TABLE posts")[0]),
    "add_unique_and_check": (BASE, BASE.replace(
        "active BOOLEAN NOT NULL DEFAULT TRUE",
        "active BOOLEAN NOT NULL DEFAULT TRUE,\n  CONSTRAINT uq_users_email UNIQUE (email),\n"
        "  CONSTRAINT ck_users_email CHECK (email <> '')")),
}

SEED = ("INSERT INTO users (id, email, name, active) VALUES (1, 'a@x', 'Ann', TRUE);\n"
        "INSERT INTO posts (id, user_id, title, body) VALUES (1, 1, 'hello', 'text');\n"
        "-- migrate:down\nDELETE FROM posts;\nDELETE FROM users;\n")


def _rows(wb):
    engine = sa.create_engine(wb.url.sqlalchemy_url())
    out = {}
    with engine.connect() as c:
        for t in sorted(wb.schema().tables):
            out[t] = sorted(map(tuple, c.execute(sa.text(f"SELECT * FROM {t}")).fetchall()),
                            key=repr)
    engine.dispose()
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_desired_state_converges_and_rolls_back(bench, case):
    before, desired = CASES[case]
    if before:
        bench.migrate("before", before)
        bench.migrate("seed", SEED)
    start_schema, start_rows = bench.schema(), _rows(bench)
    m = bench.migrate("desired", desired, desired=True, allow_data_loss=True)
    assert m.status == "applied" and m.steps, case
    live = bench.schema()
    again = plan_desired(desired, live, bench.dialect)
    assert again.ops == [], [op.describe() for op in again.ops]
    bench.rollback()
    assert schema_differences(start_schema, bench.schema(), bench.dialect) == []
    assert _rows(bench) == start_rows


def test_rename_keeps_rows(bench):
    bench.migrate("before", BASE)
    bench.migrate("seed", SEED)
    desired = CASES["rename_column_hint"][1]
    m = bench.migrate("rename", desired, desired=True)
    assert [s.comment for s in m.steps] == ["rename column users.name to full_name"]
    engine = sa.create_engine(bench.url.sqlalchemy_url())
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT full_name FROM users")).scalar() == "Ann"
    engine.dispose()


def test_migrate_to_models_and_prisma_converge(bench, tmp_path, backend):
    from dbwork.diff.desired import plan_schema
    from dbwork.diff.models import schema_from_metadata
    from dbwork.diff.prisma import schema_from_prisma
    from test_diff_unit import PRISMA, Base
    m = bench.migrate_to("models", Base)
    assert m.status == "applied" and set(bench.schema().tables) == {"users", "posts"}
    live = bench.schema()
    assert plan_schema(schema_from_metadata(Base, bench.dialect), live, bench.dialect).ops == []
    assert "already applied" in bench.migrate_to("models", Base).notes[0]
    bench.rollback()
    if backend == "mariadb":
        return  # Prisma's MySQL provider: not covered here
    path = tmp_path / "schema.prisma"
    path.write_text(PRISMA)
    m = bench.migrate_to("prisma", str(path))
    assert m.status == "applied"
    want = schema_from_prisma(PRISMA, bench.dialect)
    assert plan_schema(want, bench.schema(), bench.dialect).ops == []
