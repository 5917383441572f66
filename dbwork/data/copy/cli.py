"""``dbwork copy SOURCE TARGET [--tables T ...] [--no-resume] [--workers N] [--json]``:
the command line's copy. Exit 0: copied and validated; 1: done with findings (a refused
row, a checksum that differs); 2: an error (nothing reachable, a type refused).

Light to import: argparse only; the copy machinery loads when the command runs.
"""
from __future__ import annotations

import json
import sys


def add_arguments(sub) -> None:
    """Add the ``copy`` subcommand to an argparse subparsers object."""
    p = sub.add_parser("copy", help="copy tables between databases (validated, resumable)")
    p.add_argument("source", help="source database URL")
    p.add_argument("target", help="target database URL")
    p.add_argument("--tables", nargs="+", metavar="TABLE", help="only these tables")
    p.add_argument("--no-resume", action="store_true",
                   help="start over instead of going on from checkpoints")
    p.add_argument("--workers", type=int, help="local worker threads (default: up to 4)")
    p.add_argument("--batch-rows", type=int, default=50_000, help="rows per batch")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(module_run=run)


def run(args) -> int:
    """Run the copy the parsed ``args`` describe; print the report; the exit code."""
    from ...errors import DbworkError
    from . import copy
    try:
        report = copy(args.source, args.target, tables=args.tables,
                      resume=not args.no_resume, progress=not args.no_progress and not args.json,
                      workers=args.workers, batch_rows=args.batch_rows)
    except DbworkError as e:
        if args.json:
            print(json.dumps({"ok": False, "error": type(e).__name__, "message": str(e)}))
        else:
            print(f"dbwork: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), indent=2, default=str) if args.json else repr(report))
    return 0 if report.ok else 1
