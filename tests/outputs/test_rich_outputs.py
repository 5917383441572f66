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
    assert "body" in after  # the diagram after: the column is back
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
