"""%%seed in a real IPython shell: rows in the cell, kept as the environment's seed
file with its key, a re-run that changes nothing, a bad cell that fails and writes
no file."""
from __future__ import annotations

import pytest

from dbwork.data.report import SeedReport
from dbwork.errors import SeedError

@pytest.fixture
def ip(ip, tmp_path):
    """The shared shell (tests/conftest.py), on a SQLite file holding ``plans``."""
    ip.run_cell(f"%detect sqlite:///{tmp_path}/app.sqlite")
    ip.run_cell("%%migrate init\nCREATE TABLE plans (id INTEGER PRIMARY KEY, "
                "code VARCHAR(10) NOT NULL UNIQUE, price NUMERIC(8, 2) NOT NULL);")
    return ip


@pytest.mark.parametrize("fmt, cell", [
    ("csv", "id,code,price\n1,free,0\n2,pro,12.5"),
    ("json", '[{"id": 1, "code": "free", "price": 0},\n {"id": 2, "code": "pro", "price": 12.5}]'),
    ("yaml", "- {id: 1, code: free, price: 0}\n- {id: 2, code: pro, price: 12.5}"),
])
def test_seed_cell_saves_the_file_with_its_key_and_reruns_unchanged(ip, tmp_path, fmt, cell):
    r = ip.run_cell(f"%%seed plans --env dev --key code\n{cell}")
    assert r.success and isinstance(r.result, SeedReport)
    assert r.result.total("inserted") == 2 and ip.user_ns["_"] is r.result
    saved = tmp_path / "seeds" / "dev" / f"plans.{fmt}"
    assert saved.exists()
    again = ip.run_cell("wb = _dbwork = __import__('dbwork').connect("
                        f"'sqlite:///{tmp_path}/app.sqlite', migrations='{tmp_path}/migrations')\n"
                        "wb.seed(env='dev')").result
    assert again.changed is False and again.tables[0].key == ("code",)

def test_bad_cell_fails_and_writes_no_file(ip, tmp_path):
    r = ip.run_cell("%%seed plans --env dev\nid,code,price\n1,free\n")
    assert isinstance(r.error_in_exec, SeedError) and "line 2" in str(r.error_in_exec)
    assert not (tmp_path / "seeds" / "dev" / "plans.csv").exists()
    r = ip.run_cell("%%seed plans\n[{\"id\": 1, \"code\": \"x\", \"price\": -1, \"nope\": 2}]")
    assert isinstance(r.error_in_exec, SeedError) and "'nope'" in str(r.error_in_exec)
