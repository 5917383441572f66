"""Rich outputs survive where notebooks are read: JupyterLab untrusted (its sanitizer's
allow-list, reproduced in jupyterlab_sanitizer.py) and nbconvert's HTML export. The
diagram is an <img> with an SVG data URI, the scripts are monospace <pre> blocks, the
rollback script is collapsed, SQLite's rebuild internals are summarised, and every
output has a short stable text/plain."""
import base64
import re
import sqlite3

import pytest

import dbwork
from dbwork.graphs.erd import has_dot

from jupyterlab_sanitizer import sanitize

pytestmark = pytest.mark.skipif(not has_dot(), reason="Graphviz's dot is not installed")

INIT = """
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
                    title TEXT, body TEXT);
"""


@pytest.fixture
def wb(tmp_path):
    w = dbwork.connect(f"sqlite:///{tmp_path / 'app.sqlite'}", migrations=tmp_path / "mig")
    w.migrate("init", INIT)
    with sqlite3.connect(tmp_path / "app.sqlite") as db:
        db.executescript("INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');"
                         "INSERT INTO posts VALUES (1, 1, 't', 'b1'), (2, 2, 'u', 'b2');")
    yield w
    w.close()


def images(html: str) -> list[str]:
    """The SVG documents inside <img src="data:image/svg+xml;base64,..."> elements."""
    return [base64.b64decode(m).decode() for m in
            re.findall(r'<img[^>]*src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]


def text_of(html: str) -> str:
    import html as h
    return h.unescape(re.sub(r"<[^>]+>", "", html))


def test_the_card_survives_jupyterlab_untrusted(wb):
    m = wb.migrate("drop_body", "ALTER TABLE posts DROP COLUMN body;", allow_data_loss=True)
    bundle = m._repr_mimebundle_()
    assert {"text/html", "image/svg+xml", "text/plain"} <= set(bundle)
    assert bundle["text/plain"] == repr(m) and "\n" not in bundle["text/plain"]
    raw = bundle["text/html"]
    assert "<svg" not in raw  # raw SVG is what the sanitizer flattens to text
    clean = sanitize(raw)
    [svg] = images(clean)
    assert "<svg" in svg and "posts" in svg and "user_id" in svg
    # the scripts: monospace blocks, forward open, rollback collapsed
    pres = re.findall(r'<pre class="dbwork-sql">(.*?)</pre>', clean, re.S)
    assert len(pres) == 2
    forward, rollback = (text_of(p) for p in pres)
    assert "CREATE TABLE _dbwork_bak_" in forward
    assert "rebuild table posts (SQLite)" in forward and "_alembic_tmp" not in forward
    assert "ALTER TABLE posts ADD COLUMN body TEXT;" in rollback
    assert "_alembic_tmp_posts" in m.up  # the migration itself keeps every statement
    opens = re.findall(r'<details( open(?:="")?)?><summary><b>(forward|rollback) script', clean)
    assert opens == [(" open=\"\"", "forward"), ("", "rollback")]
    # no style text leaks, no hard-coded light background
    assert "--jp-" not in text_of(clean)
    assert not any("background" in s for s in re.findall(r'style="([^"]*)"', raw))
    assert "data loss allowed: drop column posts.body over 2 row(s)" in text_of(clean)


def test_theme_css_uses_jupyterlab_variables_with_fallbacks(wb):
    m = wb.migrate("add_age", "ALTER TABLE users ADD COLUMN age INTEGER;")
    raw = m._repr_html_()
    for var in ("--jp-layout-color1", "--jp-content-font-color1", "--jp-code-font-family"):
        assert re.search(rf"var\({var}, [^)]+\)", raw), var
    # inline styles use only values JupyterLab keeps (so they are the same untrusted)
    inline = re.findall(r'style="([^"]*)"', raw)
    assert inline and all("var(" not in s for s in inline)


def test_the_erd_and_the_rollback_card_survive(wb):
    g = wb.erd()
    bundle = g._repr_mimebundle_()
    assert {"text/html", "image/svg+xml", "text/plain"} <= set(bundle)
    [svg] = images(sanitize(bundle["text/html"]))
    assert svg == bundle["image/svg+xml"]
    wb.migrate("drop_body", "ALTER TABLE posts DROP COLUMN body;", allow_data_loss=True)
    [rolled] = wb.rollback()
    html = sanitize(rolled._repr_html_())
    text = text_of(html)
    assert "rolled back migration" in text and "undone" in text
    assert "data loss allowed" not in text  # not the forward card's old warnings
    assert re.search(r"posts\s*2\s*_dbwork_bak_\d+_1", text), text  # rows restored
    [after] = images(html)
    assert "body" in after  # the diagram after: the column is back, marked
    assert "  + body TEXT (added)" in rolled.erd.text() and "what the rollback changed" in text
    assert re.findall(r'<details( open(?:="")?)?><summary><b>(rollback script that ran|forward script)',
                      html) == [(" open=\"\"", "rollback script that ran"), ("", "forward script")]


def test_nbconvert_html_export_keeps_diagram_and_scripts(wb):
    nbformat = pytest.importorskip("nbformat")
    from nbconvert import HTMLExporter
    m = wb.migrate("drop_body", "ALTER TABLE posts DROP COLUMN body;", allow_data_loss=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%%migrate drop_body")
    cell.outputs = [nbformat.v4.new_output("display_data", data=m._repr_mimebundle_()),
                    nbformat.v4.new_output("display_data", data=wb.erd()._repr_mimebundle_())]
    nb.cells.append(cell)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert len(images(body)) == 2
    assert "rebuild table posts (SQLite)" in text_of(body)
    assert 'class="dbwork-sql"' in body and "--jp-code-font-family" in body


def test_results_read_as_results(wb, tmp_path):
    from IPython.core.formatters import DisplayFormatter
    fmt = DisplayFormatter()
    schema, _ = fmt.format(wb.schema())
    assert schema["text/plain"].splitlines()[0] == "schema: 2 table(s)"
    assert "posts (4 column(s); PK id; refs users)" in schema["text/plain"]
    clean = sanitize(schema["text/html"])
    assert "<table" in clean and "FK → users.id" in text_of(clean)

    lint, _ = fmt.format(wb.lint("ALTER TABLE posts DROP COLUMN title;"))
    assert lint["text/plain"].startswith("DW102 warning: drop column posts.title")
    assert "DW102" in text_of(sanitize(lint["text/html"])) and "| DW102 |" in lint["text/markdown"]

    hist = wb.history()
    assert len(hist["checksum"][0]) == 64  # the data is whole; only the view is tidy
    shown, _ = fmt.format(hist)
    assert hist["checksum"][0][:12] in shown["text/html"]
    assert hist["checksum"][0] not in shown["text/html"] + shown["text/plain"]
    assert "error" not in shown["text/plain"]  # empty in every row: hidden
    assert type(hist[["name"]]).__name__ == "DataFrame"

    wb.migrate("drop_body", "ALTER TABLE posts DROP COLUMN body;", allow_data_loss=True)
    backups, _ = fmt.format(wb.backups())
    assert "posts" in backups["text/plain"] and "_dbwork_bak_" in backups["text/html"]

    doc = wb.document(tmp_path / "docs" / "schema.md")
    shown, _ = fmt.format(doc)
    assert shown["text/plain"] == f"schema documentation written to {doc}"
    assert "## posts" in shown["text/markdown"] and "![ER diagram]" not in shown["text/markdown"]
    assert doc.read_text().startswith("# Database schema")


def test_the_change_diagram_survives_with_its_marks_and_legend(wb):
    m = wb.migrate("reshape", "ALTER TABLE users ADD COLUMN bio TEXT;\n"
                              "ALTER TABLE posts DROP COLUMN body;\n"
                              "ALTER TABLE posts RENAME COLUMN title TO headline;",
                   allow_data_loss=True)
    assert "  + bio TEXT (added)" in m.erd.text()
    assert "  > headline TEXT (renamed from title)" in m.erd.text()
    assert "  - body TEXT (dropped)" in m.erd.text()
    [svg] = images(sanitize(m._repr_html_()))
    for word in ("headline", "was title", "body", "+ added", "renamed", "dropped"):
        assert word in svg.replace("&#160;", " "), word
    assert 'text-decoration="line-through"' in svg  # the dropped column is struck through
    planned = wb.migrate("add_age", "ALTER TABLE users ADD COLUMN age INTEGER;", dry_run=True)
    assert "  + age INTEGER (added)" in planned.erd.text()  # a dry run draws the plan
    [svg] = images(sanitize(planned._repr_html_()))
    assert "age" in svg


def widget_outputs(wb):
    """The saved bundles of the panel, the browser and the detection view, as a notebook
    keeps them (the widget view is useless without a kernel; the HTML must carry it)."""
    pytest.importorskip("ipywidgets")
    from IPython.core.interactiveshell import InteractiveShell
    from dbwork.magics.widgets import detection_view, migration_panel, schema_browser
    InteractiveShell.instance()
    try:
        panel = migration_panel(wb, name="drop_body")
        panel.text.value = "ALTER TABLE posts DROP COLUMN body;"
        panel.apply.click()
        panel.confirm.click()
        browser = schema_browser(wb, "posts")
        fixtures = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures"
        view = detection_view(dbwork.detect(str(fixtures / "detect" / "monorepo")))
        return [w._repr_mimebundle_() for w in (panel, browser, view)]
    finally:
        InteractiveShell.clear_instance()


def test_the_widgets_saved_views_survive_jupyterlab_untrusted(wb):
    panel, browser, view = widget_outputs(wb)
    clean = sanitize(panel["text/html"])
    text = text_of(clean)
    assert "init" in text and "drop_body" in text and "applied" in text
    assert "last result" in text and "forward script" in text  # the card it applied
    [svg] = images(clean)
    assert "body" in svg  # the card's change diagram: the dropped column, struck
    assert panel["text/plain"].startswith("migrations: 2 applied")
    clean = sanitize(browser["text/html"])
    assert "FK → users.id" in text_of(clean) and len(images(clean)) == 1
    assert "VBox" not in panel["text/plain"] + browser["text/plain"] + view["text/plain"]
    assert "database" in text_of(sanitize(view["text/html"])).lower()


def test_nbconvert_shows_the_widgets_saved_views(wb):
    nbformat = pytest.importorskip("nbformat")
    from nbconvert import HTMLExporter
    nb = nbformat.v4.new_notebook()
    for bundle in widget_outputs(wb):
        cell = nbformat.v4.new_code_cell("%migrations")
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        nb.cells.append(cell)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    text = text_of(body)
    assert "drop_body" in text and "schema: 2 table(s)" in text and "saved view" in text
    assert len(images(body)) == 2  # the card's diagram and the browser's neighbourhood


def test_a_rehearsal_reads_as_a_result(wb):
    report = wb.rehearse("drop_body", "ALTER TABLE posts DROP COLUMN body;", allow_data_loss=True)
    clean = sanitize(report._repr_html_())
    text = text_of(clean)
    assert "rehearsal of drop_body on a copy" in text and "[passed]" in text
    assert "schema after down equals beforeok" in text.replace("\n", "")
    assert re.search(r"<td>up</td><td>\d+\.\d{3}</td>", clean)  # the steps, timed
    assert repr(report) == "<RehearsalReport drop_body ok>"


def test_the_rollback_diagram_marks_what_came_back(tmp_path):
    """After a rollback the diagram marks what it changed: the dropped column back
    (added), the rename undone (renamed, from the new name), the added column and the
    created table gone (dropped); dbwork's backup tables are not drawn."""
    import sqlite3
    wb = dbwork.connect(f"sqlite:///{tmp_path / 'a.sqlite'}", migrations=tmp_path / "mig")
    wb.migrate("init", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
                       "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL "
                       "REFERENCES users(id), title TEXT, body TEXT);")
    with sqlite3.connect(tmp_path / "a.sqlite") as c:
        c.execute("INSERT INTO users VALUES (1, 'a')")
        c.execute("INSERT INTO posts VALUES (1, 1, 't', 'b')")
    wb.migrate("reshape", "ALTER TABLE posts DROP COLUMN body;\n"
                          "ALTER TABLE posts RENAME COLUMN title TO headline;\n"
                          "ALTER TABLE users ADD COLUMN bio TEXT;\n"
                          "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);",
               allow_data_loss=True)
    [rolled] = wb.rollback()
    text = rolled.erd.text()
    assert "  + body TEXT (added)" in text and "  > title TEXT (renamed from headline)" in text
    assert "  - bio TEXT (dropped)" in text and "tags (dropped)" in text
    assert "_dbwork_bak" not in text
    wb.close()
