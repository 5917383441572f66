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


# import-linter sees external packages only whole (``sqlalchemy``), and the pure layers may
# use SQLAlchemy's types and Alembic's offline renderer; what they must not touch is an
# engine, a connection, a pool or the live inspector. Read from each module's syntax tree.
PURE = ("model", "ops", "parse", "graphs", "docs", "diff", "render", "introspect/compare.py",
        "lint", "safety/classify.py", "plan/facts.py",
        "safety/locks.py", "plan", "safety/dml.py")
ENGINE_NAMES = {"create_engine", "engine_from_config", "create_mock_engine", "inspect",
                "Engine", "Connection", "Inspector", "NullPool", "StaticPool", "QueuePool"}
ENGINE_MODULES = ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.ext.asyncio")


def pure_files() -> list[Path]:
    out = []
    for name in PURE:
        path = ROOT / "dbwork" / name
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def engine_uses(tree) -> list[str]:
    """Imports or ``sqlalchemy.X`` / ``sa.X`` attribute uses that reach an engine."""
    import ast
    aliases = {"sqlalchemy"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "sqlalchemy":
                    aliases.add(a.asname or a.name)
                if a.name.startswith(ENGINE_MODULES):
                    found.append(f"l.{node.lineno} import {a.name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            if node.module.startswith(ENGINE_MODULES):
                found.append(f"l.{node.lineno} from {node.module}")
            found += [f"l.{node.lineno} {a.name}" for a in node.names if a.name in ENGINE_NAMES]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in aliases and node.attr in ENGINE_NAMES | {"engine", "pool"}):
            found.append(f"l.{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_pure_layers_never_reach_a_sqlalchemy_engine():
    import ast
    files = pure_files()
    assert len(files) > 30  # the list above still names real modules
    broken = {str(f.relative_to(ROOT)): uses for f in files
              if (uses := engine_uses(ast.parse(f.read_text())))}
    assert broken == {}


def test_the_engine_check_sees_an_engine():
    import ast
    tree = ast.parse("import sqlalchemy as sa\nfrom sqlalchemy.engine import URL\n"
                     "e = sa.create_engine('sqlite://')\nfrom sqlalchemy import inspect\n")
    assert sorted(engine_uses(tree)) == ["l.2 from sqlalchemy.engine",
                                         "l.3 sa.create_engine", "l.4 inspect"]
