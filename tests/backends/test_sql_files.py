"""Real migration files (issue 10 points 4 and 6), reproduced as small fixtures of the
constructs found in public Prisma histories: extensions, DO blocks, functions,
triggers, views, forward-only migrations, data statements with an automatic reverse,
and a MariaDB failure undone in dependency order."""
from __future__ import annotations

import pytest

from dbwork.errors import ForwardOnly, IrreversibleError, MigrationFailed


@pytest.fixture
def pg(make_wb):
    return make_wb("postgresql")


@pytest.fixture
def maria(make_wb):
    return make_wb("mariadb")


def _extensions(wb) -> set[str]:
    with wb.backend.session() as s:
        return {r[0] for r in s.query("SELECT extname FROM pg_extension")}


def test_create_extension_is_rolled_back_by_drop_extension(pg):
    m = pg.migrate("ext", 'CREATE EXTENSION IF NOT EXISTS "pg_trgm";\n'
                          'CREATE TABLE "User" (id INT PRIMARY KEY, name TEXT);')
    assert "DROP EXTENSION IF EXISTS pg_trgm" in m.down
    assert "pg_trgm" in _extensions(pg)
    pg.rollback()
    assert "pg_trgm" not in _extensions(pg) and not pg.schema().tables


def test_extension_installed_already_is_not_dropped_by_the_rollback(pg):
    pg.migrate("first", "CREATE EXTENSION citext;")
    m = pg.migrate("again", "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE t (id INT);")
    assert "EXTENSION" not in m.down and any("installed already" in w for w in m.warnings)
    pg.rollback()
    assert "citext" in _extensions(pg)


def test_do_block_needs_irreversible_and_then_refuses_rollback_by_name(pg):
    pg.migrate("base", 'CREATE TABLE "Order" (id INT PRIMARY KEY, note TEXT);')
    block = ("DO $$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x;y') THEN\n"
             "    RAISE NOTICE 'semicolon; inside';\n  END IF;\nEND $$;\n"
             'ALTER TABLE "Order" ADD COLUMN total INT;')
    with pytest.raises(IrreversibleError, match="irreversible=True"):
        pg.migrate("block", block)
    m = pg.migrate("block", block, irreversible=True)
    assert m.forward_only == (1,) and len(m.steps) == 2
    assert "forward-only: 1" in open(m.path).read()      # the file keeps it (upgrade path)
    with pytest.raises(ForwardOnly, match="block") as e:
        pg.rollback()
    assert e.value.name == "block"
    assert pg.schema().table("Order").has_column("total")  # nothing was rolled back
    assert pg.history().set_index("name").loc["block", "status"] == "applied"


def test_function_trigger_and_view_get_generated_inverses(pg):
    pg.migrate("base", 'CREATE TABLE "User" (id INT PRIMARY KEY, "updatedAt" TIMESTAMP);')
    before = pg.schema()
    text = ('CREATE FUNCTION add_one(a integer DEFAULT 0) RETURNS integer AS $$ SELECT a + 1; $$ '
            'LANGUAGE sql;\n'
            'CREATE FUNCTION touch() RETURNS trigger AS $body$\n'
            'BEGIN NEW."updatedAt" := now(); RETURN NEW; END;\n$body$ LANGUAGE plpgsql;\n'
            'CREATE TRIGGER "User_touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION touch();\n'
            'CREATE VIEW "UserView" AS SELECT id FROM "User";\n'
            'CREATE MATERIALIZED VIEW user_ids AS SELECT id FROM "User";')
    m = pg.migrate("code", text)
    assert not m.forward_only
    assert 'DROP TRIGGER "User_touch" ON "User"' in m.down
    assert "DROP FUNCTION add_one(a integer)" in m.down and "DROP FUNCTION touch()" in m.down
    pg.rollback()
    with pg.backend.session() as s:
        assert not s.query("SELECT 1 FROM pg_proc WHERE proname IN ('touch', 'add_one')")
        assert not s.query("SELECT 1 FROM pg_class WHERE relname IN ('UserView', 'user_ids')")
    assert pg.schema() == before


def test_create_or_replace_function_is_forward_only(pg):
    text = "CREATE OR REPLACE FUNCTION one() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;"
    with pytest.raises(IrreversibleError):
        pg.migrate("f", text)
    assert pg.migrate("f", text, irreversible=True).forward_only == (1,)


def _rows(wb, sql):
    with wb.backend.session() as s:
        return sorted(s.query(sql))


def test_insert_select_on_conflict_and_update_from_alias_reverse_from_backup(pg):
    pg.migrate("base", 'CREATE TABLE "User" (id INT PRIMARY KEY, name TEXT);\n'
                       'CREATE TABLE "Team" (id INT PRIMARY KEY, "ownerId" INT, label TEXT);\n'
                       "INSERT INTO \"User\" VALUES (1, 'a'), (2, 'b');\n"
                       "INSERT INTO \"Team\" VALUES (10, 1, NULL), (20, 2, NULL);")
    start_u = _rows(pg, 'SELECT * FROM "User"')
    start_t = _rows(pg, 'SELECT * FROM "Team"')
    m = pg.migrate("data", 'INSERT INTO "User" (id, name) SELECT id + 100, label FROM "Team";\n'
                           "INSERT INTO \"User\" (id, name) VALUES (1, 'z') "
                           "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;\n"
                           'UPDATE "Team" t SET label = u.name FROM "User" u WHERE t."ownerId" = u.id;\n'
                           'DELETE FROM "User" u WHERE u.id = 2;',
                   allow_data_loss=True)  # the UPDATE touches every Team row: consent
    assert not m.forward_only
    assert _rows(pg, 'SELECT * FROM "Team"') == [(10, 1, "z"), (20, 2, "b")]
    pg.rollback()
    assert _rows(pg, 'SELECT * FROM "User"') == start_u
    assert _rows(pg, 'SELECT * FROM "Team"') == start_t


def test_insert_rollback_deletes_the_keys_it_added_on_mariadb(maria):
    maria.migrate("base", "CREATE TABLE `User` (id INT PRIMARY KEY, name TEXT);\n"
                          "INSERT INTO `User` VALUES (1, 'a');")
    maria.migrate("more", "INSERT INTO `User` (id, name) VALUES (2, 'b'), (3, 'c');")
    maria.rollback()
    assert _rows(maria, "SELECT * FROM `User`") == [(1, "a")]


TWO_TABLES = ("CREATE TABLE `User` (id INT NOT NULL, name VARCHAR(20), PRIMARY KEY (id));\n"
              "CREATE TABLE `Post` (id INT NOT NULL, `userId` INT NOT NULL, body TEXT, "
              "PRIMARY KEY (id), CONSTRAINT `Post_userId_fkey` FOREIGN KEY (`userId`) "
              "REFERENCES `User` (id));\n")


def test_mariadb_failure_after_two_tables_leaves_the_database_as_it_was(maria):
    maria.migrate("keep", "CREATE TABLE other (id INT PRIMARY KEY);")
    start = maria.schema()
    bad = TWO_TABLES + "ALTER TABLE `Post` ADD CONSTRAINT `bad` FOREIGN KEY (body) REFERENCES `User` (name);"
    with pytest.raises(MigrationFailed, match="as it was") as e:
        maria.migrate("two", bad)
    assert e.value.undone
    assert maria.schema() == start
    hist = maria.history().set_index("name")
    assert hist.loc["two", "status"] == "rolled_back" and hist.loc["keep", "status"] == "applied"


def test_mariadb_explicit_down_in_the_wrong_order_is_undone_in_dependency_order(maria):
    start = maria.schema()
    # the down section drops User first: MariaDB refuses (1451) while Post references it
    text = (TWO_TABLES + "INSERT INTO `Post` VALUES (1, 99, 'x');\n"
            "-- migrate:down\nDROP TABLE `User`;\nDROP TABLE `Post`;")
    with pytest.raises(MigrationFailed) as e:
        maria.migrate("wrong_order", text)
    assert e.value.undone
    assert maria.schema() == start


def test_prisma_enum_swap_and_restated_alter_columns_roll_back_with_data(pg):
    pg.migrate("base", '''CREATE TYPE "Kind" AS ENUM ('SPAN', 'EVENT', 'OLD');
CREATE TABLE "obs" (id TEXT PRIMARY KEY, "type" "Kind" NOT NULL,
  "startedAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL, x INT DEFAULT 0);
INSERT INTO "obs" (id, "type", x) VALUES ('a', 'SPAN', 1), ('b', 'EVENT', 2);''')
    before, rows = pg.schema(), _rows(pg, 'SELECT id, "type"::text, x FROM "obs"')
    m = pg.migrate("swap", '''BEGIN;
CREATE TYPE "Kind_new" AS ENUM ('SPAN', 'EVENT', 'GENERATION');
ALTER TABLE "obs" ALTER COLUMN "type" TYPE "Kind_new" USING ("type"::text::"Kind_new");
ALTER TYPE "Kind" RENAME TO "Kind_old";
ALTER TYPE "Kind_new" RENAME TO "Kind";
DROP TYPE "Kind_old";
COMMIT;
ALTER TYPE "Kind" RENAME VALUE 'EVENT' TO 'EV';
ALTER TABLE "obs" ALTER COLUMN "startedAt" DROP NOT NULL,
ALTER COLUMN "startedAt" DROP DEFAULT,
ALTER COLUMN x SET DEFAULT 0,
ALTER COLUMN x SET DATA TYPE DECIMAL(65,30);''', allow_data_loss=True)
    assert any("already so" in w for w in m.warnings)
    assert pg.schema().enums["Kind"] == ("SPAN", "EV", "GENERATION")
    assert pg.schema().table("obs").column("startedAt").nullable
    pg.rollback()
    assert pg.schema() == before
    assert _rows(pg, 'SELECT id, "type"::text, x FROM "obs"') == rows


def test_drop_extension_is_rolled_back_by_create_extension(pg):
    pg.migrate("add", "CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    m = pg.migrate("remove", "DROP EXTENSION pg_trgm;")
    assert "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public" in m.down
    pg.rollback()
    assert "pg_trgm" in _extensions(pg)
