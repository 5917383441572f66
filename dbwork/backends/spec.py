"""What a backend is, as data: the record each backend package exports as ``SPEC``.

A backend package (``dbwork/backends/<name>/``) holds everything one kind of database
needs: its :class:`~dbwork.dialects.base.Dialect` (capability flags, quoting, types), the
URL schemes it answers to, its cell language, the connection that introspects, locks and
keeps history, and the overrides it registers for :mod:`dbwork.hooks`. The core reads
these fields and calls these hooks; it never asks which backend it holds.

>>> from dbwork.backends import get_backend
>>> spec = get_backend("pg")
>>> spec.name, spec.schemes["postgres"], spec.local_file
('postgresql', 'postgresql+psycopg', False)
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..dialects.base import Dialect


def load_object(path: str) -> Any:
    """``"package.module:attribute"`` imported and returned (the lazy edge of a spec).

    >>> load_object("dbwork.dialects.base:Dialect").__name__
    'Dialect'
    """
    module, _, attribute = path.partition(":")
    target = importlib.import_module(module)
    return getattr(target, attribute) if attribute else target


@dataclass(frozen=True)
class BackendSpec:
    """One backend. Everything heavy is named by import path and loaded on first use,
    so reading the registry imports no driver, SQLAlchemy or Alembic.

    - ``schemes``: URL scheme as written -> driver name (SQLAlchemy's, or the scheme)
    - ``aliases``: other names people use for it (``pg``, ``mariadb``)
    - ``connection``: the class that opens a connection target (introspection, data
      questions, a locked session with history): ``"module:Class"``
    - ``language``: the cell language object (:class:`dbwork.backends.language.CellLanguage`)
    - ``hooks``: modules imported with the backend; they register overrides in
      :mod:`dbwork.hooks` keyed by this backend's name
    - ``query_options``: the URL query options the driver accepts (None: not checked)
    - ``local_file``: the database is a file path (migrations default beside it)
    - workbench capabilities (the dialect carries the engine's own, e.g.
      ``relational``, ``online_ddl``): ``backs_up_data_changes`` (UPDATE/DELETE rows
      are saved before they change), ``undoes_partial_steps`` (a failed
      non-transactional step is undone from its backups)
    """

    dialect: Dialect
    schemes: Mapping[str, str]
    connection: str
    language: str
    aliases: tuple[str, ...] = ()
    hooks: tuple[str, ...] = ()
    query_options: frozenset | None = None
    local_file: bool = False
    backs_up_data_changes: bool = True
    undoes_partial_steps: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.dialect.name

    def open(self, url, timeouts=None):
        """The connection target for ``url`` (a parsed :class:`~dbwork.url.DatabaseURL`)."""
        return load_object(self.connection)(url, timeouts)

    def cell_language(self):
        """This backend's cell language (parse, split, the operations of a statement)."""
        return load_object(self.language)

    def load_hooks(self) -> None:
        """Import the modules that register this backend's overrides (idempotent)."""
        for module in self.hooks:
            importlib.import_module(module)
