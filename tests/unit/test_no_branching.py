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


# -- what the identity check above cannot see -------------------------------------------
# A table keyed by backend names is a branch written as data (``_TYPES["mysql"]``), and a
# variable need not be called ``dialect`` to hold one (``if target == "sqlite"``). Both
# are counted below, per file, outside backends/ and outside detect/: detect/ reads other
# projects' configuration files, where "postgresql" is the technology a file names
# (Django's ENGINE, Prisma's provider, a compose image), not the backend dbwork holds.
# The family words are left out of the second count: ``kind == "sql"`` is a target kind.
BACKEND_NAMES = NAMES - {"sql", "document"}
NOT_SCANNED = ("backends/", "detect/")

# what remains (docs/ARCHITECTURE.md, "What remains"): a file may lose entries, never gain
KEYED_TABLES_LEFT = {
    "data/copy/transfer.py": 1,     # WRITERS: the copy's writer class per target
}
NAME_COMPARISONS_LEFT = {
    "data/copy/__init__.py": 5,     # which side of a copy is MongoDB
    "data/copy/executors.py": 1,
    "data/copy/runner.py": 10,
    "data/copy/transfer.py": 10,
    "data/copy/translate.py": 22,   # the value translation per (source, target)
    "diff/models.py": 1,            # dialect.alembic in ("postgresql", "sqlite")
}


def name_keyed_tables(source: str) -> list[int]:
    """Line numbers of module-level dict literals with a backend's name as a key.

    >>> name_keyed_tables('_T = {"postgresql": 1, "mysql": 2}\\nX = {"a": 1}')
    [1]
    >>> name_keyed_tables('def f():\\n    return {"sqlite": 1}')
    []
    """
    lines = []
    for node in ast.parse(source).body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Dict) and any(
                isinstance(k, ast.Constant) and isinstance(k.value, str)
                and k.value.lower() in BACKEND_NAMES for k in value.keys):
            lines.append(node.lineno)
    return lines


def name_comparisons(source: str) -> list[int]:
    """Line numbers of comparisons of anything with a backend's name.

    >>> name_comparisons('if target != "sqlite": pass\\nif kind == "sql": pass')
    [1]
    >>> name_comparisons('ok = "mongodb" in kinds')
    [1]
    """
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(
                _is_backend_name(s) for s in (node.left, *node.comparators)):
            lines.append(node.lineno)
    return sorted(lines)


def _is_backend_name(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.lower() in BACKEND_NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_backend_name(e) for e in node.elts)
    return False


def _count(finder) -> dict[str, int]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(NOT_SCANNED):
            continue
        n = len(finder(path.read_text(encoding="utf-8")))
        if n:
            out[rel] = n
    return out


def _gained(found: dict[str, int], left: dict[str, int]) -> dict[str, int]:
    return {f: n for f, n in found.items() if n > left.get(f, 0)}


def test_no_module_keeps_a_table_keyed_by_backend_names():
    gained = _gained(_count(name_keyed_tables), KEYED_TABLES_LEFT)
    assert gained == {}, ("file: module-level dicts keyed by backend names; make each "
                          "entry Dialect data or a hook override in the backend's package "
                          f"(docs/ARCHITECTURE.md): {gained}")


def test_no_module_compares_a_variable_with_a_backend_name():
    gained = _gained(_count(name_comparisons), NAME_COMPARISONS_LEFT)
    assert gained == {}, ("file: comparisons with a backend's name (whatever the variable "
                          "is called); ask a Dialect flag or a hook instead "
                          f"(docs/ARCHITECTURE.md): {gained}")


def test_the_tables_moved_into_the_backends_stay_there():
    moved = {"diff/prisma.py", "introspect/compare.py", "data/sql_io.py", "data/copy/ddl.py"}
    assert moved.isdisjoint(_count(name_keyed_tables))
    assert moved.isdisjoint(_count(name_comparisons))


def test_the_new_scanners_see_what_the_moved_tables_were():
    assert name_keyed_tables('_INSERTS = {"sqlite": a, "postgresql": b, "mysql": c}') == [1]
    assert name_keyed_tables('_T: dict[str, int] = {"mariadb": 1}') == [1]
    assert name_keyed_tables('_ACTIONS = {"Cascade": "CASCADE"}') == []
    assert name_comparisons('if target == "sqlite":\n    pass\nelif t == "mysql": pass') == [1, 3]
    assert name_comparisons('if want in ("mysql", "mssql"): pass') == [1]
    assert name_comparisons('if kind == "sql": pass\nif x == "document": pass') == []
