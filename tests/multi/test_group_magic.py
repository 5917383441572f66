"""%%migrate NAME --targets a,b with -- target: sections in a real IPython shell; the
ordinary %%migrate still works; %check and %rollback_group."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pymongo
import pytest
from IPython.core.history import HistoryAccessor
from IPython.core.interactiveshell import InteractiveShell

import dbwork
from dbwork.errors import GroupFailed


ROOT = Path(__file__).resolve().parents[2]


def this_checkouts_magics(monkeypatch) -> None:
    """dbwork.magics is mapped to magics/ by the editable install of the main checkout;
    in another worktree, load this checkout's magics/ under that name instead."""
    import dbwork.magics
    if Path(dbwork.magics.__file__).resolve().parent == ROOT / "magics":
        return
    spec = importlib.util.spec_from_file_location(
        "dbwork.magics", ROOT / "magics" / "__init__.py",
        submodule_search_locations=[str(ROOT / "magics")])
    module = importlib.util.module_from_spec(spec)
    for name in [n for n in sys.modules if n.startswith("dbwork.magics")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "dbwork.magics", module)
    spec.loader.exec_module(module)


@pytest.fixture
def ip(tmp_path, monkeypatch):
    this_checkouts_magics(monkeypatch)
    monkeypatch.chdir(tmp_path)
    import builtins
    if hasattr(builtins, "_"):
        monkeypatch.delattr(builtins, "_")
    HistoryAccessor.enabled = False
    shell = InteractiveShell.instance()
    shell.run_cell("%load_ext dbwork")
    yield shell
    for value in list(shell.user_ns.values()):
        if isinstance(value, dbwork.Group):
            value.close()
    magics = shell.magics_manager.registry.get("DbworkMagics")
    if magics and magics.workbench:
        magics.workbench.close()
    InteractiveShell.clear_instance()


CELL = """-- target: main
CREATE TABLE events (id INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL);
-- target: backup
db.createCollection('events_raw')
db.legacy.insertOne({_id: 1})
"""


def test_targets_cell_failure_undone_then_mirror_check_and_group_rollback(ip, pg_url, mongo_url,
                                                                          tmp_path):
    ip.user_ns.update(pg_url=pg_url, mongo_url=mongo_url)
    assert ip.run_cell("import dbwork\n"
                       "g = dbwork.connect_many({'main': pg_url, 'backup': mongo_url})").success
    g = ip.user_ns["g"]
    base, name = mongo_url.rsplit("/", 1)
    db = pymongo.MongoClient(base + "/", serverSelectionTimeoutMS=3000)[name]
    db.legacy.insert_one({"_id": 1})
    r = ip.run_cell(f"%%migrate add_events --targets main,backup\n{CELL}")
    assert not r.success and isinstance(r.error_in_exec, GroupFailed)
    assert "Undone: main" in str(r.error_in_exec)
    assert not g["main"].schema().has_table("events")
    assert "events_raw" not in db.list_collection_names()
    # the main section only, mirrored into backup
    r = ip.run_cell(f"%%migrate add_events --targets main --mirror main:events backup\n{CELL}")
    assert r.success, r.error_in_exec
    assert r.result.statuses() == {"main": "applied", "backup": "applied"}
    assert "events" in db.list_collection_names()
    r = ip.run_cell("%check events --key id")
    assert r.success and r.result.ok
    r = ip.run_cell("%rollback_group")
    assert r.success and r.result.statuses() == {"main": "rolled_back", "backup": "rolled_back"}
    r = ip.run_cell("%%migrate x --targets nope\nSELECT 1")
    assert not r.success


def test_the_ordinary_migrate_still_works(ip, tmp_path):
    assert ip.run_cell(f"%detect sqlite:///{tmp_path}/app.sqlite").success
    r = ip.run_cell("%%migrate init\nCREATE TABLE notes (id INTEGER PRIMARY KEY);")
    assert r.success and r.result.status == "applied"
    r = ip.run_cell("%%migrate init2 --dry-run\nCREATE TABLE more (id INTEGER PRIMARY KEY);")
    assert r.success and r.result.dry_run
