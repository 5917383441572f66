"""``%copy SOURCE TARGET [--tables T ...]``: copy tables between databases from a notebook
cell, with progress bars (tqdm's notebook widget) and the validated CopyReport as the
cell's value. SOURCE and TARGET are URLs, or ``.`` for the workbench ``%detect`` chose.
"""
from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring


@magics_class
class CopyMagics(Magics):
    @magic_arguments()
    @argument("source", help="source database URL ('.': the current workbench)")
    @argument("target", help="target database URL ('.': the current workbench)")
    @argument("--tables", nargs="+", default=None, help="only these tables")
    @argument("--no-resume", action="store_true", help="start over, ignoring checkpoints")
    @argument("--workers", type=int, default=None, help="local worker threads")
    @argument("--no-progress", action="store_true", help="no progress bars")
    @line_magic
    def copy(self, line):
        """%copy SOURCE TARGET [--tables T ...] [--no-resume] [--workers N] [--no-progress]

        Copy the tables (default: all) from SOURCE into TARGET: schema translated, rows
        in foreign-key order along the fastest path, keys and indexes after the data,
        validated by row counts, checksums on each side and a sample. A stopped copy
        resumes from its checkpoints when run again. The value is the CopyReport.
        """
        try:
            args = parse_argstring(self.copy, line)
        except SystemExit:
            raise UsageError(f"bad arguments: {line!r}") from None
        import dbwork
        options = {"workers": args.workers} if args.workers else {}
        return dbwork.copy(self._side(args.source), self._side(args.target),
                           tables=args.tables, resume=not args.no_resume,
                           progress=not args.no_progress, **options)

    def _side(self, text: str):
        if text != ".":
            return text
        core = self.shell.magics_manager.registry.get("DbworkMagics")
        if core is None or core.workbench is None:
            raise UsageError("'.' means the workbench %detect chose: run %detect first")
        return core.workbench


__all__ = ["CopyMagics"]
