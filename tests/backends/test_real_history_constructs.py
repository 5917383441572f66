"""Constructs found in public migration histories (issue 10 point 4), as small fixtures
of our own: RENAME CONSTRAINT, ALTER COLUMN ... TYPE ... USING, an enum type dropped
with CASCADE after its columns became TEXT, and goose's Up/Down markers. Each applies on
PostgreSQL and rolls back to the schema it started from."""
from __future__ import annotations

import pytest


@pytest.fixture
def pg(make_wb):
    return make_wb("postgresql")


def _constraints(wb, table: str) -> set[str]:
    with wb.backend.session() as s:
        return {r[0] for r in s.query(
            "SELECT conname FROM pg_constraint WHERE conrelid = "
            f"'\"{table}\"'::regclass")}


def test_rename_constraint_after_a_table_rename_and_back(pg):
    pg.migrate("base", 'CREATE TABLE "EventClass" ("id" TEXT NOT NULL, "n" INT, '
                       'CONSTRAINT "EventClass_pkey" PRIMARY KEY ("id"), '
                       'CONSTRAINT "EventClass_n_check" CHECK ("n" > 0));')
    before = pg.schema()
    m = pg.migrate("rename", 'ALTER TABLE "EventClass" RENAME TO "ActionClass";\n'
                             'ALTER TABLE "ActionClass" RENAME CONSTRAINT "EventClass_pkey" '
                             'TO "ActionClass_pkey";')
    assert 'RENAME CONSTRAINT "ActionClass_pkey" TO "EventClass_pkey"' in m.down
    assert _constraints(pg, "ActionClass") == {"ActionClass_pkey", "EventClass_n_check"}
    assert pg.schema().table("ActionClass").primary_key.name == "ActionClass_pkey"
    pg.rollback()
    assert pg.schema().tables == before.tables


def test_rename_of_a_missing_constraint_is_refused_before_running(pg):
    pg.migrate("base", 'CREATE TABLE "T" (id INT PRIMARY KEY);')
    with pytest.raises(Exception, match="nope"):
        pg.migrate("bad", 'ALTER TABLE "T" RENAME CONSTRAINT "nope" TO "other";')
    assert len(pg.history()) == 1


def test_alter_column_type_using_runs_the_users_conversion_and_rolls_back(pg):
    pg.migrate("base", 'CREATE TABLE "Account" (id INT PRIMARY KEY, "expires_at" INT);\n'
                       'INSERT INTO "Account" VALUES (1, 86400), (2, NULL);')
    m = pg.migrate("to_ts", 'ALTER TABLE "Account" ALTER COLUMN "expires_at" TYPE TIMESTAMP(3) '
                            'USING CASE WHEN "expires_at" IS NOT NULL '
                            'THEN to_timestamp("expires_at") ELSE NULL END;',
                   allow_data_loss=True)  # a type change over rows is asked
    assert "TO_TIMESTAMP" in m.up.upper()
    with pg.backend.session() as s:
        rows = s.query('SELECT id, "expires_at"::date::text FROM "Account" ORDER BY id')
    assert [tuple(r) for r in rows] == [(1, "1970-01-02"), (2, None)]
    pg.rollback()   # back through text, then the backed-up values are restored
    col = pg.schema().table("Account").column("expires_at")
    assert col.type.upper().startswith("INT")
    with pg.backend.session() as s:
        assert [tuple(r) for r in s.query('SELECT id, "expires_at" FROM "Account" ORDER BY id')] \
            == [(1, 86400), (2, None)]


def test_drop_type_cascade_after_columns_became_text(pg):
    pg.migrate("base", """CREATE TYPE "Currency" AS ENUM ('CHF', 'USD');
CREATE TABLE "Account" ("id" TEXT PRIMARY KEY,
  "currency" "Currency" NOT NULL DEFAULT E'USD', "legacy" "Currency");""")
    before = pg.schema()
    text = ('ALTER TABLE "Account" ALTER COLUMN "currency" TYPE TEXT;\n'
            'DROP TYPE "Currency" CASCADE;')
    m = pg.migrate("to_text", text)  # no rows yet: dropping "legacy" loses nothing
    assert 'DROP TYPE "Currency"' in m.up and "DROP COLUMN legacy" in m.up
    after = pg.schema()
    assert "Currency" not in after.enums and not after.table("Account").has_column("legacy")
    assert after.table("Account").column("currency").default.strip("e") == "'USD'"
    pg.rollback()
    assert pg.schema().tables == before.tables and pg.schema().enums == before.enums


def test_text_column_to_enum_with_a_default(pg):
    pg.migrate("base", """CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" (id INT PRIMARY KEY, role TEXT NOT NULL DEFAULT 'USER');""")
    pg.migrate("typed", 'ALTER TABLE "User" ALTER COLUMN role TYPE "Role" USING role::"Role";')
    assert pg.schema().table("User").column("role").type.strip('"') == "Role"
    pg.rollback()
    assert pg.schema().table("User").column("role").type.upper() == "TEXT"


def test_goose_up_and_down_markers(pg):
    m = pg.migrate("goose", "-- +goose Up\n-- +goose StatementBegin\n"
                            "CREATE TABLE g (id INT PRIMARY KEY);\n-- +goose StatementEnd\n"
                            "-- +goose Down\nDROP TABLE g;\n")
    assert m.explicit_down and "g" in pg.schema().tables
    pg.rollback()
    assert "g" not in pg.schema().tables


def test_serial_id_to_text_drops_its_default_then_the_sequence(pg):
    pg.migrate("base", 'CREATE TABLE "Webhook" ("id" SERIAL NOT NULL, "url" TEXT, '
                       'CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id"));')
    before = pg.schema()
    retype = ('ALTER TABLE "Webhook" DROP CONSTRAINT "Webhook_pkey",\n'
              'ALTER COLUMN "id" DROP DEFAULT,\nALTER COLUMN "id" SET DATA TYPE TEXT,\n'
              'ADD CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id");')
    m = pg.migrate("cuid", retype)
    assert "ALTER COLUMN id DROP DEFAULT" in m.up
    assert not pg.schema().table("Webhook").column("id").autoincrement
    pg.rollback()   # the column counts again from its own sequence
    assert pg.schema().tables == before.tables
    with pg.backend.session() as s:
        s.execute('INSERT INTO "Webhook" (url) VALUES (\'a\')')
    m = pg.migrate("cuid", retype + '\nDROP SEQUENCE "Webhook_id_seq";', irreversible=True)
    assert m.forward_only == (len(m.steps),)


def test_unnamed_foreign_key_gets_postgresqls_name_so_a_later_drop_finds_it(pg):
    pg.migrate("base", 'CREATE TABLE "User" (id INT PRIMARY KEY);\n'
                       'CREATE TABLE "Access" (id INT PRIMARY KEY, "granteeUserId" INT);\n'
                       'ALTER TABLE "Access" ADD FOREIGN KEY ("granteeUserId") '
                       'REFERENCES "User"("id") ON DELETE CASCADE;')
    assert "Access_granteeUserId_fkey" in _constraints(pg, "Access")
    pg.migrate("prisma3", 'ALTER TABLE "Access" DROP CONSTRAINT "Access_granteeUserId_fkey";\n'
                          'ALTER TABLE "Access" ADD CONSTRAINT "Access_granteeUserId_fkey" '
                          'FOREIGN KEY ("granteeUserId") REFERENCES "User"("id") '
                          'ON DELETE SET NULL;')
    pg.rollback(steps=2)
    assert not pg.schema().tables


def test_if_exists_actions_with_nothing_to_do_are_skipped_with_a_warning(pg):
    pg.migrate("base", 'CREATE TABLE "Brand" (id INT PRIMARY KEY, "welcomeMessage" TEXT);')
    m = pg.migrate("again", 'ALTER TABLE "Brand" ADD COLUMN IF NOT EXISTS "welcomeMessage" TEXT,\n'
                            'ADD COLUMN IF NOT EXISTS "banner" TEXT;\n'
                            'ALTER TABLE "Brand" DROP COLUMN IF EXISTS "gone";\n'
                            'ALTER TABLE "Brand" DROP CONSTRAINT IF EXISTS "Brand_gone_key";')
    assert len(m.steps) == 1 and "banner" in m.up
    assert sum("IF [NOT] EXISTS, skipped" in w for w in m.warnings) == 3
    pg.rollback()
    assert not pg.schema().table("Brand").has_column("banner")


def test_delete_with_a_cte_backs_up_every_row_and_rolls_back(pg):
    pg.migrate("base", 'CREATE TABLE "Doc" (id INT PRIMARY KEY, "col" INT, "ver" INT);\n'
                       'INSERT INTO "Doc" VALUES (1, 1, 1), (2, 1, 1), (3, 2, 1);')
    pg.migrate("dedupe", 'WITH ranked AS (SELECT id, ROW_NUMBER() OVER (PARTITION BY "col", '
                         '"ver" ORDER BY id DESC) AS rn FROM "Doc")\n'
                         'DELETE FROM "Doc" WHERE id IN (SELECT id FROM ranked WHERE rn > 1);',
               allow_data_loss=True)
    with pg.backend.session() as s:
        assert sorted(r[0] for r in s.query('SELECT id FROM "Doc"')) == [2, 3]
    pg.rollback()
    with pg.backend.session() as s:
        assert sorted(r[0] for r in s.query('SELECT id FROM "Doc"')) == [1, 2, 3]


# -- data checks read only what the migration has not changed yet --------------------
@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_unique_index_after_an_update_that_makes_the_values_distinct(make_wb, kind):
    """A history fixes its rows, then indexes them, in one migration: the duplicates
    check must not read the rows as they were before the UPDATE."""
    wb = make_wb(kind)
    wb.migrate("base", _q(wb, 'CREATE TABLE "Member" (id INTEGER PRIMARY KEY, handle VARCHAR(40));\n'
                       "INSERT INTO \"Member\" VALUES (1, 'a'), (2, 'a');"))
    join = "handle || id" if kind == "sqlite" else "CONCAT(handle, id)"
    wb.migrate("distinct", _q(wb, f'UPDATE "Member" SET handle = {join};\n'
                                  'CREATE UNIQUE INDEX "Member_handle_key" ON "Member" (handle);'),
               allow_data_loss=True)
    assert _handles(wb) == ["a1", "a2"]
    wb.rollback()
    assert _handles(wb) == ["a", "a"]


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_set_not_null_after_an_update_that_fills_the_nulls(make_wb, kind):
    wb = make_wb(kind)
    wb.migrate("base", _q(wb, 'CREATE TABLE "Member" (id INTEGER PRIMARY KEY, handle VARCHAR(40));\n'
                       'INSERT INTO "Member" (id) VALUES (1), (2);'))
    require = ('ALTER TABLE "Member" MODIFY handle VARCHAR(40) NOT NULL;' if kind == "mariadb"
               else 'ALTER TABLE "Member" ALTER COLUMN handle SET NOT NULL;')
    wb.migrate("require", _q(wb, "UPDATE \"Member\" SET handle = 'm' WHERE handle IS NULL;\n"
                                 + require),
               allow_data_loss=True)
    assert _handles(wb) == ["m", "m"]
    wb.rollback()
    assert _handles(wb) == [None, None]


def _handles(wb) -> list:
    with wb.backend.session() as s:
        return [r[0] for r in s.query(_q(wb, 'SELECT handle FROM "Member" ORDER BY id'))]


def _q(wb, sql: str) -> str:
    """``sql`` with MariaDB's identifier quotes where the engine is MariaDB."""
    return sql.replace('"', "`") if wb.dialect.quote("A") == "`A`" else sql


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_foreign_key_on_columns_the_same_migration_adds_or_retypes(make_wb, kind):
    """The referenced key is added and the referencing column dropped and re-added
    with another type in the same migration: the orphan check cannot read them live."""
    wb = make_wb(kind)
    wb.migrate("base", _q(wb, 'CREATE TABLE "Owner" (id INTEGER PRIMARY KEY);\n'
                       'CREATE TABLE "Pet" (id INTEGER PRIMARY KEY, owner_ref VARCHAR(20));'))
    before = wb.schema()
    m = wb.migrate("rekey", _q(wb, 'ALTER TABLE "Owner" ADD COLUMN code VARCHAR(20) NOT NULL;\n'
                            'CREATE UNIQUE INDEX "Owner_code_key" ON "Owner" (code);\n'
                            'ALTER TABLE "Pet" DROP COLUMN owner_ref;\n'
                            'ALTER TABLE "Pet" ADD COLUMN owner_ref VARCHAR(30);\n'
                            'ALTER TABLE "Pet" ADD CONSTRAINT "Pet_owner_ref_fkey" '
                            'FOREIGN KEY (owner_ref) REFERENCES "Owner" (code);'))
    assert "orphans" not in " ".join(c["check"] for c in m.checks if isinstance(c, dict))
    assert [fk.ref_columns for fk in wb.schema().table("Pet").foreign_keys] == [("code",)]
    wb.rollback()
    assert wb.schema().tables == before.tables


# -- temporary tables: staged rows, not part of the schema, nothing to undo ----------
@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_rows_staged_in_a_temporary_table_then_copied_and_rolled_back(make_wb, kind):
    wb = make_wb(kind)
    wb.migrate("base", _q(wb, 'CREATE TABLE "Rule" (id INTEGER PRIMARY KEY, label VARCHAR(20));\n'
                              "INSERT INTO \"Rule\" VALUES (1, 'cold'), (2, 'warm');"))
    before = wb.schema()
    m = wb.migrate("stage", _q(wb, 'CREATE TEMPORARY TABLE staged AS SELECT id, label FROM "Rule";\n'
                                   "DELETE FROM staged WHERE label = 'warm';\n"
                                   'INSERT INTO "Rule" (id, label) SELECT id + 10, label FROM staged;\n'
                                   "DROP TABLE staged;"))
    assert "staged" not in wb.schema().tables
    assert _rule_rows(wb) == [(1, "cold"), (2, "warm"), (11, "cold")]
    assert "temporary table staged (this session only)" in m.up
    wb.rollback()
    assert _rule_rows(wb) == [(1, "cold"), (2, "warm")]
    assert wb.schema().tables == before.tables


def test_select_into_temp_then_update_from_it(pg):
    pg.migrate("base", 'CREATE TABLE "Rule" (id INTEGER PRIMARY KEY, label TEXT);\n'
                       "INSERT INTO \"Rule\" VALUES (1, 'cold'), (2, 'warm');")
    pg.migrate("mark", 'SELECT id, label || \'!\' AS marked INTO TEMP TABLE marks FROM "Rule";\n'
                       'UPDATE "Rule" r SET label = m.marked FROM marks m WHERE m.id = r.id;',
               allow_data_loss=True)
    assert _rule_rows(pg) == [(1, "cold!"), (2, "warm!")]
    pg.rollback()
    assert _rule_rows(pg) == [(1, "cold"), (2, "warm")]


def _rule_rows(wb) -> list:
    with wb.backend.session() as s:
        return [tuple(r) for r in s.query(_q(wb, 'SELECT id, label FROM "Rule" ORDER BY id'))]


# -- a table made, filled and reshaped by one migration ------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_a_table_created_filled_and_reshaped_in_one_migration(make_wb, kind):
    """Its rows come from the migration itself: nothing live to count before it runs
    (the count of a table that does not exist yet was a planning failure)."""
    wb = make_wb(kind)
    wb.migrate("base", _q(wb, 'CREATE TABLE "Rule" (id INTEGER PRIMARY KEY, label VARCHAR(20));\n'
                              "INSERT INTO \"Rule\" VALUES (1, 'cold');"))
    before = wb.schema()
    wb.migrate("teams", _q(wb, 'CREATE TABLE "Team" (id INTEGER PRIMARY KEY, scratch VARCHAR(9), '
                               'rule_id INTEGER);\n'
                               'INSERT INTO "Team" (id, rule_id) SELECT id, id FROM "Rule";\n'
                               'ALTER TABLE "Team" DROP COLUMN scratch;'))
    assert [c.name for c in wb.schema().table("Team").columns] == ["id", "rule_id"]
    wb.rollback()
    assert wb.schema().tables == before.tables


def test_an_index_name_over_63_bytes_is_cut_as_postgresql_cuts_it(pg):
    """Prisma writes the name whole; PostgreSQL keeps 63 bytes. dbwork models the name
    the server makes, so the rollback drops the index it made."""
    long_name = "Tracker_accountId_kind_resolvedFlag_followUpStartedAt_idx_extras"  # 64
    assert len(long_name) == 64
    pg.migrate("base", 'CREATE TABLE "Tracker" (id INT PRIMARY KEY, "accountId" INT);')
    m = pg.migrate("ix", f'CREATE INDEX "{long_name}" ON "Tracker" ("accountId");')
    assert any("cuts it to" in w for w in m.warnings)
    with pg.backend.session() as s:
        live = [r[0] for r in s.query("SELECT indexname FROM pg_indexes WHERE tablename = 'Tracker' "
                                      "AND indexname <> 'Tracker_pkey'")]
    assert live == [long_name[:63]]
    assert [i.name for i in pg.schema().table("Tracker").indexes] == [long_name[:63]]
    pg.rollback()
    with pg.backend.session() as s:
        assert list(s.query("SELECT indexname FROM pg_indexes WHERE tablename = 'Tracker' "
                            "AND indexname <> 'Tracker_pkey'")) == []


def test_alter_index_rename_is_followed_by_the_model_and_rolled_back(pg):
    """A renamed model's indexes are renamed, then one is dropped by its new name; a
    unique constraint's index renames the constraint on PostgreSQL."""
    pg.migrate("base", 'CREATE TABLE "Key" (id INT PRIMARY KEY, name TEXT, env INT, '
                       'CONSTRAINT "Key_env_uq" UNIQUE (env));\n'
                       'CREATE UNIQUE INDEX "OldKey_name_key" ON "Key" (name);')
    before = pg.schema()
    m = pg.migrate("rename", 'ALTER INDEX "OldKey_name_key" RENAME TO "Key_name_key";\n'
                             'ALTER INDEX "Key_env_uq" RENAME TO "Key_env_key";\n'
                             'DROP INDEX "Key_name_key";')
    assert 'ALTER INDEX "Key_name_key" RENAME TO "OldKey_name_key"' in m.down
    assert [u.name for u in pg.schema().table("Key").uniques] == ["Key_env_key"]
    assert _constraints(pg, "Key") == {"Key_pkey", "Key_env_key"}
    pg.rollback()
    assert pg.schema().tables == before.tables
    assert _constraints(pg, "Key") == {"Key_pkey", "Key_env_uq"}


def _indexes(wb, table: str) -> set[str]:
    with wb.backend.session() as s:
        return {r[0] for r in s.query(
            f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}'")}


def test_primary_key_switched_to_a_unique_index_and_back(pg):
    pg.migrate("base", 'CREATE TABLE "items" ("id" TEXT NOT NULL, "project" TEXT NOT NULL, '
                       '"v" INT, CONSTRAINT "items_pkey" PRIMARY KEY ("id"));\n'
                       'CREATE UNIQUE INDEX "items_id_project_key" ON "items" ("id", "project");\n'
                       "INSERT INTO \"items\" VALUES ('a', 'p', 1), ('b', 'q', 2);")
    before = pg.schema()
    pg.migrate("switch", 'ALTER TABLE "items" DROP CONSTRAINT "items_pkey",\n'
                         'ADD CONSTRAINT "items_pkey" PRIMARY KEY USING INDEX '
                         '"items_id_project_key";')
    after = pg.schema().table("items")
    assert after.primary_key.columns == ("id", "project")
    assert _indexes(pg, "items") == {"items_pkey"}     # the index became the key
    pg.rollback()
    assert pg.schema().tables == before.tables
    assert _indexes(pg, "items") == {"items_pkey", "items_id_project_key"}


def test_unique_using_index_makes_a_unique_constraint_and_rolls_back(pg):
    pg.migrate("base", 'CREATE TABLE "u" ("id" INT PRIMARY KEY, "code" TEXT);\n'
                       'CREATE UNIQUE INDEX "u_code_idx" ON "u" ("code");')
    before = pg.schema()
    pg.migrate("uq", 'ALTER TABLE "u" ADD CONSTRAINT "u_code_key" UNIQUE USING INDEX "u_code_idx";')
    assert "u_code_key" in _constraints(pg, "u") and "u_code_idx" not in _indexes(pg, "u")
    assert [c.name for c in pg.schema().table("u").uniques] == ["u_code_key"]
    pg.rollback()
    assert pg.schema().tables == before.tables and "u_code_idx" in _indexes(pg, "u")


def test_using_a_non_unique_index_is_refused_before_running(pg):
    pg.migrate("base", 'CREATE TABLE "n" ("id" INT, "code" TEXT);\n'
                       'CREATE INDEX "n_code_idx" ON "n" ("code");')
    with pytest.raises(Exception, match="must be unique"):
        pg.migrate("bad", 'ALTER TABLE "n" ADD CONSTRAINT "n_pkey" PRIMARY KEY USING INDEX "n_code_idx";')
    assert len(pg.history()) == 1 and "n_code_idx" in _indexes(pg, "n")


def test_exclusion_constraints_apply_refuse_overlaps_and_roll_back(pg):
    pg.migrate("base", 'CREATE EXTENSION IF NOT EXISTS btree_gist;\n'
                       'CREATE TABLE "Booking" ("id" INT PRIMARY KEY, "host" TEXT NOT NULL, '
                       '"start" TIMESTAMP NOT NULL, "end" TIMESTAMP NOT NULL, "status" TEXT);')
    before = pg.schema()
    pg.migrate("no_overlap", 'ALTER TABLE "Booking" ADD CONSTRAINT "Booking_no_overlap" '
                             'EXCLUDE USING gist ("host" WITH =, tsrange("start", "end", \'[)\') '
                             "WITH &&) WHERE (\"status\" IN ('CONFIRMED'));\n"
                             'CREATE TABLE "room" ("r" INT, "during" tsrange, '
                             'EXCLUDE USING gist ("r" WITH =, "during" WITH &&));')
    assert "Booking_no_overlap" in _constraints(pg, "Booking")
    assert "room_r_during_excl" in _constraints(pg, "room")   # the name PostgreSQL gives
    with pg.backend.session() as s:
        s.execute("INSERT INTO \"Booking\" VALUES (1, 'h', '2026-01-01 10:00', "
                  "'2026-01-01 11:00', 'CONFIRMED')")
        with pytest.raises(Exception, match="Booking_no_overlap"):
            s.execute("INSERT INTO \"Booking\" VALUES (2, 'h', '2026-01-01 10:30', "
                      "'2026-01-01 12:00', 'CONFIRMED')")
    assert pg.schema().table("Booking").indexes == before.table("Booking").indexes
    pg.rollback()
    assert "Booking_no_overlap" not in _constraints(pg, "Booking")
    assert pg.schema().tables == before.tables


def test_exclusion_constraint_is_refused_where_the_engine_has_none():
    from dbwork.dialects import get_dialect
    from dbwork.errors import UnsupportedError
    from dbwork.model import Schema
    from dbwork.parse.sql import parse_sql
    with pytest.raises(UnsupportedError, match="no exclusion constraints"):
        parse_sql("CREATE TABLE r (a int, b int, EXCLUDE USING gist (a WITH =));",
                  get_dialect("mariadb"), Schema())
