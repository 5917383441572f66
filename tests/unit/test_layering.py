"""Layering that holds (issue 9): the import contracts in pyproject.toml
([tool.importlinter]) and ruff's likely-bug rules run as tests, so CI enforces them."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: scripts/setup.sh installs the dev extra")
    return found


def test_import_contracts_are_kept():
    out = subprocess.run([tool("lint-imports"), "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "broken" in out.stdout and " 0 broken" in out.stdout



def test_ruff_finds_no_likely_bug():
    out = subprocess.run([tool("ruff"), "check", "dbwork", "magics"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:]
