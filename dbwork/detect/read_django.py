"""Reader for Django settings: ``DATABASES`` read with :mod:`ast` (never imported or run).

Understands literals, ``BASE_DIR / "db.sqlite3"``, ``os.path.join``, ``os.environ.get``,
``os.getenv``, ``env("X", default=...)`` / ``config("X")``, f-strings and
``dj_database_url.config(default=...)``/``parse(...)``/``env.db()``.

>>> text = 'from pathlib import Path\\nBASE_DIR = Path(__file__).resolve().parent.parent\\n' \\
...        'DATABASES = {"default": {\\n  "ENGINE": "django.db.backends.sqlite3",\\n  "NAME": BASE_DIR / "db.sqlite3"}}'
>>> [(c.name, c.url, c.evidence[0].line) for c in read(Source("mysite/mysite/settings.py", text)).candidates]
[('django', 'sqlite:///mysite/db.sqlite3', 4)]
"""
from __future__ import annotations

import ast
import posixpath

from .sources import RANK, Report, Source
from .urls import SCHEME, build_url, is_placeholder, sqlite_url, technology_of

ENGINES = {"postgresql": "postgresql", "postgresql_psycopg2": "postgresql", "postgis": "postgresql",
           "mysql": "mysql", "sqlite3": "sqlite", "spatialite": "sqlite", "mssql": "sqlserver",
           "sql_server.pyodbc": "sqlserver", "djongo": "mongodb",
           "django_mongodb_backend": "mongodb", "django_cockroachdb": "postgresql"}


class _Path(str):
    """A path value (root-relative, "/"-separated) during evaluation."""


def read(source: Source) -> Report:
    """Candidates from ``DATABASES``; the django tool when settings define it.

    >>> read(Source("settings.py", "DEBUG = True")).findings
    []
    """
    report = Report(source)
    if "DATABASES" not in source.text:
        return report
    tree = ast.parse(source.text, filename=source.rel)
    ev = _Evaluator(source)
    for node in _statements(tree.body):
        target = _assigned_name(node)
        if target is not None:
            name = target
            if name == "DATABASES" and isinstance(node.value, ast.Dict):
                report.tool("django", node.lineno)
                _databases(report, ev, node.value)
            else:
                ev.names[name] = ev.eval(node.value)
    return report


def _assigned_name(node) -> str | None:
    """``NAME = value`` or ``NAME: Type = value`` (an annotated assignment)."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
            and node.value is not None:
        return node.target.id
    return None


def _statements(body):
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try)):
            yield from _statements(node.body)
            yield from _statements(getattr(node, "orelse", []))


def _databases(report: Report, ev: "_Evaluator", node: ast.Dict) -> None:
    for key, value in zip(node.keys, node.values):
        alias = ev.eval(key) if key is not None else None
        if not isinstance(alias, str):
            continue
        name = "django" if alias == "default" else f"django.{alias}"
        rank = RANK["test"] if "test" in alias.lower() else RANK["config"]
        ev.used = []
        config = ev.eval(value)
        line = value.lineno
        if isinstance(value, ast.Dict):
            for k in value.keys:
                if isinstance(k, ast.Constant) and k.value == "ENGINE":
                    line = k.lineno
        if isinstance(config, dict):
            _candidate(report, name, config, line, rank, list(ev.used))


def _candidate(report: Report, name: str, config: dict, line: int, rank: int, used: list) -> None:
    if "__url__" in config:
        url = config["__url__"]
        tech = technology_of(url) if isinstance(url, str) else None
        if tech:
            report.technology(tech, line)
            if tech == "sqlite" and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
                url = sqlite_url(url[len("sqlite:///"):], report.source.dir)
            report.connection(name, tech, None if is_placeholder(url) else url, line, rank, used)
        return
    engine = config.get("ENGINE")
    tech = ENGINES.get(engine.rpartition(".backends.")[2] if ".backends." in str(engine) else str(engine)) \
        if isinstance(engine, str) else None
    if tech is None:
        return
    report.technology(tech, line)
    db = config.get("NAME")
    if tech == "sqlite":
        url = sqlite_url(str(db)) if isinstance(db, _Path) else (
            sqlite_url(db, report.source.dir) if isinstance(db, str) else None)
    else:
        parts = [config.get(k) for k in ("USER", "PASSWORD", "HOST", "PORT")]
        parts = [p if isinstance(p, (str, int)) else None for p in parts]
        url = build_url(SCHEME[tech], parts[0], parts[1], parts[2] or "localhost", parts[3],
                        db if isinstance(db, str) else None)
    report.connection(name, tech, url, line, rank, used)


class _Evaluator:
    """Evaluate the few expression shapes settings files use; anything else is None."""

    def __init__(self, source: Source):
        self.source = source
        self.names: dict[str, object] = {}
        self.used: list = []

    def eval(self, node):  # noqa: C901 - one dispatch on node type
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return _Path(self.source.rel) if node.id == "__file__" else self.names.get(node.id)
        if isinstance(node, ast.Dict):
            return {self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values) if k is not None}
        if isinstance(node, ast.JoinedStr):
            parts = [self.eval(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
            return "".join(str(p) for p in parts) if all(p is not None for p in parts) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._join(self.eval(node.left), self.eval(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            a, b = self.eval(node.left), self.eval(node.right)
            return a + b if isinstance(a, str) and isinstance(b, str) else None
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            base = self.eval(node.value)
            return _Path(posixpath.dirname(base)) if isinstance(base, _Path) else None
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return next((v for v in map(self.eval, node.values) if v), None)
        return None

    def _join(self, a, b):
        if isinstance(a, _Path) and isinstance(b, str):
            return _Path(posixpath.normpath(posixpath.join(a, b)))
        return None

    def _subscript(self, node: ast.Subscript):
        if _dotted(node.value) == "os.environ":
            return self._env(self.eval(node.slice), None)
        return None

    def _call(self, node: ast.Call):
        fn = _dotted(node.func)
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg}
        if fn in ("Path", "pathlib.Path", "str", "os.path.abspath", "os.path.realpath",
                  "os.path.normpath") or fn.endswith((".resolve", ".absolute")):
            base = self.eval(node.func.value) if fn.endswith((".resolve", ".absolute")) else (args or [None])[0]
            return _Path(base) if isinstance(base, str) and fn != "str" else base
        if fn == "os.path.dirname" and isinstance(args[:1] and args[0], _Path):
            return _Path(posixpath.dirname(args[0]))
        if fn == "os.path.join" and args and isinstance(args[0], _Path):
            path = args[0]
            for part in args[1:]:
                path = self._join(path, part) if isinstance(part, str) else None
            return path
        if fn in ("os.environ.get", "os.getenv", "env", "env.str", "config", "decouple.config",
                  "environ.get", "env.get_value"):
            return self._env(args[0] if args else None, args[1] if len(args) > 1 else kwargs.get("default"))
        if fn in ("dj_database_url.config", "env.db", "env.db_url", "dj_database_url.parse"):
            if fn == "dj_database_url.parse":
                return {"__url__": args[0] if args else None}
            var = kwargs.get("env") or (args[0] if args else "DATABASE_URL")
            return {"__url__": self._env(var, kwargs.get("default"))}
        return None

    def _env(self, name, default):
        if not isinstance(name, str):
            return default
        var = self.source.env(name)
        if var is None:
            return default
        self.used.append(var)
        return var.value


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts))
