"""Splitting and classifying real migration files (pure): dollar-quoted bodies,
comments and string literals; generated inverses; Prisma folder names."""
from __future__ import annotations

import pytest

from dbwork.adopt.history import existing_history, prisma_folders, prisma_name
from dbwork.dialects import get_dialect
from dbwork.errors import IrreversibleError, ParseError
from dbwork.model import Schema
from dbwork.ops.raw_ops import CreateExtension, DropExtension
from dbwork.parse.cell import split_statements
from dbwork.parse.sql import parse_sql
from dbwork.parse.sql_raw import inverse_of, is_raw_kind

PG = get_dialect("postgresql")

FILE = """-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
/* a block comment; with a semicolon */
CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $fn$
BEGIN
  NEW.note := 'a;b';  -- comment; inside
  RETURN NEW;
END;
$fn$ LANGUAGE plpgsql;
DO $$ BEGIN RAISE NOTICE $q$it's;$q$; END $$;
INSERT INTO t (note) VALUES ('x;y');
"""


def test_dollar_quoted_bodies_comments_and_strings_split_right():
    texts = [s.text for s in split_statements(FILE, "postgres")]
    assert len(texts) == 4
    assert texts[1].startswith("CREATE OR REPLACE FUNCTION") and texts[1].endswith("plpgsql")
    assert texts[2].startswith("DO $$") and texts[3].endswith("('x;y')")


def test_extension_statements_are_operations_with_inverses():
    p = parse_sql('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;', PG, Schema())
    assert p.ops == [CreateExtension("uuid-ossp", "public")]
    assert p.ops[0].reverse() == DropExtension("uuid-ossp", "public")
    assert parse_sql("DROP EXTENSION IF EXISTS citext;", PG, Schema()).ops == [DropExtension("citext")]


def test_extension_refused_off_postgresql():
    from dbwork.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="PostgreSQL"):
        parse_sql("CREATE EXTENSION citext;", get_dialect("mysql"), Schema())


@pytest.mark.parametrize("sql, inverse", [
    ('CREATE FUNCTION "public"."f"(a int, b text = \'x\') RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql',
     'DROP FUNCTION "public"."f"(a int, b text)'),
    ("CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$", "DROP PROCEDURE p()"),
    ('CREATE TRIGGER tr AFTER INSERT ON "Order" FOR EACH ROW EXECUTE PROCEDURE f()',
     'DROP TRIGGER tr ON "Order"'),
    ('CREATE VIEW "V" AS SELECT 1', 'DROP VIEW "V"'),
    ("CREATE OR REPLACE VIEW v AS SELECT 1", None),
    ("CREATE OR REPLACE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", None),
    ("DO $$ BEGIN END $$", None),
])
def test_generated_inverses(sql, inverse):
    assert inverse_of(sql, PG) == inverse


def test_code_needs_irreversible_but_a_typo_is_still_a_parse_error():
    assert is_raw_kind("GRANT SELECT ON t TO app") and is_raw_kind("CREATE POLICY p ON t USING (true)")
    with pytest.raises(IrreversibleError, match="irreversible=True"):
        parse_sql("DO $$ BEGIN END $$;", PG, Schema())
    with pytest.raises(ParseError, match="not understood"):
        parse_sql("CREATE TABLEE t (a int);", PG, Schema())
    ops = parse_sql("DO $$ BEGIN END $$;", PG, Schema(), allow_raw=True).ops
    assert ops[0].reverse_sql is None


def test_prisma_folders_any_name_in_name_order_and_skips_reported(tmp_path):
    mig = tmp_path / "prisma" / "migrations"
    for name in ("10_add_tag", "01_init", "20241231_add_x", "20230101000000_base", "0_init"):
        (mig / name).mkdir(parents=True)
        (mig / name / "migration.sql").write_text("SELECT 1;")
    (mig / "README").mkdir()
    (mig / "migration_lock.toml").write_text('provider = "postgresql"')
    found, skipped = prisma_folders(mig)
    assert [f.folder for f in found] == ["01_init", "0_init", "10_add_tag",
                                         "20230101000000_base", "20241231_add_x"]
    assert skipped == ["README: no migration.sql"]
    assert all(f.name[0].isalpha() for f in found)
    ids = [e.id for e in existing_history(tmp_path) if e.tool == "prisma"]
    assert ids == [f.folder for f in found]


def test_prisma_names_that_collide_are_reported(tmp_path):
    for name in ("01 init", "01_init"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "migration.sql").write_text("SELECT 1;")
    found, skipped = prisma_folders(tmp_path)
    assert len(found) == 1 and "taken by" in skipped[0]
    assert prisma_name("01 init") == "m01_init"


def test_cli_irreversible_records_a_forward_only_migration(tmp_path, capsys):
    from dbwork.cli import main
    db = tmp_path / "db.sqlite"
    f = tmp_path / "m.sql"
    f.write_text("CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
                 "CREATE VIEW IF NOT EXISTS v AS SELECT id FROM t;")
    args = ["--url", f"sqlite:///{db}", "--migrations", str(tmp_path / "mig")]
    assert main(args + ["migrate", "code", str(f)]) != 0  # IF NOT EXISTS: no certain inverse
    assert "--irreversible" in capsys.readouterr().err
    assert main(args + ["migrate", "code", str(f), "--irreversible"]) == 0
    capsys.readouterr()
    assert main(args + ["rollback"]) != 0
    assert "ForwardOnly" in capsys.readouterr().err
