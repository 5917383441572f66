"""Dispatch keyed by (operation, backend): a generic default, and per-backend overrides
that a backend package registers for only what differs, as sqlglot's dialect files do.

The first argument of every hook is the dialect (a :class:`~dbwork.dialects.base.Dialect`
or its name). The first call for a backend imports the modules its spec lists in
``hooks``, so overrides live in the backend's own package and load lazily.

>>> @overridable
... def greeting(dialect, who):
...     return f"hello {who}"
>>> @greeting.override("postgresql")
... def _pg_greeting(dialect, who):
...     return f"hello {who}, from PostgreSQL"
>>> greeting("sqlite", "ann"), greeting("postgresql", "ann")
('hello ann', 'hello ann, from PostgreSQL')
>>> "greeting" in HOOKS
True
"""
from __future__ import annotations

import threading
from typing import Any, Callable

HOOKS: dict[str, "Overridable"] = {}
_hooks_loaded: set[str] = set()
_loading: set[str] = set()
_lock = threading.RLock()


class Overridable:
    """A function with a generic body and per-backend replacements."""

    def __init__(self, default: Callable[..., Any]):
        self.default = default
        self.overrides: dict[str, Callable[..., Any]] = {}
        self.__doc__ = default.__doc__
        self.__name__ = default.__name__
        self.__wrapped__ = default

    def override(self, *backends: str) -> Callable[[Callable], Callable]:
        """Register the decorated function for ``backends`` (names, not aliases)."""
        def register(fn: Callable) -> Callable:
            for name in backends:
                self.overrides[name] = fn
            return fn
        return register

    def implementation(self, dialect) -> Callable[..., Any]:
        """The function that runs for ``dialect``: its backend's override or the default."""
        name = _name_of(dialect)
        _load_backend_hooks(name)
        return self.overrides.get(name, self.default)

    def __call__(self, dialect, *args, **kwargs):
        return self.implementation(dialect)(dialect, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<hook {self.__name__}: overridden by {sorted(self.overrides) or 'none'}>"


def overridable(fn: Callable[..., Any]) -> Overridable:
    """Make ``fn`` the generic default of a hook (see the module's example)."""
    hook = Overridable(fn)
    HOOKS[fn.__name__] = hook
    return hook


def _name_of(dialect) -> str:
    return dialect if isinstance(dialect, str) else dialect.name


def _load_backend_hooks(name: str) -> None:
    """Import ``name``'s hook modules once. Another thread waits until they are all
    registered (it must not run a default meant to be overridden); a hook called
    while they import, in the importing thread, gets its default."""
    if name in _hooks_loaded:
        return
    with _lock:
        if name in _hooks_loaded or name in _loading:
            return
        _loading.add(name)
        try:
            _import_hooks_of(name)
        finally:
            _loading.discard(name)
            _hooks_loaded.add(name)


def _import_hooks_of(name: str) -> None:
    from .backends import get_backend
    from .errors import ConfigError
    try:
        spec = get_backend(name)
    except ConfigError:
        return  # a bare dialect no backend owns (tests): only the defaults apply
    spec.load_hooks()


__all__ = ["HOOKS", "Overridable", "overridable"]
