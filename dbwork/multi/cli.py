"""Command-line commands of dbwork.multi, wired into ``dbwork`` (dbwork/cli.py):

    dbwork check TABLE --target main=URL --target backup=URL [--key id] [--fields a,b] [--json]
    dbwork fleet upgrade (URL ... | --pattern URL) --migrations DIR [--workers 8] [--continue] [--json]
    dbwork plan --services [PATH] [--json]
    dbwork upgrade --services [PATH] [--dry-run]

Exit status: 0 ok, 1 findings (a difference, a failed tenant), 2 an error.

>>> import argparse
>>> p = argparse.ArgumentParser(); sub = p.add_subparsers(dest="command")
>>> _ = sub.add_parser("upgrade"); add_arguments(sub)
>>> p.parse_args(["check", "events", "--target", "a=sqlite://", "--target", "b=sqlite://"]).key
'id'
"""
from __future__ import annotations

import argparse
import json
import sys

from ..errors import ConfigError, DbworkError


def add_arguments(sub) -> None:
    """Add ``check`` and ``fleet`` to the ``dbwork`` subparsers, and ``--services`` to
    ``plan`` and ``upgrade`` (a ``plan`` of its own when there is none yet)."""
    ck = sub.add_parser("check", help="compare a table across two databases (exit 1 on a difference)")
    ck.add_argument("table")
    ck.add_argument("--target", action="append", default=[], metavar="NAME=URL",
                    help="a database to compare (give two)")
    ck.add_argument("--key", default="id", help="the field rows are matched by")
    ck.add_argument("--fields", default=None, help="comma-separated fields to compare (default: common)")
    ck.add_argument("--json", action="store_true", help="the report as JSON")
    ck.set_defaults(module_run=run, run=run)
    fl = sub.add_parser("fleet", help="upgrade many tenant databases")
    fl.add_argument("action", choices=["upgrade"])
    fl.add_argument("urls", nargs="*", help="tenant database URLs")
    fl.add_argument("--pattern", help="a URL whose file, database or ?schema= name is a pattern")
    fl.add_argument("--migrations", default=argparse.SUPPRESS,
                    help="the folder every tenant takes (or dbwork's own --migrations)")
    fl.add_argument("--workers", type=int, default=8, help="tenants upgraded at once (default 8)")
    fl.add_argument("--continue", dest="keep_going", action="store_true",
                    help="carry on after a failed tenant (default: stop)")
    fl.add_argument("--dry-run", action="store_true", help="print what would run; change nothing")
    fl.add_argument("--json", action="store_true", help="the report as JSON")
    fl.set_defaults(module_run=run, run=run)
    choices = _parsers(sub)
    if "plan" not in choices:
        pl = sub.add_parser("plan", help="order pending migrations (--services: of every service)")
        pl.add_argument("--json", action="store_true")
        pl.set_defaults(module_run=_refuse_plain_plan, run=_refuse_plain_plan)
        choices = {**choices, "plan": pl}
    for name in ("plan", "upgrade"):
        if name in choices:
            choices[name].add_argument(
                "--services", nargs="?", const=".", default=None, metavar="PATH",
                action=_ServicesOption,
                help="every service of services.toml / [tool.dbwork.services] at PATH, "
                     "in requirement order")


def _parsers(sub) -> dict:
    """The subparsers made so far (``sub`` may be argparse's or a wrapper around it)."""
    return dict(getattr(sub, "choices", None) or getattr(getattr(sub, "_sub", None),
                                                         "choices", None) or {})


class _ServicesOption(argparse.Action):
    """``--services [PATH]`` on ``plan`` and ``upgrade``: the command runs here."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values if values is not None else self.const)
        namespace.module_run = namespace.run = run


def _refuse_plain_plan(args) -> int:
    print("dbwork: plan needs --services [PATH] here", file=sys.stderr)
    return 2


def run(args) -> int:
    """Run the command; print its report; return the exit status."""
    try:
        text, status = _COMMANDS[args.command](args)
    except DbworkError as e:
        print(f"dbwork: {type(e).__name__}: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    print(text)
    return status


def _targets(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or not name or not url:
            raise ConfigError(f"--target must read NAME=URL, not {pair.split('=')[0]!r}...")
        out[name] = url
    if len(out) != 2:
        raise ConfigError("check compares two databases: give --target twice")
    return out


def _check(args) -> tuple[str, int]:
    from .group import connect_many
    group = connect_many(_targets(args.target), migrations=".dbwork-check")
    try:
        fields = [f for f in args.fields.split(",") if f] if args.fields else None
        report = group.check(args.table, key=args.key, fields=fields)
    finally:
        group.close()
    text = json.dumps(report.to_dict(), indent=2, default=str) if args.json else str(report)
    return text, 0 if report.ok else 1


def _fleet(args) -> tuple[str, int]:
    from .fleets import fleet
    if bool(args.urls) == bool(args.pattern):
        raise ConfigError("give tenant URLs or --pattern, not both or neither")
    if not getattr(args, "migrations", None):
        raise ConfigError("fleet upgrade needs --migrations DIR (the folder every tenant takes)")
    report = fleet(args.pattern or args.urls, migrations=args.migrations).upgrade(
        workers=args.workers, stop_at_first_failure=not args.keep_going, dry_run=args.dry_run)
    text = json.dumps(report.to_dict(), indent=2) if args.json else \
        report.frame.to_string(index=False)
    return text, 0 if report.ok else 1


def _plan(args) -> tuple[str, int]:
    from .services import plan_services
    if args.services is None:
        raise ConfigError("plan needs --services [PATH] (services.toml or [tool.dbwork.services])")
    plan = plan_services(args.services)
    text = json.dumps(plan.to_dict(), indent=2) if getattr(args, "json", False) else str(plan)
    return text, 0


def _upgrade(args) -> tuple[str, int]:
    from .services import upgrade_services
    plan = upgrade_services(args.services, dry_run=args.dry_run,
                            allow_data_loss=args.allow_data_loss)
    if not plan.steps:
        return "every service is up to date", 0
    verb = "would apply" if args.dry_run else "applied"
    return f"{verb} in this order:\n{plan}", 0


_COMMANDS = {"check": _check, "fleet": _fleet, "plan": _plan, "upgrade": _upgrade}
