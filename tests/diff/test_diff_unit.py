"""The pure diff: order, renames, ambiguity, models and Prisma (no database)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dbwork.dialects import get_dialect
from dbwork.diff import RenameAmbiguity, diff, plan_desired
from dbwork.diff.desired import desired_schema
from dbwork.diff.models import schema_from_metadata
from dbwork.diff.prisma import schema_from_prisma
from dbwork.introspect.compare import schema_differences
from dbwork.model import Schema
from dbwork.ops import AddConstraint, CreateTable, DropConstraint, DropTable

PG = get_dialect("postgresql")
BASE = """CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50), email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));"""


def live(text=BASE, dialect=PG):
    return desired_schema(text, dialect)


def test_column_rename_without_hint_asks_with_the_hint_line():
    want = BASE.replace("name VARCHAR(50)", "full_name VARCHAR(50)")
    with pytest.raises(RenameAmbiguity) as e:
        plan_desired(want, live(), PG)
    assert e.value.candidates == [("column", "users", "name", "full_name")]
    assert "full_name VARCHAR(50),  -- dbwork:renamed_from name" in str(e.value)
    assert "allow_data_loss" in str(e.value)
    ops = plan_desired(want, live(), PG, allow_data_loss=True).ops
    assert [o.describe() for o in ops] == [
        "drop column users.name (VARCHAR(50)) and its values",
        "add column users.full_name VARCHAR(50) NULL"]


def test_hints_make_renames_and_converge():
    want = ("CREATE TABLE people ( -- dbwork:renamed_from users\n"
            "  id INTEGER PRIMARY KEY,\n  full_name VARCHAR(50), -- dbwork:renamed_from name\n"
            "  email TEXT);\n"
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES people (id));")
    p = plan_desired(want, live(), PG)
    assert [o.describe() for o in p.ops] == ["rename table users to people",
                                             "rename column people.name to full_name"]
    after = live()
    for op in p.ops:
        after = op.apply(after)
    assert plan_desired(want, after, PG).ops == []


def test_table_rename_without_hint_asks():
    want = BASE.replace("CREATE TABLE posts", "CREATE TABLE articles")
    with pytest.raises(RenameAmbiguity) as e:
        plan_desired(want, live(), PG)
    assert e.value.candidates == [("table", "posts", "posts", "articles")]
    assert "CREATE TABLE articles (  -- dbwork:renamed_from posts" in str(e.value)


def test_drop_order_fk_before_table_and_create_before_fk():
    ops = diff(live(), Schema(), PG)
    assert isinstance(ops[0], DropConstraint) and ops[0].table == "posts"
    assert all(isinstance(o, DropTable) for o in ops[1:])
    assert all(o.table.columns for o in ops[1:])  # drops carry the live tables
    cyc = desired_schema("CREATE TABLE a (id INT PRIMARY KEY, b_id INT REFERENCES b (id));"
                         "CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a (id));",
                         get_dialect("sqlite")) if False else None
    ops = diff(Schema(), live(), PG)
    assert [o.table.name for o in ops if isinstance(o, CreateTable)] == ["users", "posts"]


def test_cycle_creates_tables_then_adds_the_key():
    from dataclasses import replace
    from dbwork.model import ForeignKey
    s = live()
    users = s.table("users")
    s = s.replacing(replace(users, foreign_keys=(ForeignKey(("id",), "posts", ("id",)),)))
    ops = diff(Schema(), s, PG)
    assert [type(o).__name__ for o in ops] == ["CreateTable", "CreateTable", "AddConstraint"]
    assert isinstance(ops[-1], AddConstraint)


def test_desired_text_must_be_create_statements():
    from dbwork.errors import ParseError
    with pytest.raises(ParseError):
        plan_desired("CREATE TABLE t (id INT); DROP TABLE t;", Schema(), PG)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(200), unique=True)
    active: Mapped[bool] = mapped_column(server_default=sa.text("true"))
    __table_args__ = (sa.CheckConstraint("email <> ''", name="ck_email"),)


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    title: Mapped[str | None] = mapped_column(sa.String(100))


def test_models_match_the_same_sql():
    sql = """CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE,
      active BOOLEAN NOT NULL DEFAULT true, CONSTRAINT ck_email CHECK (email <> ''));
    CREATE TABLE posts (id SERIAL PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, title VARCHAR(100));
    CREATE INDEX ix_posts_user_id ON posts (user_id);"""
    models = schema_from_metadata(Base, PG)
    assert diff(desired_schema(sql, PG), models, PG) == []
    assert schema_differences(desired_schema(sql, PG), models, PG) == []


PRISMA = """
datasource db { provider = "postgresql"  url = env("DATABASE_URL") }
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique @db.VarChar(200)
  name      String?
  createdAt DateTime @default(now()) @map("created_at")
  settings  UserSettings?
  @@map("users")
}
model UserSettings {
  id      Int     @id @default(autoincrement())
  userId  Int     @unique @map("user_id")
  theme   String  @default("light")
  notify  Boolean @default(true)
  user    User    @relation(fields: [userId], references: [id], onDelete: Cascade)
  @@index([theme])
  @@map("user_settings")
}
"""


def test_prisma_schema():
    s = schema_from_prisma(PRISMA, PG)
    u, st = s.table("users"), s.table("user_settings")
    assert [(c.name, c.type, c.nullable) for c in u.columns] == [
        ("id", "INTEGER", False), ("email", "VARCHAR(200)", False), ("name", "TEXT", True),
        ("created_at", "TIMESTAMP(3)", False)]
    fk = st.foreign_keys[0]
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.name) == (
        ("user_id",), "users", ("id",), "CASCADE", "user_settings_user_id_fkey")
    assert [(i.name, i.unique) for i in st.indexes] == [
        ("user_settings_theme_idx", False), ("user_settings_user_id_key", True)]
    assert st.column("theme").default == "'light'" and st.column("notify").default == "TRUE"
