"""The backend registry: one line per backend, mapping a name to its package.

Each package exports ``SPEC`` (a :class:`~dbwork.backends.spec.BackendSpec`); its URL
schemes and aliases come from there, so URLs, dialect names and the CLI all resolve
through this one table. A backend outside dbwork registers with :func:`register` or an
entry point in the ``dbwork.backends`` group whose value is ``"package.module:SPEC"``.

>>> get_backend("mariadb").name, backend_for_scheme("postgres")[1]
('mysql', 'postgresql+psycopg')
>>> {'mongodb', 'mssql', 'mysql'} <= set(names())
True
"""
from __future__ import annotations

import threading

from ..errors import ConfigError
from .spec import BackendSpec, load_object

# name -> the package that holds the backend (its module exports SPEC)
REGISTRY: dict[str, str] = {
    "sqlite": "dbwork.backends.sqlite",
    "postgresql": "dbwork.backends.postgresql",
    "mysql": "dbwork.backends.mysql",
    "mssql": "dbwork.backends.mssql",
    "mongodb": "dbwork.backends.mongodb",
    "dynamodb": "dbwork.backends.dynamodb",
}

_loaded: dict[str, BackendSpec] = {}
_cache: dict[str, dict] = {}   # names and schemes of every backend, built on first use
_lock = threading.RLock()
_ENTRY_POINT_GROUP = "dbwork.backends"
_entry_points_read = False


def register(spec: BackendSpec) -> BackendSpec:
    """Add (or replace) a backend at run time; returns ``spec``.

    >>> from dbwork.backends import get_backend
    >>> register(get_backend("sqlite")).name
    'sqlite'
    """
    with _lock:
        REGISTRY[spec.name] = f"<registered {spec.name}>"
        _loaded[spec.name] = spec
        _cache.clear()
    return spec


def unregister(name: str) -> None:
    """Remove a backend added with :func:`register` (tests use it to clean up)."""
    with _lock:
        REGISTRY.pop(name, None)
        _loaded.pop(name, None)
        _cache.clear()


def names() -> list[str]:
    """Every backend's name."""
    _read_entry_points()
    return list(REGISTRY)


def get_backend(name: str) -> BackendSpec:
    """The backend called ``name`` or one of its aliases or URL schemes.

    >>> get_backend("postgres").dialect.sqlglot
    'postgres'
    >>> get_backend("oracle")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dbwork.errors.ConfigError: unknown backend 'oracle' (known: ..., mongodb, mssql, mysql, postgresql, sqlite)
    """
    key = str(name).lower()
    canonical = _index()["names"].get(key)
    if canonical is None:
        known = ", ".join(sorted(names()))
        raise ConfigError(f"unknown backend {name!r} (known: {known})")
    return _load(canonical)


def backend_for_scheme(scheme: str) -> tuple[BackendSpec, str]:
    """The backend and driver a URL scheme names, or ConfigError listing the known ones.

    >>> spec, driver = backend_for_scheme("mariadb+pymysql")
    >>> spec.name, driver
    ('mysql', 'mysql+pymysql')
    """
    entry = _index()["schemes"].get(scheme.lower())
    if entry is None:
        known = ", ".join(sorted({s.split("+")[0] for s in _index()["schemes"]}))
        raise ConfigError(f"unsupported database URL scheme '{scheme}' (known: {known})")
    canonical, driver = entry
    return _load(canonical), driver


def _load(name: str) -> BackendSpec:
    with _lock:
        spec = _loaded.get(name)
        if spec is None:
            spec = load_object(REGISTRY[name] + ":SPEC")
            _loaded[name] = spec
    return spec


def _index() -> dict:
    """Names, aliases and schemes of every backend (built once, after any register)."""
    if not _cache:
        _read_entry_points()
        with _lock:
            index: dict = {"names": {}, "schemes": {}}
            for name in list(REGISTRY):
                spec = _load(name)
                index["names"][name] = name
                for alias in spec.aliases:
                    index["names"].setdefault(alias, name)
                for scheme, driver in spec.schemes.items():
                    index["schemes"].setdefault(scheme, (name, driver))
                    index["names"].setdefault(scheme, name)
            _cache.update(index)
    return _cache


def _read_entry_points() -> None:
    """Backends other packages declare (entry point group ``dbwork.backends``)."""
    global _entry_points_read
    if _entry_points_read:
        return
    _entry_points_read = True
    from importlib.metadata import entry_points
    for point in entry_points(group=_ENTRY_POINT_GROUP):
        try:
            spec = point.load()
        except Exception as e:  # a broken plug-in must not break dbwork
            import warnings
            warnings.warn(f"dbwork backend entry point {point.name!r} failed to load: {e}",
                          stacklevel=2)
            continue
        if isinstance(spec, BackendSpec) and spec.name not in REGISTRY:
            register(spec)


__all__ = ["BackendSpec", "REGISTRY", "backend_for_scheme", "get_backend", "names",
           "register", "unregister"]
