"""The distribution ships every package the code has (the package list is explicit,
because magics/ is installed as dbwork.magics)."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "dbwork").rglob("__init__.py")}
    assert found - listed == set()
    assert "dbwork.magics" in listed
    assert config["tool"]["setuptools"]["package-dir"]["dbwork.magics"] == "magics"


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1].strip()
    assert ci in (ROOT / "README.md").read_text()


def test_test_modules_have_unique_names():
    """pytest imports test files by basename (no packages): two alike break collection."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_no_test_imports_from_conftest():
    """Several conftest.py share the module name 'conftest': importing from it picks
    whichever pytest loaded last. Shared helpers live in modules with unique names."""
    pattern = "from " + "conftest import"  # (spelled so this file does not match)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
                 if pattern in p.read_text()]
    assert offenders == []
