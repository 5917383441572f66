"""The foundation's behaviour through the public API, on the embedded SQLite default:
apply, record, re-run, roll back (schema and data), upgrade, dry run, bad input."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import dbwork
from dbwork.errors import (ConfigError, DataLossRefused, DbworkError, IrreversibleError,
                           MigrationConflict, MigrationFailed, ParseError, UnknownObjectError)

INIT = """
CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
    age INTEGER DEFAULT 0 CHECK (age >= 0)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
"""


def dump(conn):
    """Every user table's rows and the schema SQL: what 'nothing lost' compares."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'dbwork_%' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def seed(db):
    db.executescript("""
        INSERT INTO orgs VALUES (1, 'acme'), (2, 'globex');
        INSERT INTO users VALUES (1, 'ann@acme.test', 1, 31), (2, 'bob@globex.test', 2, 42),
                                 (3, 'cy@acme.test', 1, NULL);""")
    db.commit()


def test_apply_writes_file_history_and_schema(wb, db, tmp_path):
    m = wb.migrate("init", INIT)
    assert m.status == "applied"
    assert [s.comment for s in m.steps] == [
        "create table orgs (2 columns)", "create table users (4 columns)",
        "create unique index ix_users_email on users (email)"]
    assert "DROP TABLE users;" in m.down and "CREATE UNIQUE INDEX ix_users_email" in m.up
    files = sorted(p.name for p in (tmp_path / "migrations").iterdir())
    assert files == [f"{m.version}_init.sql"]
    text = (tmp_path / "migrations" / files[0]).read_text()
    for header in (f"-- version: {m.version}", "-- name: init", "-- parent: (none)",
                   "-- dialect: sqlite", "-- created: ", "-- migrate:up", "-- migrate:down"):
        assert header in text
    h = wb.history()
    assert list(h.columns[:6]) == ["version", "name", "status", "applied_at", "checksum",
                                   "duration_ms"]
    assert h.loc[0, "status"] == "applied" and h.loc[0, "checksum"] == m.checksum
    assert set(wb.schema().tables) == {"orgs", "users"}


def test_parent_links_migrations(wb):
    a = wb.migrate("a", "CREATE TABLE a (id INTEGER PRIMARY KEY);")
    b = wb.migrate("b", "CREATE TABLE b (id INTEGER PRIMARY KEY);")
    assert b.parent == a.version and b.version > a.version


def test_rollback_restores_schema_and_every_row(wb, db):
    wb.migrate("init", INIT)
    seed(db)
    before_schema, before_rows = wb.schema(), dump(db)
    wb.migrate("reshape", """
        ALTER TABLE users DROP COLUMN email;
        ALTER TABLE users RENAME COLUMN age TO years;
        ALTER TABLE users ALTER COLUMN years TYPE SMALLINT;
        DROP TABLE IF EXISTS ghosts;
        ALTER TABLE orgs ADD COLUMN country TEXT NOT NULL DEFAULT 'nl';
        CREATE INDEX ix_org ON users (org_id);
    """, allow_data_loss=True)
    assert "email" not in {c.name for c in wb.schema().table("users").columns}
    [m] = wb.rollback()
    assert m.status == "rolled_back"
    assert dump(db) == before_rows          # every value, and columns in their places
    assert wb.schema() == before_schema


def test_drop_table_rolls_back_with_its_rows_and_indexes(wb, db):
    wb.migrate("init", INIT)
    seed(db)
    before_schema, before_rows = wb.schema(), dump(db)
    wb.migrate("drop_users", "DROP TABLE users;", allow_data_loss=True)
    assert "users" not in wb.schema().tables
    wb.rollback()
    assert wb.schema() == before_schema and dump(db) == before_rows


def test_destructive_change_needs_consent_and_says_what_is_lost(wb, db, tmp_path):
    wb.migrate("init", INIT)
    seed(db)
    with pytest.raises(DataLossRefused) as info:
        wb.migrate("drop_email", "ALTER TABLE users DROP COLUMN email;")
    assert "drop column users.email over 3 row(s)" in str(info.value)
    assert len(list((tmp_path / "migrations").iterdir())) == 1
    assert list(wb.history()["name"]) == ["init"]
    m = wb.migrate("drop_email", "ALTER TABLE users DROP COLUMN email;", allow_data_loss=True)
    assert any("data loss allowed" in w for w in m.warnings)


def test_empty_table_drop_needs_no_consent(wb):
    wb.migrate("init", INIT)
    assert wb.migrate("drop_users", "DROP TABLE users;").status == "applied"


def test_rerun_same_content_is_reported_not_applied(wb):
    first = wb.migrate("init", INIT)
    again = wb.migrate("init", INIT + "\n")
    assert again.version == first.version and again.status == "applied"
    assert "already applied" in again.notes[0]
    assert len(wb.history()) == 1


def test_rerun_applied_with_other_content_is_refused_with_the_way_out(wb):
    wb.migrate("init", INIT)
    with pytest.raises(MigrationConflict, match="Roll it back first"):
        wb.migrate("init", INIT.replace("age INTEGER", "age BIGINT"))


def test_rolled_back_migration_rerun_replaces_its_file(wb, tmp_path):
    m1 = wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    wb.rollback()
    m2 = wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);")
    assert m2.version == m1.version
    [path] = list((tmp_path / "migrations").iterdir())
    assert "note TEXT" in path.read_text()
    assert wb.schema().table("t").has_column("note")


def test_failing_statement_leaves_nothing_and_names_the_statement(wb, db, tmp_path):
    wb.migrate("init", INIT)
    seed(db)
    before = dump(db)
    cell = """ALTER TABLE orgs ADD COLUMN x TEXT;
UPDATE users SET email = 'same@x.test';
CREATE UNIQUE INDEX ix_dup ON users (age);
-- migrate:down
UPDATE users SET email = email;"""
    with pytest.raises(MigrationFailed) as info:
        wb.migrate("breaks", cell)
    e = info.value
    assert "UPDATE users SET email = 'same@x.test'" in str(e) and "UNIQUE" in str(e)
    assert "nothing was changed" in str(e)
    assert dump(db) == before and not wb.schema().table("orgs").has_column("x")
    assert list(wb.history()["name"]) == ["init"]
    assert len(list((tmp_path / "migrations").iterdir())) == 1


def test_data_changes_are_backed_up_and_restored(wb, db):
    wb.migrate("init", INIT)
    seed(db)
    before = dump(db)
    m = wb.migrate("cleanup", "UPDATE users SET age = age + 1 WHERE org_id = 1;\n"
                              "DELETE FROM users WHERE age IS NULL;")
    assert "back up rows of users" in m.up
    assert db.execute("SELECT id, age FROM users ORDER BY id").fetchall() == [(1, 32), (2, 42)]
    wb.rollback()
    assert dump(db) == before


def test_statement_without_inverse_needs_a_down_section(wb, db):
    wb.migrate("init", INIT)
    seed(db)
    db.execute("CREATE TABLE nokey (a INTEGER)")
    db.commit()
    with pytest.raises(IrreversibleError, match="UPDATE nokey SET a = 1"):
        wb.migrate("bump", "UPDATE nokey SET a = 1;")
    with pytest.raises(ParseError, match="not understood"):
        wb.migrate("vacuum", "VACUUM;")
    m = wb.migrate("bump", "UPDATE users SET age = age + 1;\n-- migrate:down\nUPDATE users SET age = age - 1;")
    assert db.execute("SELECT age FROM users WHERE id = 1").fetchone() == (32,)
    assert "UPDATE users SET age = age - 1;" in m.down
    wb.rollback()
    assert db.execute("SELECT age FROM users WHERE id = 1").fetchone() == (31,)


@pytest.mark.parametrize("name, text, error", [
    ("bad'name", "CREATE TABLE t (a INT);", ConfigError),
    ("../escape", "CREATE TABLE t (a INT);", ConfigError),
    ("dots.sql", "CREATE TABLE t (a INT);", ConfigError),
    ("empty", "", ParseError),
    ("empty2", "  \n -- just a comment\n", ParseError),
    ("malformed", "CREATE TABLE t (a INT", ParseError),
    ("unknown", "ALTER TABLE nope ADD COLUMN a INT;", UnknownObjectError),
    ("unknown_col", "ALTER TABLE orgs DROP COLUMN nope;", UnknownObjectError),
])
def test_bad_input_touches_nothing(wb, db, tmp_path, name, text, error):
    wb.migrate("init", INIT)
    seed(db)
    before = dump(db)
    with pytest.raises(error):
        wb.migrate(name, text)
    assert dump(db) == before and list(wb.history()["name"]) == ["init"]
    assert len(list((tmp_path / "migrations").iterdir())) == 1


def test_hostile_identifiers_are_quoted_not_executed(wb, db):
    wb.migrate("odd", 'CREATE TABLE "drop table x; --" ("select" INTEGER PRIMARY KEY, "a""b" TEXT);')
    assert "drop table x; --" in wb.schema().tables
    wb.rollback()
    assert wb.schema().tables == {}


def test_dry_run_shows_exactly_what_would_run_and_changes_nothing(wb, db, tmp_path):
    wb.migrate("init", INIT)
    before = dump(db)
    dry = wb.migrate("add", "ALTER TABLE orgs ADD COLUMN country TEXT;", dry_run=True)
    assert dry.status == "planned" and dry.dry_run
    assert "ALTER TABLE orgs ADD COLUMN country TEXT;" in dry.up
    assert dump(db) == before and not wb.schema().table("orgs").has_column("country")
    assert len(list((tmp_path / "migrations").iterdir())) == 1
    real = wb.migrate("add", "ALTER TABLE orgs ADD COLUMN country TEXT;")
    assert real.up == dry.up and real.down == dry.down
    [back] = wb.rollback(dry_run=True)
    assert wb.schema().table("orgs").has_column("country") and back.dry_run


def test_upgrade_applies_pending_files_in_order(tmp_path):
    src = dbwork.connect(f"sqlite:///{tmp_path / 'dev.sqlite'}", migrations=tmp_path / "migrations")
    src.migrate("init", INIT)
    src.migrate("add_country", "ALTER TABLE orgs ADD COLUMN country TEXT;")
    prod = dbwork.connect(f"sqlite:///{tmp_path / 'prod.sqlite'}", migrations=tmp_path / "migrations")
    assert [m.name for m in prod.pending()] == ["init", "add_country"]
    assert [m.name for m in prod.upgrade(dry_run=True)] == ["init", "add_country"]
    assert prod.schema().tables == {}
    done = prod.upgrade()
    assert [m.status for m in done] == ["applied", "applied"]
    assert prod.schema() == src.schema()
    assert prod.pending() == [] and prod.upgrade() == []


def test_upgrade_refuses_an_edited_applied_file_naming_it(wb, tmp_path):
    m = wb.migrate("init", INIT)
    path = Path(m.path)
    path.write_text(path.read_text().replace("age INTEGER DEFAULT 0", "age BIGINT DEFAULT 0"))
    with pytest.raises(MigrationConflict, match=path.name):
        wb.upgrade()


def test_rollback_steps_and_to_version(wb):
    a = wb.migrate("a", "CREATE TABLE a (id INTEGER PRIMARY KEY);")
    wb.migrate("b", "CREATE TABLE b (id INTEGER PRIMARY KEY);")
    wb.migrate("c", "CREATE TABLE c (id INTEGER PRIMARY KEY);")
    assert [m.name for m in wb.rollback(2)] == ["c", "b"]
    assert set(wb.schema().tables) == {"a"}
    assert wb.upgrade() == []  # rolled back on purpose: stays reverted until re-approved
    assert [m.name for m in wb.upgrade(include_reverted=True)] == ["b", "c"]
    assert [m.name for m in wb.rollback(to=a.version)] == ["c", "b"]
    with pytest.raises(ConfigError):
        wb.rollback(to="19990101000000")
    with pytest.raises(ConfigError):
        wb.rollback(0)
    assert wb.rollback(5)[0].name == "a" and wb.rollback() == []


def test_lock_is_not_left_behind_by_a_killed_process(tmp_path):
    """A migrator killed with kill -9 mid-migration leaves nothing half done and no lock."""
    db = tmp_path / "app.sqlite"
    script = f"""
import dbwork, sys
wb = dbwork.connect("sqlite:///{db}", migrations="{tmp_path / 'migrations'}")
wb.migrate("init", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);")
print("ready", flush=True)
wb.migrate("slow", "CREATE TABLE big AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n;\\n-- migrate:down\\nDROP TABLE big;")
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    import time
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    wb = dbwork.connect(f"sqlite:///{db}", migrations=tmp_path / "migrations", lock_timeout=5)
    assert set(wb.schema().tables) == {"t"}
    assert list(wb.history()["name"]) == ["init"]
    assert wb.migrate("next", "CREATE TABLE u (id INTEGER PRIMARY KEY);").status == "applied"


def test_a_second_migrator_waits_for_the_lock(tmp_path):
    db = tmp_path / "app.sqlite"
    wb = dbwork.connect(f"sqlite:///{db}", migrations=tmp_path / "m", lock_timeout=0.2)
    other = dbwork.connect(f"sqlite:///{db}", migrations=tmp_path / "m", lock_timeout=0.2)
    with wb.backend.session(0.2):
        with pytest.raises(dbwork.LockTimeout):
            other.migrate("t", "CREATE TABLE t (id INTEGER);")
    assert other.migrate("t", "CREATE TABLE t (id INTEGER);").status == "applied"


def test_credentials_never_show(tmp_path):
    with pytest.raises(DbworkError) as info:
        dbwork.connect("postgresql://app:s3cr3t@127.0.0.1:1/nope").schema()
    assert "s3cr3t" not in str(info.value) and "***" in str(info.value)
    wb = dbwork.connect("postgresql://app:s3cr3t@127.0.0.1:1/nope")
    assert "s3cr3t" not in repr(wb) and "s3cr3t" not in repr(wb.url)


def test_connect_default_is_embedded_sqlite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    wb = dbwork.connect()
    wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    assert (tmp_path / "dbwork.sqlite").exists()
    assert len(list((tmp_path / "migrations").glob("*_t.sql"))) == 1


def test_erd_draws_tables_keys_and_a_text_fallback(wb):
    wb.migrate("init", INIT)
    g = wb.erd()
    assert "users:c2e:e -> orgs:c0w:w" in g.source  # row sides, not through cells
    assert "PK id INTEGER NOT NULL" in g.text() and "FK org_id INTEGER -> orgs.id" in g.text()
    assert wb.erd(["orgs"]).text().count("\n") > 0
    with pytest.raises(UnknownObjectError):
        wb.erd(["nope"])
    bundle = g._repr_mimebundle_()
    assert "graphviz version" not in bundle.get("image/svg+xml", "").lower()


def test_migration_document_has_scripts_warnings_and_diagram(wb, db):
    wb.migrate("init", INIT)
    seed(db)
    m = wb.migrate("drop_age", "ALTER TABLE users DROP COLUMN age;", allow_data_loss=True)
    html = m._repr_html_()
    for part in ("drop_age", "what changes", "forward", "rollback", "data loss allowed",
                 "drop column users.age", "data:image/svg+xml;base64,"):  # an <img>: survives sanitizers
        assert part in html
    assert "users" in m.erd.text()


def test_cli_upgrade_and_history(tmp_path):
    from dbwork.cli import main
    src = dbwork.connect(f"sqlite:///{tmp_path / 'a.sqlite'}", migrations=tmp_path / "mig")
    src.migrate("init", INIT)
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    assert main(["--url", url, "--migrations", str(tmp_path / "mig"), "upgrade"]) == 0
    assert main(["--url", url, "--migrations", str(tmp_path / "mig"), "pending"]) == 0
    assert main(["--url", "nosuch://x", "pending"]) == 2   # an error (1: findings)
    assert main(["--url", url, "--migrations", str(tmp_path / "mig"), "migrate", "x",
                 str(tmp_path / "missing.sql")]) == 2


def test_cli_lint_is_a_gate(tmp_path, capsys):
    from dbwork.cli import main
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    dbwork.connect(url, migrations=tmp_path / "mig").migrate("init", INIT)
    safe = tmp_path / "safe.sql"
    safe.write_text("ALTER TABLE orgs ADD COLUMN note TEXT;")
    assert main(["--url", url, "--migrations", str(tmp_path / "mig"), "lint", str(safe)]) == 0
    risky = tmp_path / "risky.sql"
    risky.write_text("DROP TABLE users;")
    status = main(["--url", url, "--migrations", str(tmp_path / "mig"), "lint", str(risky)])
    out = capsys.readouterr().out
    assert "DW101 error: drop table users" in out
    assert status == 1


def test_erd_falls_back_to_text_without_graphviz(wb, monkeypatch):
    from dbwork.graphs import erd as erd_module
    wb.migrate("init", INIT)
    monkeypatch.setattr(erd_module, "has_dot", lambda: False)
    bundle = wb.erd()._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}  # no SVG without dot
    assert "FK org_id INTEGER -> orgs.id" in bundle["text/plain"]
    assert "install Graphviz" in bundle["text/html"] and "digraph erd" in bundle["text/html"]


def test_erd_is_deterministic(wb):
    wb.migrate("init", INIT)
    assert wb.erd().source == wb.erd().source
    assert wb.erd()._repr_mimebundle_() == wb.erd()._repr_mimebundle_()
