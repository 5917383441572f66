"""Notebook widgets as magics: %migrations (the migration panel), %browse (the schema
browser), %detection (what detection found, with a Connect button); %dbwork, the help
for every magic; tab completion of table names after %erd, %browse and %lint's --dialect.

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

    def __init__(self, shell):
        super().__init__(shell)
        for magic in ("%erd", "%browse"):
            shell.set_hook("complete_command", self._complete_tables, str_key=magic)

    def _complete_tables(self, _shell, event) -> list[str]:
        """Table (or collection) names of the current database that start with the
        word being typed; nothing while no database is chosen or it cannot be read."""
        core = self._core()
        if core.workbench is None or core.pending_choice:
            return []
        word = "" if event.line.endswith(" ") else event.line.split()[-1]
        try:
            names = sorted(core.workbench.schema().tables)
        except DbworkError:
            return []
        return [n for n in names if n.startswith(word) and not n.startswith("_dbwork")]

    @line_magic
    def dbwork(self, line):
        """%dbwork [MAGIC]: every dbwork magic with what it does; with a name, that
        magic's whole help (the same as %MAGIC?)."""
        return MagicHelp(self.shell, line.strip().lstrip("%") or None)

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


class MagicHelp:
    """The help of dbwork's magics: one line each (or one magic's whole docstring), as
    text and as an HTML table (what %dbwork returns).

    >>> # repr(MagicHelp(get_ipython())).splitlines()[0] -> '%adopt   baseline the live schema, ...'
    """

    def __init__(self, shell, name: str | None = None):
        self._shell, self.entries = shell, dbwork_magics(shell)
        if name is not None:
            if name not in self.entries:
                raise UsageError(f"%{name} is not a dbwork magic; %dbwork lists them")
            self.entries = {name: self.entries[name]}
        self.whole = name is not None

    def __repr__(self) -> str:
        if self.whole:
            (name, (kind, _)), = self.entries.items()
            fn = self._shell.magics_manager.magics["line" if kind == "%" else "cell"][name]
            return fn.__doc__ or ""
        return "\n".join(f"{kind + n:<19} {_summary(doc)}" for n, (kind, doc) in self.entries.items())

    def _repr_html_(self) -> str:
        from dbwork.docs.html import e, wrap
        if self.whole:
            return wrap(f"<pre>{e(repr(self))}</pre>", "help")
        rows = "".join(f"<tr><td><code>{e(kind + n)}</code></td>"
                       f"<td>{e(_summary(doc))}</td></tr>"
                       for n, (kind, doc) in self.entries.items())
        return wrap(f'<table class="dbwork-table"><tbody>{rows}</tbody></table>', "help")


def _summary(doc: str) -> str:
    """What a magic does, in its docstring's words: the text after "%name ARGS: ", or
    the first sentence of the paragraph after a usage line."""
    paragraphs = [" ".join(p.split()) for p in doc.strip().split("\n\n") if p.strip()]
    if not paragraphs:
        return ""
    first = paragraphs[0]
    if ": " in first and first.startswith("%"):
        return first.split(": ", 1)[1]
    if first.startswith("%") and len(paragraphs) > 1:
        return paragraphs[1].split(". ")[0].rstrip(".") + "."
    return first


def dbwork_magics(shell) -> dict[str, tuple[str, str]]:
    """name -> ("%" or "%%", docstring) for every magic that dbwork registered.

    >>> # dbwork_magics(get_ipython())["rollback"][0] -> '%'
    """
    out = {}
    for kind, prefix in (("line", "%"), ("cell", "%%")):
        for name, fn in sorted(shell.magics_manager.magics[kind].items()):
            owner = getattr(fn, "__self__", None)
            if type(owner).__module__.startswith("dbwork.magics") and name not in out:
                parser = getattr(fn, "parser", None)  # magic_arguments keeps the own words here
                out[name] = (prefix, (parser.description if parser else fn.__doc__) or "")
    return dict(sorted(out.items()))
