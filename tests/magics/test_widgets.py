"""The widgets, driven headless in Python (Button.click(), value changes) against real
SQLite databases: the migration panel (plan, rehearse, apply, confirm a destructive
change, roll back after a preview), the schema browser, the detection view and the
consent widget; each with a static view for saved notebooks."""
import sqlite3
from pathlib import Path

import pytest
from IPython.core.history import HistoryAccessor
from IPython.core.interactiveshell import InteractiveShell

import dbwork

pytest.importorskip("ipywidgets")
from dbwork.magics.widgets import (consent_widget, detection_view, migration_panel,  # noqa: E402
                                   schema_browser)

INIT = """CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
                    title TEXT, body TEXT);
CREATE INDEX ix_posts_user ON posts (user_id);"""
MONOREPO = Path(__file__).resolve().parents[1] / "fixtures" / "detect" / "monorepo"


@pytest.fixture
def shell(monkeypatch):
    import builtins
    if hasattr(builtins, "_"):  # left by doctests' displayhook; IPython then keeps off `_`
        monkeypatch.delattr(builtins, "_")
    HistoryAccessor.enabled = False
    yield InteractiveShell.instance()  # Output.append_display_data formats through it
    InteractiveShell.clear_instance()


@pytest.fixture
def wb(tmp_path, shell):
    db = tmp_path / "app.sqlite"
    w = dbwork.connect(f"sqlite:///{db}", migrations=tmp_path / "mig")
    w.migrate("init", INIT)
    with sqlite3.connect(db) as c:
        c.executescript("INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');"
                        "INSERT INTO posts VALUES (1, 1, 't', 'b1'), (2, 2, 'u', 'b2');")
    yield w
    w.close()


def shown(out) -> str:
    """The HTML (or text) an Output widget holds."""
    return "\n".join(o["data"].get("text/html", o["data"].get("text/plain", ""))
                     for o in out.outputs)


def columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[1] for r in c.execute(f"PRAGMA table_info({table})")]


def test_panel_plans_rehearses_and_applies(wb, tmp_path):
    panel = migration_panel(wb)
    assert [r["status"] for r in panel.rows] == ["applied"] and "init" in panel.listing.value
    panel.name.value, panel.text.value = "add_bio", "ALTER TABLE users ADD COLUMN bio TEXT;"
    panel.plan.click()
    assert panel.last.dry_run and panel.last.status == "planned"
    assert "bio" not in columns(tmp_path / "app.sqlite", "users")
    assert "dry run" in shown(panel.out)
    panel.rehearse.click()
    assert panel.last.ok and "bio" not in columns(tmp_path / "app.sqlite", "users")
    panel.apply.click()
    assert panel.last.status == "applied" and "bio" in columns(tmp_path / "app.sqlite", "users")
    assert [r["name"] for r in panel.rows] == ["init", "add_bio"]
    assert "add_bio" in panel.listing.value and "migration" in shown(panel.out)


def test_a_destructive_change_asks_then_shows_the_card(wb, tmp_path):
    panel = migration_panel(wb, name="drop_body")
    panel.text.value = "ALTER TABLE posts DROP COLUMN body;"
    panel.plan.click()  # planning changes nothing: the card lists what would be lost
    assert panel.last.dry_run and any("drop column posts.body over 2 row(s)" in w
                                      for w in panel.last.warnings)
    panel.rehearse.click()
    assert panel.last.ok and panel.confirm.layout.display == "none"
    assert "body" in columns(tmp_path / "app.sqlite", "posts")
    panel.apply.click()
    assert panel.confirm.layout.display != "none" and panel.confirm.description == "Apply anyway"
    assert "drop column posts.body over 2 row(s)" in panel.question.value
    assert "body" in columns(tmp_path / "app.sqlite", "posts")  # nothing yet
    panel.cancel.click()
    assert panel.confirm.layout.display == "none" and panel.pending_action is None
    assert "body" in columns(tmp_path / "app.sqlite", "posts")
    panel.apply.click()
    panel.confirm.click()
    assert panel.last.status == "applied" and "body" not in columns(tmp_path / "app.sqlite", "posts")
    card = shown(panel.out)
    assert "drop_body" in card and "forward script" in card
    assert panel.confirm.layout.display == "none"


def test_roll_back_previews_then_restores_schema_and_rows(wb, tmp_path):
    wb.migrate("drop_body", "ALTER TABLE posts DROP COLUMN body;", allow_data_loss=True)
    panel = migration_panel(wb)
    panel.rollback.click()
    assert panel.last.dry_run and "body" not in columns(tmp_path / "app.sqlite", "posts")
    assert panel.confirm.description == "Roll back" and "drop_body" in panel.question.value
    panel.confirm.click()
    assert panel.last.status == "rolled_back"
    with sqlite3.connect(tmp_path / "app.sqlite") as c:
        assert c.execute("SELECT body FROM posts ORDER BY id").fetchall() == [("b1",), ("b2",)]
    assert "rolled back migration" in shown(panel.out) and "rows restored" in shown(panel.out)
    assert [r["status"] for r in panel.rows] == ["applied", "rolled_back"]


def test_errors_show_inside_the_panel(wb, tmp_path):
    panel = migration_panel(wb)
    panel.apply.click()  # no name
    assert isinstance(panel.error, dbwork.DbworkError) and "name" in shown(panel.out)
    panel.name.value, panel.text.value = "bad", "ALTER TABLE nope ADD COLUMN x TEXT;"
    panel.apply.click()
    assert "nope" in str(panel.error) and "#dc2626" in shown(panel.out)
    assert [r["name"] for r in panel.rows] == ["init"]


def test_the_panel_reads_well_saved(wb):
    panel = migration_panel(wb, name="add_age")
    panel.text.value = "ALTER TABLE users ADD COLUMN age INTEGER;"
    panel.apply.click()
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live: the widget
    assert bundle["text/plain"].splitlines() == [
        "migrations: 2 applied", f"  {wb.history()['version'][0]} init [applied]",
        f"  {wb.history()['version'][1]} add_age [applied]"]
    html = bundle["text/html"]
    assert "add_age" in html and "last result" in html and "saved view" in html
    assert "VBox(" not in html + bundle["text/plain"]


def test_schema_browser_follows_the_selection(wb):
    b = schema_browser(wb)
    assert list(b.select.options) == ["posts", "users"] and b.select.value == "posts"
    assert "ix_posts_user" in b.details.value and "FK → users.id" in b.details.value
    assert "data:image/svg+xml;base64," in b.diagram.value or "DOT source" in b.diagram.value
    b.select.value = "users"
    assert "referenced by" in b.details.value and "posts" in b.details.value
    assert "ix_posts_user" not in b.details.value
    wb.migrate("tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);")
    b.refresh.click()
    assert "tags" in b.select.options and b.select.value == "users"
    bundle = b._repr_mimebundle_()
    assert bundle["text/plain"].splitlines()[:2] == ["schema browser: 3 table(s)", "    posts"]
    assert "  > users" in bundle["text/plain"] and "around users" in bundle["text/html"]
    with pytest.raises(dbwork.DbworkError, match="unknown table 'nope'"):
        schema_browser(wb, "nope")


def test_detection_view_shows_evidence_and_connects(shell):
    found = dbwork.detect(str(MONOREPO))
    connected = []
    v = detection_view(found, lambda t: connected.append(t.name) or t.name)
    assert len(v.select.options) == len(found.targets) >= 2
    assert all("***" in label or "@" not in label for label, _ in v.select.options)
    first = found.targets[0]
    assert first.evidence[0].where in v.evidence.value
    v.select.value = 1
    assert found.targets[1].evidence[0].where in v.evidence.value
    v.button.click()
    assert connected == [found.targets[1].name] and "connected to" in v.status.value
    bundle = v._repr_mimebundle_()
    assert bundle["text/plain"] == str(found) and bundle["text/html"] == found._repr_html_()


def test_consent_widget_applies_then_shows_the_card(wb, tmp_path):
    with pytest.raises(dbwork.DataLossRefused) as refused:
        wb.migrate("drop_title", "ALTER TABLE posts DROP COLUMN title;")
    box = consent_widget(refused.value, lambda: wb.migrate(
        "drop_title", "ALTER TABLE posts DROP COLUMN title;", allow_data_loss=True))
    saved = box._repr_mimebundle_()
    assert "not applied" in saved["text/html"] and saved["text/plain"].startswith("refused")
    box.button.click()
    assert "title" not in columns(tmp_path / "app.sqlite", "posts")
    assert "drop_title" in shown(box.out) and "forward script" in shown(box.out)
    saved = box._repr_mimebundle_()
    assert saved["text/plain"] == "applied drop_title with data loss allowed"
    assert "forward script" in saved["text/html"]


def test_the_magics_return_the_widgets(tmp_path, monkeypatch, shell):
    monkeypatch.chdir(tmp_path)
    shell.run_cell("%load_ext dbwork")
    shell.run_cell(f"%detect sqlite:///{tmp_path}/m.sqlite")
    shell.run_cell("%%migrate init\nCREATE TABLE t (id INTEGER PRIMARY KEY);")
    r = shell.run_cell("%migrations")
    assert r.success and [row["name"] for row in r.result.rows] == ["init"]
    r = shell.run_cell("%browse t")
    assert r.success and r.result.select.value == "t"
    r = shell.run_cell("%browse nope")
    assert isinstance(r.error_in_exec, dbwork.DbworkError)
    r = shell.run_cell(f"%detection {MONOREPO}")
    assert r.success and len(r.result.select.options) >= 2
    r.result.button.click()
    core = shell.magics_manager.registry["DbworkMagics"]
    assert core.workbench.display_url == r.result.detection.targets[0].display_url
    core.workbench.close()


def test_the_saved_view_follows_the_clicks(wb, shell):
    """Displayed (as a cell result is), the panel publishes a display with an id; each
    action updates that display, so a notebook saved after clicking shows the outcome."""
    from IPython.core.displaypub import CapturingDisplayPublisher
    shell.display_pub = CapturingDisplayPublisher()
    panel = migration_panel(wb, name="add_age")
    shell.displayhook(panel)
    assert shell.user_ns["_"] is panel  # the cell's value is still the widget
    [first] = shell.display_pub.outputs
    display_id = first["transient"]["display_id"]
    assert "add_age" not in first["data"]["text/plain"]
    panel.text.value = "ALTER TABLE users ADD COLUMN age INTEGER;"
    panel.apply.click()
    update = shell.display_pub.outputs[-1]
    assert update["update"] and update["transient"]["display_id"] == display_id
    assert "add_age [applied]" in update["data"]["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in update["data"]
