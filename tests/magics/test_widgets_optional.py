"""Widgets are optional (issue 9, point 7): in a kernel where ipywidgets cannot be
imported, a refused ``%%migrate`` still raises ``DataLossRefused`` and an ambiguous
``%detect`` asks in text (``DbworkError`` naming ``--target``), never
``ModuleNotFoundError``.

Each case runs in a fresh interpreter that has never imported ipywidgets, with an import
hook that makes one module unimportable: ``ipywidgets`` itself (not installed), or its
dependency ``comm`` (installed but broken: ``find_spec('ipywidgets')`` still finds it).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MONOREPO = ROOT / "tests" / "fixtures" / "detect" / "monorepo"

KERNEL = r'''
import json, sqlite3, sys

class Hide:
    """An import hook under which {blocked!r} (and its submodules) cannot be imported."""
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, Hide())
from IPython.core.history import HistoryAccessor
from IPython.core.interactiveshell import InteractiveShell
HistoryAccessor.enabled = False
ip = InteractiveShell.instance()
ip.run_cell("%load_ext dbwork")
out = {{}}
ip.run_cell("%%migrate init\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n"
            "-- migrate:down\nDROP TABLE t;")
c = sqlite3.connect("dbwork.sqlite"); c.execute("INSERT INTO t VALUES (1, 'x')"); c.commit(); c.close()
r = ip.run_cell("%%migrate drop_a\nALTER TABLE t DROP COLUMN a;")
out["refusal"] = type(r.error_in_exec).__name__
out["refusal_text"] = str(r.error_in_exec)
out["consent"] = repr(ip.magics_manager.registry["DbworkMagics"].consent)
r = ip.run_cell("%history")
out["history"] = r.result["name"].tolist()
r = ip.run_cell("%detect {monorepo}")
out["chooser"] = type(r.error_in_exec).__name__
out["chooser_text"] = str(r.error_in_exec)
out["widgets_loaded"] = "ipywidgets" in sys.modules
print(json.dumps(out))
'''


def kernel_without(blocked: str, cwd: Path) -> dict:
    code = KERNEL.format(blocked=blocked, monorepo=MONOREPO)
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("blocked", ["ipywidgets", "comm"])
def test_without_importable_widgets_the_magics_answer_in_text(blocked, tmp_path):
    out = kernel_without(blocked, tmp_path)
    assert out["refusal"] == "DataLossRefused", out
    assert "allow" in out["refusal_text"]
    assert out["consent"] == "None"            # no widget was offered
    assert out["history"] == ["init"]          # the refused change did not run
    assert out["chooser"] == "DbworkError", out
    assert "--target" in out["chooser_text"]
    assert out["widgets_loaded"] is False
