"""Adoption on real projects: an Alembic project run with alembic.command on SQLite and
PostgreSQL, a Prisma migrations folder with its _prisma_migrations table; baseline,
a new dbwork migration, export back into the project's format, and schema docs."""
from __future__ import annotations

import os
import textwrap

import pytest
import sqlalchemy as sa

import dbwork
from freshdb import create_database
from dbwork.adopt import existing_history

REV1 = '''"""create users

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("email", sa.String(100), nullable=False))


def downgrade():
    op.drop_table("users")
'''
REV2 = '''"""add posts"""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"


def upgrade():
    op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")))


def downgrade():
    op.drop_table("posts")
'''


def _alembic_project(root, url):
    from alembic.config import Config
    (root / "alembic" / "versions").mkdir(parents=True)
    (root / "alembic" / "env.py").write_text(textwrap.dedent("""
        from alembic import context
        from sqlalchemy import create_engine
        url = context.config.get_main_option("sqlalchemy.url")
        with create_engine(url).connect() as connection:
            context.configure(connection=connection, target_metadata=None)
            with context.begin_transaction():
                context.run_migrations()
        """))
    (root / "alembic" / "script.py.mako").write_text("")
    (root / "alembic" / "versions" / "a1_create_users.py").write_text(REV1)
    (root / "alembic" / "versions" / "b2_add_posts.py").write_text(REV2)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = alembic\n")
    cfg = Config(str(root / "alembic.ini"))
    cfg.set_main_option("script_location", str(root / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


@pytest.fixture(params=("sqlite", "postgresql"))
def database(request, tmp_path):
    url, drop = create_database(request.param, tmp_path)
    yield url
    drop()


def test_alembic_project_adopt_migrate_export(database, tmp_path):
    from alembic import command
    from dbwork.url import DatabaseURL
    sa_url = DatabaseURL.parse(database).sqlalchemy_url()
    project = tmp_path / "project"
    cfg = _alembic_project(project, sa_url)
    command.upgrade(cfg, "a1")
    h = existing_history(project, database)
    assert [(e.tool, e.id, e.applied) for e in h] == [("alembic", "a1", True),
                                                      ("alembic", "b2", False)]
    command.upgrade(cfg, "head")
    assert [e.applied for e in existing_history(project, database)] == [True, True]
    assert list(h.to_frame().columns) == ["tool", "id", "name", "file", "applied"]

    wb = dbwork.connect(database, migrations=tmp_path / "migrations")
    base = wb.adopt()
    assert base.status == "applied" and "CREATE TABLE" in base.up.upper()
    assert list(wb.history()["status"]) == ["applied"]
    assert wb.pending() == []
    m = wb.migrate("add_bio", "ALTER TABLE users ADD COLUMN bio TEXT;")
    assert m.parent == base.version

    # the baseline builds the schema on a fresh database through upgrade()
    fresh = dbwork.connect(f"sqlite:///{tmp_path / 'fresh.sqlite'}",
                           migrations=tmp_path / "migrations") if database.startswith(
        "sqlite") else None
    if fresh is not None:
        assert [x.name for x in fresh.upgrade()] == ["baseline", "add_bio"]
        assert set(fresh.schema().tables) == {"users", "posts"}
        fresh.close()

    # export back to Alembic and let Alembic run it on a database at the old head
    wb.rollback()
    path = wb.export(m.version, "alembic", project)
    assert path.parent.name == "versions"
    h = existing_history(project, database)
    assert [e.id for e in h][:2] == ["a1", "b2"] and h[2].parent == "b2"
    assert h[2].applied is False
    command.upgrade(cfg, "head")
    assert wb.schema().table("users").has_column("bio")
    assert [e.applied for e in existing_history(project, database)] == [True, True, True]
    command.downgrade(cfg, "b2")
    assert not wb.schema().table("users").has_column("bio")
    wb.close()


def test_prisma_folder_and_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    mig = tmp_path / "prisma" / "migrations"
    for name, sql in (("20240101000000_init", "CREATE TABLE users (id INTEGER PRIMARY KEY);"),
                      ("20240202000000_posts", "CREATE TABLE posts (id INTEGER PRIMARY KEY);")):
        (mig / name).mkdir(parents=True)
        (mig / name / "migration.sql").write_text(sql)
    (mig / "migration_lock.toml").write_text('provider = "sqlite"\n')
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.exec_driver_sql(
            "CREATE TABLE _prisma_migrations (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, "
            "finished_at DATETIME, migration_name TEXT NOT NULL, logs TEXT, "
            "rolled_back_at DATETIME, started_at DATETIME NOT NULL DEFAULT current_timestamp, "
            "applied_steps_count INTEGER NOT NULL DEFAULT 0)")
        c.exec_driver_sql((mig / "20240101000000_init" / "migration.sql").read_text())
        c.exec_driver_sql("INSERT INTO _prisma_migrations VALUES ('x', 'c', "
                          "'2024-01-01', '20240101000000_init', NULL, NULL, '2024-01-01', 1)")
    engine.dispose()
    h = existing_history(tmp_path, url)
    assert [(e.tool, e.name, e.applied) for e in h] == [("prisma", "init", True),
                                                        ("prisma", "posts", False)]
    wb = dbwork.connect(url, migrations=tmp_path / "migrations", docs=tmp_path / "docs/schema.md")
    wb.adopt()
    m = wb.migrate("add_email", "ALTER TABLE users ADD COLUMN email TEXT;")
    path = wb.export("add_email", "prisma", tmp_path)
    assert path.parent.name == f"{m.version}_add_email"
    assert "ALTER TABLE users ADD COLUMN email TEXT;" in path.read_text()
    assert [e.name for e in existing_history(tmp_path)][-1] == "add_email"
    doc = (tmp_path / "docs" / "schema.md").read_text()
    assert "| email | TEXT | yes |" in doc and "_prisma_migrations" in doc
    assert (tmp_path / "docs" / "schema.dot").exists()
    wb.rollback()
    assert "| email |" not in (tmp_path / "docs" / "schema.md").read_text()
    wb.close()


def test_flyway_dbmate_django_listing(tmp_path):
    (tmp_path / "sql").mkdir()
    for f in ("V1__init.sql", "V2__add_users.sql", "V10__later.sql"):
        (tmp_path / "sql" / f).write_text("SELECT 1;")
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "db" / "migrations" / "20240101120000_create_x.sql").write_text("-- migrate:up\n")
    app = tmp_path / "shop" / "migrations"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "0001_initial.py").write_text("")
    h = existing_history(tmp_path)
    assert [(e.tool, e.id) for e in h] == [
        ("flyway", "1"), ("flyway", "2"), ("flyway", "10"),
        ("django", "shop.0001_initial"), ("dbmate", "20240101120000")]
    wb = dbwork.connect(f"sqlite:///{tmp_path / 'f.sqlite'}", migrations=tmp_path / "m")
    m = wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    out = wb.export(m.version, "flyway", tmp_path / "sql")
    assert out.name == "V11__t.sql" and (tmp_path / "sql" / "U11__t.sql").exists()
    wb.close()
