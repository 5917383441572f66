"""The version-control magics: ``%graph``, ``%merge``, ``%squash``, ``%baseline``.

Each is a short adapter over the notebook's Workbench (the one ``%detect`` chose):
parse the arguments, call ``wb.graph()`` / ``wb.merge()`` / ``wb.squash()`` /
``wb.baseline()``, return the result so ``_`` holds it.
"""
from __future__ import annotations

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring


@magics_class
class VersionMagics(Magics):
    """%graph, %merge, %squash, %baseline over the current Workbench."""

    def _wb(self):
        return self.shell.magics_manager.registry["DbworkMagics"]._wb()

    @magic_arguments()
    @line_magic
    def graph(self, line):
        """%graph: the migration graph (heads, branches, merges; applied and pending),
        drawn with graphviz when it is installed, with a text form."""
        parse_argstring(self.graph, line)
        return self._wb().graph()

    @magic_arguments()
    @argument("--order", default=None,
              help="comma-separated versions or names: the branches in the order they run")
    @line_magic
    def merge(self, line):
        """%merge [--order A,B]: write the merge file that ties the branches; without
        --order the branches must touch different objects (else MigrationConflict)."""
        args = parse_argstring(self.merge, line)
        order = [x.strip() for x in args.order.split(",") if x.strip()] if args.order else None
        return self._wb().merge(order=order)

    @magic_arguments()
    @argument("first", help="version or name of the run's first migration")
    @argument("last", help="version or name of the run's last migration")
    @argument("--name", default="squashed", help="the squash's name")
    @line_magic
    def squash(self, line):
        """%squash FIRST LAST [--name NAME]: one file in place of an applied straight run."""
        args = parse_argstring(self.squash, line)
        return self._wb().squash(args.first, args.last, name=args.name)

    @magic_arguments()
    @argument("name", nargs="?", default="baseline", help="the baseline's name")
    @line_magic
    def baseline(self, line):
        """%baseline [NAME]: record the live schema as the starting point; nothing runs."""
        args = parse_argstring(self.baseline, line)
        return self._wb().baseline(args.name)


__all__ = ["VersionMagics"]
