"""Backends have rooms of their own: outside ``dbwork/backends/`` no code asks which
backend it holds (``dialect.name == "postgresql"``, ``family == "document"``,
``url.dialect in ("mysql", "sqlite")``). What differs lives in a backend's package, as
a capability flag on its Dialect or spec, or an override of a hook (dbwork.hooks).

No file outside a backend's own package may hold one: not the core (the Workbench,
safety/, the plan passes, the runner), not the SQL layers (parse, render, introspect,
execute), not data/, diff/, multi/ or versions/.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dbwork"

# the words that name a backend or a family of them
NAMES = {"sqlite", "postgresql", "postgres", "mysql", "mariadb", "mssql", "tsql",
         "mongodb", "dynamodb", "redis", "valkey", "cosmos", "sql", "document"}
# attributes (or variables) that hold a backend's identity
IDENTITY = {"name", "family", "dialect", "dialect_name", "engine", "backend", "kind_of_db"}
def _holds_identity(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in IDENTITY
    if isinstance(node, ast.Name):
        return node.id in IDENTITY
    return False


def _names_a_backend(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.lower() in NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_backend(e) for e in node.elts)
    return False


def branches(source: str) -> list[int]:
    """Line numbers of comparisons of a backend's identity with a backend's name.

    >>> branches('if dialect.name == "postgresql":\\n    pass\\nx = a.flag')
    [1]
    >>> branches('if url.dialect in ("mysql", "sqlite"): pass')
    [1]
    >>> branches('if dialect.online_ddl: pass')
    []
    """
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if any(_holds_identity(s) for s in sides) and any(_names_a_backend(s) for s in sides):
            lines.append(node.lineno)
    return sorted(lines)


def count_branches() -> dict[str, int]:
    """Per file of dbwork/ outside dbwork/backends/: how many such comparisons it holds."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("backends/"):
            continue
        n = len(branches(path.read_text(encoding="utf-8")))
        if n:
            out[rel] = n
    return out


def test_no_code_outside_a_backend_package_asks_which_backend_it_holds():
    found = count_branches()
    assert found == {}, ("file: comparisons of a backend's identity with a name; put what "
                         "differs in the backend's package, a flag on its Dialect or "
                         f"BackendSpec, or an override of a hook (docs/ARCHITECTURE.md): {found}")


def test_the_scanner_sees_the_forms_it_forbids():
    assert branches('x = 1 if self.dialect.family != "sql" else 2') == [1]
    assert branches('ok = spec.name in {"mongodb"}') == [1]
    assert branches('same = a.dialect == b.dialect') == []   # comparing two backends is fine
