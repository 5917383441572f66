"""A backend added from outside dbwork: one package (tests/fixtures/toy_backend) and one
``register`` call. It runs through the same Workbench: parse, plan with backups, apply
under its lock, history, files, rollback that restores the data, and clear errors."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import dbwork
from dbwork.backends import get_backend, names, register, unregister
from dbwork.errors import ConfigError, DataLossRefused, ParseError, UnknownObjectError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import toy_backend  # noqa: E402


@pytest.fixture
def shelf(tmp_path):
    register(toy_backend.SPEC)
    wb = dbwork.connect(f"shelf:///{tmp_path}/books.json")
    yield wb, tmp_path / "books.json"
    unregister("shelf")


def _put(path: Path, collection: str, docs: list) -> None:
    data = json.loads(path.read_text())
    data["collections"][collection] = docs
    path.write_text(json.dumps(data))


def test_registering_the_package_is_all_it_takes(shelf):
    assert "shelf" in names() and get_backend("shelf").local_file
    wb, path = shelf
    assert wb.migrate("add", "CREATE shelf books\nCREATE shelf authors").status == "applied"
    assert set(json.loads(path.read_text())["collections"]) == {"books", "authors"}
    files = sorted(p.name for p in (path.parent / "migrations").iterdir())
    assert len(files) == 1 and files[0].endswith("_add.shelf")


def test_a_drop_is_refused_then_backed_up_and_rolled_back_with_its_documents(shelf):
    wb, path = shelf
    wb.migrate("add", "CREATE shelf authors")
    _put(path, "authors", [{"_id": 1, "name": "Ann"}])
    with pytest.raises(DataLossRefused):
        wb.migrate("drop", "DROP shelf authors")
    wb.migrate("drop", "DROP shelf authors", allow_data_loss=True)
    assert "authors" not in json.loads(path.read_text())["collections"]
    assert [m.status for m in wb.rollback()] == ["rolled_back"]
    assert json.loads(path.read_text())["collections"]["authors"] == [{"_id": 1, "name": "Ann"}]
    assert list(wb.history()["status"]) == ["applied", "rolled_back"]


def test_bad_input_is_refused_before_the_file_changes(shelf):
    wb, path = shelf
    wb.migrate("add", "CREATE shelf books")
    before = path.read_text()
    with pytest.raises(ParseError) as e:
        wb.migrate("bad", "CREATE shelf ok\nCREATE table x")
    assert e.value.line == 2
    with pytest.raises(UnknownObjectError):
        wb.migrate("bad2", "DROP shelf nope")
    assert path.read_text() == before


def test_an_unregistered_scheme_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="unsupported database URL scheme 'shelf'"):
        dbwork.connect(f"shelf:///{tmp_path}/x.json")
