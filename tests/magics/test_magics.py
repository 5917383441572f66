"""The magics in a real IPython InteractiveShell: values, short errors that still fail
the cell, UsageError only for bad arguments, and help on every magic."""
import sys

import pytest

import dbwork
from dbwork.magics import MigrationList


def run(ip, code):
    result = ip.run_cell(code)
    return result


def test_detect_migrate_history_erd_rollback(ip, tmp_path):
    r = run(ip, f"%detect sqlite:///{tmp_path}/app.sqlite")
    assert r.success and isinstance(r.result, dbwork.Workbench)
    r = run(ip, "%%migrate init\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
    assert r.success and r.result.status == "applied"
    assert ip.user_ns["_"] is r.result
    r = run(ip, "%history")
    assert list(r.result["name"]) == ["init"]
    r = run(ip, "%erd notes")
    assert "notes" in r.result.text()
    r = run(ip, "%rollback --dry-run")
    assert isinstance(r.result, MigrationList) and r.result[0].dry_run
    r = run(ip, "%rollback")
    assert r.result[0].status == "rolled_back"
    r = run(ip, "%upgrade")  # rolled back on purpose: stays reverted until re-approved
    assert list(r.result) == []
    r = run(ip, "%upgrade --include-reverted")
    assert [m.name for m in r.result] == ["init"]


def test_detect_in_an_empty_folder_uses_the_embedded_default(ip, tmp_path):
    r = run(ip, f"%detect {tmp_path}")
    assert r.success
    assert r.result.technologies == []
    run(ip, "%%migrate t\nCREATE TABLE t (id INTEGER PRIMARY KEY);")
    assert (tmp_path / "dbwork.sqlite").exists()
    assert list((tmp_path / "migrations").glob("*_t.sql"))


def test_migrate_without_detect_uses_the_embedded_default(ip, tmp_path):
    r = run(ip, "%%migrate t --dry-run\nCREATE TABLE t (id INTEGER PRIMARY KEY);")
    assert r.success and r.result.status == "planned"
    assert not list(tmp_path.glob("migrations/*.sql"))


def test_a_dbwork_error_fails_the_cell_with_one_short_message(ip, monkeypatch):
    shown = []
    monkeypatch.setattr(ip, "_showtraceback", lambda etype, value, stb: shown.append(stb))
    r = run(ip, "%%migrate bad\nALTER TABLE nope ADD COLUMN a INT;")
    assert not r.success
    assert isinstance(r.error_in_exec, dbwork.UnknownObjectError)
    [stb] = shown
    text = "\n".join(stb)
    assert "UnknownObjectError" in text and "unknown table 'nope'" in text
    assert "Traceback" not in text and len(stb) == 1


def test_malformed_sql_names_line_and_column(ip, capsys):
    r = run(ip, "%%migrate bad\nCREATE TABLE a (x INT);\nCREATE TABLE b (x INT,, y INT);")
    assert isinstance(r.error_in_exec, dbwork.ParseError)
    assert "line 2, column 22" in str(r.error_in_exec)


def test_data_loss_needs_the_flag(ip):
    run(ip, "%%migrate init\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n"
            "-- migrate:down\nDROP TABLE t;")
    ip.run_cell("import sqlite3; c = sqlite3.connect('dbwork.sqlite'); "
                "c.execute(\"INSERT INTO t VALUES (1, 'x')\"); c.commit(); c.close()")
    r = run(ip, "%%migrate drop_a\nALTER TABLE t DROP COLUMN a;")
    assert isinstance(r.error_in_exec, dbwork.DataLossRefused)
    magics = ip.magics_manager.registry["DbworkMagics"]
    consent = magics.consent
    assert consent is not None and "drop column t.a over 1 row(s)" in consent.status.value
    assert run(ip, "%history").result["name"].tolist() == ["init"]
    consent.button.click()
    assert consent.result[0].status == "applied" and "applied" in consent.status.value
    assert run(ip, "%history").result["name"].tolist() == ["init", "drop_a"]
    run(ip, "%rollback")
    r = run(ip, "%%migrate drop_a --allow-data-loss\nALTER TABLE t DROP COLUMN a;")
    assert r.success and r.result.status == "applied"


def test_bad_magic_arguments_are_usage_errors(ip, capsys):
    r = run(ip, "%rollback --nope")
    assert r.error_in_exec is not None and "UsageError" in type(r.error_in_exec).__name__
    r = run(ip, "%%migrate\nCREATE TABLE t (id INT);")
    assert r.error_in_exec is not None


def test_an_invalid_migration_name_is_a_dbwork_error(ip):
    r = run(ip, "%%migrate ../../etc\nCREATE TABLE t (id INT);")
    assert isinstance(r.error_in_exec, dbwork.ConfigError)


def test_lint_backups_and_rehearse(ip):
    run(ip, "%%migrate init\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);")
    ip.run_cell("import sqlite3; c = sqlite3.connect('dbwork.sqlite'); "
                "c.execute(\"INSERT INTO t VALUES (1, 'x')\"); c.commit(); c.close()")
    r = run(ip, "%%lint\nALTER TABLE t DROP COLUMN a;")
    assert r.success and any("DW" in str(f) for f in r.result)
    r = run(ip, "%%migrate drop_a --rehearse --allow-data-loss\nALTER TABLE t DROP COLUMN a;")
    assert r.success and r.result.ok
    assert run(ip, "%history").result["name"].tolist() == ["init"]
    run(ip, "%%migrate drop_a --allow-data-loss\nALTER TABLE t DROP COLUMN a;")
    r = run(ip, "%backups")
    assert r.success and len(r.result) == 1


def test_desired_state_adoption_and_docs(ip, tmp_path):
    r = run(ip, f"%detect sqlite:///{tmp_path}/app.sqlite --docs {tmp_path}/docs/schema.md")
    assert r.success
    ip.run_cell("import sqlalchemy as sa\nmd = sa.MetaData()\n"
                "sa.Table('notes', md, sa.Column('id', sa.Integer, primary_key=True), "
                "sa.Column('body', sa.Text, nullable=False))")
    r = run(ip, "%migrate_to from_models md")
    assert r.success and r.result.status == "applied"
    assert "notes" in (tmp_path / "docs" / "schema.md").read_text()
    (tmp_path / "flyway").mkdir()
    r = run(ip, f"%export from_models flyway {tmp_path}/flyway")
    assert r.success and list((tmp_path / "flyway").glob("V*__from_models.sql"))
    r = run(ip, "%%migrate whole --desired --dry-run\n"
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, tag TEXT);")
    assert r.success and "ADD COLUMN tag" in r.result.up
    r = run(ip, f"%existing_history {tmp_path}")
    assert r.success


def test_adopt_baselines_an_existing_database(ip, tmp_path):
    import sqlite3
    c = sqlite3.connect(tmp_path / "legacy.sqlite")
    c.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, v TEXT)")
    c.commit()
    c.close()
    run(ip, f"%detect sqlite:///{tmp_path}/legacy.sqlite")
    r = run(ip, "%adopt")
    assert r.success and r.result.status == "applied"
    r = run(ip, "%%migrate add_w\nALTER TABLE legacy ADD COLUMN w TEXT;")
    assert r.success and r.result.parent == run(ip, "%history").result["version"][0]


@pytest.mark.parametrize("magic", ["detect", "migrate", "rollback", "upgrade", "history",
                                   "erd", "backups", "lint", "migrate_to", "adopt",
                                   "existing_history", "export", "document"])
def test_every_magic_has_help(ip, magic):
    magics = ip.magics_manager.magics
    fn = magics["cell"].get(magic) or magics["line"].get(magic)
    assert fn is not None and fn.__doc__ and magic in fn.__doc__


def test_the_core_never_imports_ipython():
    import subprocess
    import sys
    code = ("import sys, dbwork; wb = dbwork.connect('sqlite:///:memory:'); "
            "wb.migrate('t', 'CREATE TABLE t (id INT);', dry_run=True); "
            "print(any(m.split('.')[0] in ('IPython', 'ipywidgets') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ambiguous_detect_asks_with_a_chooser_and_refuses_to_guess(ip):
    from pathlib import Path
    mono = Path(__file__).resolve().parents[1] / "fixtures" / "detect" / "monorepo"
    r = run(ip, f"%detect {mono}")
    assert r.success
    chooser = r.result
    labels = [label for label, _ in chooser.dropdown.options]
    assert len(labels) >= 2 and all("***" in label or "@" not in label.split("://")[-1]
                                   for label in labels)
    r = run(ip, "%history")
    assert isinstance(r.error_in_exec, dbwork.DbworkError)
    assert "--target" in str(r.error_in_exec)
    magics = ip.magics_manager.registry["DbworkMagics"]
    chosen = []
    magics_use = magics._use
    magics._use = lambda wb: chosen.append(wb) or magics_use(wb)
    chooser.button.click()
    assert chosen and "connected to" in chooser.status.value
    assert magics.pending_choice is None


def test_without_ipywidgets_a_refusal_is_still_data_loss_refused(ip, monkeypatch):
    """Widgets are optional: with ipywidgets missing, the refusal degrades to its text
    (DataLossRefused, which fails the cell), not ModuleNotFoundError."""
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    run(ip, "%%migrate init\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n"
            "-- migrate:down\nDROP TABLE t;")
    ip.run_cell("import sqlite3; c = sqlite3.connect('dbwork.sqlite'); "
                "c.execute(\"INSERT INTO t VALUES (1, 'x')\"); c.commit(); c.close()")
    r = run(ip, "%%migrate drop_a\nALTER TABLE t DROP COLUMN a;")
    assert isinstance(r.error_in_exec, dbwork.DataLossRefused), r.error_in_exec
    assert "--allow-data-loss" in str(r.error_in_exec) or "allow" in str(r.error_in_exec)
    assert ip.magics_manager.registry["DbworkMagics"].consent is None
    assert run(ip, "%history").result["name"].tolist() == ["init"]


def test_without_ipywidgets_an_ambiguous_detect_asks_in_text(ip, monkeypatch):
    from pathlib import Path
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    mono = Path(__file__).resolve().parents[1] / "fixtures" / "detect" / "monorepo"
    r = run(ip, f"%detect {mono}")
    assert type(r.error_in_exec) is dbwork.DbworkError, r.error_in_exec
    assert "--target" in str(r.error_in_exec)
    r = run(ip, "%history")
    assert isinstance(r.error_in_exec, dbwork.DbworkError)
