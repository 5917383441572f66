"""Databases for the adoption tests: the same helper as tests/diff (loaded by path)."""
import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "tests_diff_conftest", Path(__file__).resolve().parents[1] / "diff" / "conftest.py")
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
sys.modules["tests_diff_conftest"] = _mod
