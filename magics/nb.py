"""Notebook widgets as magics: %migrations (the migration panel), %browse (the schema
browser), %detection (what detection found, with a Connect button).

Each is a short adapter: it takes the current Workbench from the core magics (the one
%detect chose, or the embedded default) and returns a widget, so ``_`` holds it. Every
widget has a static view that reads well in a saved notebook (see dbwork.docs.panels).
"""
from __future__ import annotations

import shlex
from pathlib import Path

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from dbwork.errors import DbworkError


@magics_class
class WidgetMagics(Magics):
    """Widgets over the Workbench that DbworkMagics holds (no state of their own)."""

    def _core(self):
        return self.shell.magics_manager.registry["DbworkMagics"]

    def _need_widgets(self, magic: str) -> None:
        from .widgets import have_widgets
        if not have_widgets():
            raise DbworkError(f"%{magic} needs ipywidgets (pip install ipywidgets); "
                              "without it use %%migrate, %rollback, %history and %erd")

    @line_magic
    def migrations(self, line):
        """%migrations [NAME]: the migration panel: migrations with their status, a
        change to write, Plan / Rehearse / Apply / Roll back (destructive changes and
        rollbacks ask first)."""
        args = shlex.split(line)
        if len(args) > 1:
            raise UsageError("%migrations takes at most a migration name")
        self._need_widgets("migrations")
        from .widgets import migration_panel
        return migration_panel(self._core()._wb(), name=args[0] if args else "")

    @line_magic
    def browse(self, line):
        """%browse [TABLE]: the schema browser: tables or collections, their columns and
        indexes, and the ER diagram around the selected one."""
        args = shlex.split(line)
        if len(args) > 1:
            raise UsageError("%browse takes at most one table name")
        self._need_widgets("browse")
        from .widgets import schema_browser
        return schema_browser(self._core()._wb(), args[0] if args else None)

    @line_magic
    def detection(self, line):
        """%detection [PATH]: what detection found in a project folder: databases with
        their evidence and tools; Connect makes the chosen one current."""
        import dbwork
        args = shlex.split(line)
        if len(args) > 1:
            raise UsageError("%detection takes at most one folder")
        self._need_widgets("detection")
        from .widgets import detection_view
        folder = Path(args[0] if args else ".")
        found = dbwork.detect(str(folder))
        core = self._core()

        def connect(target):
            core._use(dbwork.connect(target.url, str(folder / "migrations")))
            core.pending_choice = None
            return core.workbench

        return detection_view(found, connect)
