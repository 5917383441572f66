"""Named environments (dev, staging, prod) from ``dbwork.toml`` or ``[tool.dbwork]`` in
pyproject.toml. Reading and expanding are pure; only :func:`load` reads a file.

    # dbwork.toml
    migrations = "migrations"            # the default folder for every environment
    [environments.prod]
    url = "${PROD_URL}"                  # taken from the environment variable
    protected = true                     # upgrade needs confirm="prod" and a passed rehearsal

>>> envs = parse_config('[environments.dev]\\nurl = "sqlite:///${NAME}.sqlite"\\n', "dbwork.toml")
>>> envs["dev"].resolve_url({"NAME": "dev"})
'sqlite:///dev.sqlite'
>>> envs["dev"].resolve_url({})
Traceback (most recent call last):
...
dbwork.errors.ConfigError: environment 'dev' (dbwork.toml): url needs the environment variable NAME, which is not set
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

CONFIG_FILE = "dbwork.toml"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_KEYS = {"url", "migrations", "protected"}


@dataclass(frozen=True)
class Environment:
    """One named environment: a URL template, a migrations folder, protection.

    >>> Environment("prod", "${PROD_URL}", protected=True).protected
    True
    """

    name: str
    url: str
    migrations: str | None = None
    protected: bool = False
    source: str = CONFIG_FILE

    def resolve_url(self, environ=None) -> str:
        """The URL with ``${VAR}`` / ``$VAR`` replaced from ``environ`` (default
        os.environ); a variable that is not set is a ConfigError naming it."""
        environ = os.environ if environ is None else environ

        def value(m: re.Match) -> str:
            var = m.group(1) or m.group(2)
            if var not in environ or environ[var] == "":
                raise ConfigError(f"environment {self.name!r} ({self.source}): url needs "
                                  f"the environment variable {var}, which is not set")
            return environ[var]
        return _VARIABLE.sub(value, self.url)

    def migrations_path(self) -> Path | None:
        """The migrations folder, relative to the config file's folder."""
        if self.migrations is None:
            return None
        path = Path(self.migrations)
        return path if path.is_absolute() else Path(self.source).parent / path

    def __repr__(self) -> str:  # the template only: never an expanded URL
        flag = " protected" if self.protected else ""
        return f"<Environment {self.name} url={self.url!r}{flag}>"


def parse_config(text: str, source: str = CONFIG_FILE, table: tuple = ()) -> dict:
    """``{name: Environment}`` from TOML text; ``table`` is the path to dbwork's table
    (``("tool", "dbwork")`` in pyproject.toml). Pure."""
    data = _toml(text, source)
    for key in table:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: [{'.'.join(table)}] must be a table")
    envs = data.get("environments", {})
    if not isinstance(envs, dict):
        raise ConfigError(f"{source}: 'environments' must be a table of tables")
    default = data.get("migrations")
    return {name: _environment(name, body, default, source) for name, body in envs.items()}


def _environment(name: str, body, default: str | None, source: str) -> Environment:
    where = f"environment {name!r} ({source})"
    if not isinstance(body, dict):
        raise ConfigError(f"{where} must be a table ([environments.{name}])")
    unknown = sorted(set(body) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(_KEYS))})")
    url, protected = body.get("url"), body.get("protected", False)
    if not isinstance(url, str) or not url:
        raise ConfigError(f"{where} needs url = \"...\" (e.g. url = \"${{DATABASE_URL}}\")")
    if not isinstance(protected, bool):
        raise ConfigError(f"{where}: protected must be true or false")
    migrations = body.get("migrations", default)
    if migrations is not None and not isinstance(migrations, str):
        raise ConfigError(f"{where}: migrations must be a folder path")
    return Environment(name, url, migrations, protected, source)


def _toml(text: str, source: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{source} is not valid TOML: {e}") from None


def find_config(start: str | os.PathLike = ".") -> tuple[Path, tuple] | None:
    """The nearest dbwork.toml, or pyproject.toml with a [tool.dbwork] table, from
    ``start`` up to the root: (path, table path), or None."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder / CONFIG_FILE, ()
        py = folder / "pyproject.toml"
        if py.is_file() and re.search(r"(?m)^\[tool\.dbwork[.\]]", _read(py)):
            return py, ("tool", "dbwork")
    return None


def load(start: str | os.PathLike = ".") -> dict:
    """Every environment the nearest config file names (``{}`` without one)."""
    found = find_config(start)
    if found is None:
        return {}
    path, table = found
    return parse_config(_read(path), str(path), table)


def environment(name: str, start: str | os.PathLike = ".") -> Environment:
    """The environment ``name``, or a ConfigError listing the known ones.

    >>> # environment("staging").resolve_url()
    """
    envs = load(start)
    if name not in envs:
        found = find_config(start)
        where = str(found[0]) if found else f"no {CONFIG_FILE} or [tool.dbwork] in pyproject.toml"
        known = ", ".join(sorted(envs)) or "none"
        raise ConfigError(f"no environment named {name!r} ({where}; known: {known})")
    return envs[name]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read {path}: {e}") from None
