"""Notebook magics for drift and environments (dbwork.versions):

    %env NAME [--migrations DIR]   work on the environment NAME of dbwork.toml / [tool.dbwork]
    %drift                         the live schema against the applied migrations (a Drift)
    %drift --against URL_OR_ENV    another live database against this one

Each is a short adapter over the Workbench that ``%detect`` (or ``%env``) chose; the
value is the result object, so ``_`` holds it. Note: ``%env NAME`` replaces IPython's
own ``%env`` (environment variables) once dbwork is loaded; ``%env`` with no
argument, ``%env VAR=value`` and ``%env VAR`` still behave as IPython's does.
"""
from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring


@magics_class
class DriftMagics(Magics):
    @magic_arguments()
    @argument("name", nargs="?", default=None, help="the environment's name")
    @argument("--migrations", default=None, help="another migrations folder")
    @line_magic
    def env(self, line):
        """%env NAME [--migrations DIR]: use environment NAME of dbwork.toml (or
        [tool.dbwork] in pyproject.toml) as this notebook's workbench; its URL comes
        from the environment variables it names. ``%env`` alone, ``%env VAR`` and
        ``%env VAR=value`` are IPython's own %env."""
        if not line.strip() or "=" in line or _is_variable(line.strip(), self.shell):
            return self.shell.run_line_magic("ipython_env", line) if \
                "ipython_env" in self.shell.magics_manager.magics["line"] else None
        args = _parse(self.env, line)
        import dbwork
        wb = dbwork.connect(migrations=args.migrations, env=args.name)
        _core(self.shell)._use(wb)
        return wb

    @magic_arguments()
    @argument("--against", default=None,
              help="another database (URL or environment name) to compare with instead")
    @line_magic
    def drift(self, line):
        """%drift [--against URL_OR_ENV]: the live schema against the applied
        migrations replayed on a throwaway shadow database (or against another
        database); ``_.migration()`` is the migration that absorbs the difference."""
        args = _parse(self.drift, line)
        wb = _core(self.shell)._wb()
        if args.against is None:
            return wb.drift()
        import dbwork
        other = dbwork.connect(args.against) if "://" in args.against else \
            dbwork.connect(env=args.against)
        try:
            return wb.diff(other)
        finally:
            other.close()


def _is_variable(text: str, shell) -> bool:
    import os
    return text in os.environ and " " not in text


def _core(shell):
    core = shell.magics_manager.registry.get("DbworkMagics")
    if core is None:
        raise UsageError("load dbwork first: %load_ext dbwork")
    return core


def _parse(magic, line):
    try:
        return parse_argstring(magic, line)
    except SystemExit:
        raise UsageError(f"bad arguments: {line!r}") from None


def keep_ipython_env(ipython) -> None:
    """IPython's %env stays reachable as %ipython_env before dbwork's %env replaces it.
    IPython 9 registers %env lazily (a placeholder naming its module), so the bound
    method of its OSMagics is registered, not whatever the table holds."""
    if "ipython_env" in ipython.magics_manager.magics["line"]:
        return
    from IPython.core.magics.osm import OSMagics
    osm = ipython.magics_manager.registry.get("OSMagics") or OSMagics(shell=ipython)
    ipython.magics_manager.register_function(osm.env, "line", "ipython_env")


__all__ = ["DriftMagics", "keep_ipython_env"]
