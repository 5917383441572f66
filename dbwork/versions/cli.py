"""Command-line commands of dbwork.versions, wired into ``dbwork`` (dbwork/cli.py), which
builds the Workbench (``--url``, ``--env``, ``$DBWORK_URL``, ``$DATABASE_URL``), prints
and maps errors to exit codes for every command alike:

    dbwork graph [--json] [--env NAME]             the migration graph
    dbwork merge [--order V_OR_NAME ...] [--json]  write the merge file for the branches
    dbwork squash FIRST LAST [--name NAME] [--json]
    dbwork baseline [--name NAME] [--json]         record the live schema, run nothing

Exit status: 0 ok; 1 findings (branches that conflict, a broken graph, two files with
one version, branches left unmerged by ``graph``); 2 an error (bad input, no database).

JSON (stable keys). ``graph``: target, heads, roots, branch_points, merges, applied,
pending, out_of_order, nodes [{version, name, parents, status, replaces, head}].
``merge`` / ``squash`` / ``baseline``: ok, version, name, parents, replaces, status,
path, notes. A failure is dbwork's one error shape: {"error": {type, message, ...}},
with first, second, shared, heads for a conflict.

>>> import argparse
>>> p = argparse.ArgumentParser(); sub = p.add_subparsers(dest="command"); add_arguments(sub)
>>> p.parse_args(["merge", "--order", "a", "b"]).order
['a', 'b']
"""
from __future__ import annotations

import json


def add_arguments(sub) -> None:
    """Add ``graph``, ``merge``, ``squash`` and ``baseline`` to dbwork's subparsers
    (with dbwork's shared ``--json`` and ``--env``)."""
    from ..cli import common_options
    common = [common_options()]
    g = sub.add_parser("graph", parents=common,
                       help="the migration graph: heads, branches, merges, applied and "
                            "pending (exit 1 when branches are unmerged)")
    m = sub.add_parser("merge", parents=common,
                       help="write the merge file that ties the branches (exit 1 when "
                            "they conflict: give --order)")
    m.add_argument("--order", nargs="+", metavar="VERSION_OR_NAME",
                   help="the branches in the order they run (a head, or a migration only "
                        "that branch has); without it the branches must not conflict")
    sq = sub.add_parser("squash", parents=common,
                        help="replace an applied straight run of migrations by one file")
    sq.add_argument("first", help="version or name of the run's first migration")
    sq.add_argument("last", help="version or name of the run's last migration")
    sq.add_argument("--name", default="squashed", help="the squash's name (default: squashed)")
    bl = sub.add_parser("baseline", parents=common,
                        help="record the live schema as the starting point (nothing runs)")
    bl.add_argument("--name", default="baseline", help="the baseline's name (default: baseline)")
    for p, command in ((g, _graph), (m, _merge), (sq, _squash), (bl, _baseline)):
        p.set_defaults(command_run=command)


# -- commands: (wb, args) -> (text, exit status), run by dbwork.cli -----------------------
def _graph(wb, args) -> tuple[str, int]:
    g = wb.graph()
    text = json.dumps(g.to_dict(), indent=2) if args.json else g.text()
    return text, 1 if len(g.heads) > 1 else 0


def _merge(wb, args) -> tuple[str, int]:
    return _migration_text(args, wb.merge(order=args.order)), 0


def _squash(wb, args) -> tuple[str, int]:
    return _migration_text(args, wb.squash(args.first, args.last, name=args.name)), 0


def _baseline(wb, args) -> tuple[str, int]:
    return _migration_text(args, wb.baseline(args.name)), 0


def _migration_text(args, m) -> str:
    if args.json:
        return json.dumps({"ok": True, "version": m.version, "name": m.name,
                           "parents": list(m.parents), "replaces": list(m.replaces),
                           "status": m.status, "path": m.path, "notes": m.notes}, indent=2)
    return repr(m) + "".join(f"\n  {n}" for n in m.notes)
