"""wb.runbook / %runbook: an executed notebook kept as a standalone HTML record with the
database's event log and each migration's scripts. The notebook really runs (nbclient,
a real kernel) before it is recorded."""
import getpass
import os
import sys

import nbformat
import pytest
from nbclient import NotebookClient

import dbwork
from dbwork.errors import DbworkError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def executed_notebook(folder, db) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Add posts, then take them back\n\nA test runbook."),
        nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {ROOT!r})\n"
                                  "%load_ext dbwork"),
        nbformat.v4.new_code_cell(f"%detect sqlite:///{db}"),
        nbformat.v4.new_code_cell("%%migrate add_posts\n"
                                  "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);"),
        nbformat.v4.new_code_cell('%rollback --reason "not needed after all"'),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "change.ipynb"
    nbformat.write(nb, path)
    return str(path)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runbook")
    db = folder / "app.sqlite"
    path = executed_notebook(folder, db)
    wb = dbwork.connect(f"sqlite:///{db}", folder / "migrations")
    try:
        out = wb.runbook(path)
    finally:
        wb.close()
    return out, out.read_text()


def test_the_record_is_standalone_html_beside_the_notebook(recorded):
    out, page = recorded
    assert out.name == "change.html" and page.lstrip().lower().startswith("<!doctype html")
    assert "<style" in page and '<link rel="stylesheet" href="http' not in page
    assert "Runbook: Add posts, then take them back" in page


def test_the_record_holds_the_event_log_who_and_why(recorded):
    _, page = recorded
    header = page.split('<section class="dbwork-runbook">', 1)[1].split("</section>")[0]
    assert header.count("<code>") >= 3  # the target and one version per event
    assert "<td>applied</td>" in header and "<td>rolled_back</td>" in header
    assert "not needed after all" in header
    assert f"<td>{getpass.getuser()}</td>" in header
    assert "CREATE TABLE posts" in header and "DROP TABLE posts" in header


def test_the_outputs_are_kept_as_seen(recorded):
    _, page = recorded
    body = page.split("</section>", 1)[1]
    assert "<svg" in body or "data:image/svg+xml;base64," in body  # the diagram, inline
    assert "add_posts" in body and "rolled" in body


def test_a_missing_or_broken_notebook_is_a_clear_error(tmp_path):
    wb = dbwork.connect(f"sqlite:///{tmp_path}/x.sqlite", tmp_path / "m")
    try:
        with pytest.raises(DbworkError, match="no notebook"):
            wb.runbook(tmp_path / "nope.ipynb")
        (tmp_path / "bad.ipynb").write_text("{ not json")
        with pytest.raises(DbworkError, match="not a notebook"):
            wb.runbook(tmp_path / "bad.ipynb")
    finally:
        wb.close()




def test_runbook_magic_finds_this_notebook_or_asks(ip, tmp_path, monkeypatch, recorded):
    ip.run_cell(f"%detect sqlite:///{tmp_path}/m.sqlite")
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    r = ip.run_cell("%runbook")
    assert "which notebook" in str(r.error_in_exec)
    source, _ = recorded
    notebook = source.with_suffix(".ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    r = ip.run_cell(f"%runbook --to {tmp_path}/record.html")
    assert r.success, r.error_in_exec
    assert (tmp_path / "record.html").read_text().count("dbwork-runbook") == 1
    assert sys.modules["dbwork"] is dbwork
