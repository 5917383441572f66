"""%config options of the magics and {variable} expansion in cells, in a real
InteractiveShell over real SQLite files."""
import sqlite3

from IPython.core.error import UsageError

from dbwork.errors import DbworkError




def tables(path) -> set[str]:
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows if not name.startswith(("_dbwork", "dbwork_"))}


def test_config_lists_the_options(ip, capsys):
    ip.run_cell("%config DbworkMagics")
    out = capsys.readouterr().out
    for option in ("target", "migrations", "dry_run", "auto_docs", "expand_variables"):
        assert f"DbworkMagics.{option}" in out


def test_config_target_and_migrations_folder(ip, tmp_path):
    db = tmp_path / "app.sqlite"
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{db}"')
    ip.run_cell('%config DbworkMagics.migrations = "db/changes"')
    r = ip.run_cell("%%migrate init\nCREATE TABLE posts (id INTEGER PRIMARY KEY);")
    assert r.success, r.error_in_exec
    assert tables(db) == {"posts"}
    assert [p.name for p in (tmp_path / "db" / "changes").iterdir()] == [
        f"{r.result.version}_init.sql"]
    assert not (tmp_path / "dbwork.sqlite").exists()  # not the embedded default


def test_changing_the_target_reconnects(ip, tmp_path):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{first}"')
    ip.run_cell("%%migrate one\nCREATE TABLE a (id INTEGER);")
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{second}"')
    ip.run_cell("%%migrate two\nCREATE TABLE b (id INTEGER);")
    assert tables(first) == {"a"} and tables(second) == {"b"}


def test_dry_run_by_default_until_apply(ip, tmp_path):
    db = tmp_path / "d.sqlite"
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{db}"')
    ip.run_cell("%config DbworkMagics.dry_run = True")
    r = ip.run_cell("%%migrate init\nCREATE TABLE posts (id INTEGER PRIMARY KEY);")
    assert r.success and r.result.status == "planned"
    assert tables(db) == set()
    r = ip.run_cell("%%migrate init --apply\nCREATE TABLE posts (id INTEGER PRIMARY KEY);")
    assert r.result.status == "applied" and tables(db) == {"posts"}
    r = ip.run_cell("%rollback")
    assert r.result[0].status != "rolled_back" and tables(db) == {"posts"}  # a preview
    r = ip.run_cell("%rollback --apply")
    assert tables(db) == set()
    r = ip.run_cell("%upgrade --dry-run --apply")
    assert isinstance(r.error_in_exec, UsageError)


def test_auto_docs_regenerated_after_a_change(ip, tmp_path):
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{tmp_path}/e.sqlite"')
    ip.run_cell('%config DbworkMagics.auto_docs = "docs/schema.md"')
    ip.run_cell("%%migrate init\nCREATE TABLE invoices (id INTEGER PRIMARY KEY);")
    assert "invoices" in (tmp_path / "docs" / "schema.md").read_text()


def test_variables_fill_names_but_not_strings(ip, tmp_path):
    db = tmp_path / "v.sqlite"
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{db}"')
    ip.user_ns.update(table="orders", width=12)
    r = ip.run_cell("%%migrate init\nCREATE TABLE {table} (id INTEGER PRIMARY KEY, "
                    "code VARCHAR({width}) DEFAULT '{table}', tags TEXT DEFAULT '{}');")
    assert r.success, r.error_in_exec
    assert "CREATE TABLE orders" in r.result.up and "VARCHAR(12)" in r.result.up
    assert "'{table}'" in r.result.up and "'{}'" in r.result.up  # literals as written
    assert tables(db) == {"orders"}


def test_hostile_or_unusable_values_are_refused_before_the_database(ip, tmp_path):
    db = tmp_path / "h.sqlite"
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{db}"')
    ip.run_cell("%%migrate init\nCREATE TABLE keep (id INTEGER);")
    ip.user_ns.update(evil="x; DROP TABLE keep", rows=[1, 2])
    for cell in ("CREATE TABLE {evil} (id INTEGER);", "CREATE TABLE t{rows} (id INTEGER);",
                 "CREATE TABLE {table.nope} (id INTEGER);"):
        ip.user_ns["table"] = "t"
        r = ip.run_cell(f"%%migrate bad\n{cell}")
        assert isinstance(r.error_in_exec, UsageError), cell
    assert tables(db) == {"keep"}


def test_expansion_can_be_switched_off(ip, tmp_path):
    ip.run_cell(f'%config DbworkMagics.target = "sqlite:///{tmp_path}/n.sqlite"')
    ip.user_ns["table"] = "orders"
    r = ip.run_cell("%%lint --no-expand\nDROP TABLE {table};")
    assert isinstance(r.error_in_exec, DbworkError)  # braces reach the parser as written
    ip.run_cell("%config DbworkMagics.expand_variables = False")
    r = ip.run_cell("%%migrate x\nCREATE TABLE {table} (id INTEGER);")
    assert isinstance(r.error_in_exec, DbworkError)
    ip.run_cell("%config DbworkMagics.expand_variables = True")
    r = ip.run_cell("%%migrate x\nCREATE TABLE {table} (id INTEGER);")
    assert r.success and r.result.status == "applied"
