"""Command-line commands of dbwork.versions, wired into ``dbwork`` (dbwork/cli.py):

    dbwork graph [--json]                          the migration graph
    dbwork merge [--order V_OR_NAME ...] [--json]  write the merge file for the branches
    dbwork squash FIRST LAST [--name NAME] [--json]
    dbwork baseline [--name NAME] [--json]         record the live schema, run nothing

Exit status: 0 ok; 1 findings (branches that conflict, a broken graph, two files with
one version, branches left unmerged by ``graph``); 2 an error (bad input, no database).

JSON (stable keys). ``graph``: target, heads, roots, branch_points, merges, applied,
pending, out_of_order, nodes [{version, name, parents, status, replaces, head}].
``merge`` / ``squash`` / ``baseline``: ok, version, name, parents, replaces, status,
path, notes. A failure: ok (false), error (the error class), message, and for a
conflict first, second, shared, heads.

>>> import argparse
>>> p = argparse.ArgumentParser(); sub = p.add_subparsers(dest="command"); add_arguments(sub)
>>> p.parse_args(["merge", "--order", "a", "b"]).order
['a', 'b']
"""
from __future__ import annotations

import json
import os
import sys


def add_arguments(sub) -> None:
    """Add ``graph``, ``merge``, ``squash`` and ``baseline`` to dbwork's subparsers."""
    g = sub.add_parser("graph", help="the migration graph: heads, branches, merges, "
                                     "applied and pending (exit 1 when branches are unmerged)")
    _json(g)
    m = sub.add_parser("merge", help="write the merge file that ties the branches "
                                     "(exit 1 when they conflict: give --order)")
    m.add_argument("--order", nargs="+", metavar="VERSION_OR_NAME",
                   help="the branches in the order they run (a head, or a migration only "
                        "that branch has); without it the branches must not conflict")
    _json(m)
    sq = sub.add_parser("squash", help="replace an applied straight run of migrations by one file")
    sq.add_argument("first", help="version or name of the run's first migration")
    sq.add_argument("last", help="version or name of the run's last migration")
    sq.add_argument("--name", default="squashed", help="the squash's name (default: squashed)")
    _json(sq)
    bl = sub.add_parser("baseline", help="record the live schema as the starting point "
                                         "(nothing runs)")
    bl.add_argument("--name", default="baseline", help="the baseline's name (default: baseline)")
    _json(bl)
    for p in (g, m, sq, bl):
        p.set_defaults(module_run=run)


def _json(p) -> None:
    p.add_argument("--json", action="store_true", help="print the result as JSON (stable keys)")


def run(args) -> int:
    """Run the parsed command; print its result; return the exit code."""
    from ..errors import BrokenGraph, DbworkError, MigrationConflict
    try:
        wb = _workbench(args)
    except DbworkError as e:
        return _failed(args, e, 2)
    try:
        return _COMMANDS[args.command](wb, args)
    except (MigrationConflict, BrokenGraph) as e:
        return _failed(args, e, 1)
    except DbworkError as e:
        return _failed(args, e, 2)
    finally:
        wb.close()


def _workbench(args):
    from ..workbench import connect
    url = args.url or os.environ.get("DBWORK_URL") or os.environ.get("DATABASE_URL")
    return connect(url, args.migrations)


def _graph(wb, args) -> int:
    g = wb.graph()
    print(json.dumps(g.to_dict(), indent=2) if args.json else g.text())
    return 1 if len(g.heads) > 1 else 0


def _merge(wb, args) -> int:
    return _print_migration(args, wb.merge(order=args.order))


def _squash(wb, args) -> int:
    return _print_migration(args, wb.squash(args.first, args.last, name=args.name))


def _baseline(wb, args) -> int:
    return _print_migration(args, wb.baseline(args.name))


def _print_migration(args, m) -> int:
    if args.json:
        print(json.dumps({"ok": True, "version": m.version, "name": m.name,
                          "parents": list(m.parents), "replaces": list(m.replaces),
                          "status": m.status, "path": m.path, "notes": m.notes}, indent=2))
    else:
        print(repr(m) + "".join(f"\n  {n}" for n in m.notes))
    return 0


def _failed(args, e, code: int) -> int:
    from ..url import mask_url
    message = mask_url(str(e))
    if getattr(args, "json", False):
        out = {"ok": False, "error": type(e).__name__, "message": message}
        for key in ("first", "second", "shared", "heads", "versions", "paths"):
            if hasattr(e, key):
                out[key] = getattr(e, key)
        print(json.dumps(out, indent=2))
    else:
        print(f"dbwork: {type(e).__name__}: {message}", file=sys.stderr)
    return code


_COMMANDS = {"graph": _graph, "merge": _merge, "squash": _squash, "baseline": _baseline}
