"""dbwork.multi.cli's add_arguments on a parser that has its own plan and upgrade (as
the CLI's owner builds it, through a wrapper around argparse's subparsers): --services
takes those commands over only when given."""
from __future__ import annotations

import argparse

from dbwork.multi import cli as multi_cli


class Wrapper:
    def __init__(self, sub):
        self._sub = sub

    def add_parser(self, name, **kw):
        kw.setdefault("conflict_handler", "resolve")
        return self._sub.add_parser(name, **kw)


def their_plan(args):
    return "theirs"


def test_services_option_on_existing_plan_and_upgrade():
    p = argparse.ArgumentParser()
    sub = Wrapper(p.add_subparsers(dest="command", required=True))
    for name in ("plan", "upgrade"):
        q = sub.add_parser(name)
        q.add_argument("--dry-run", action="store_true")
        q.add_argument("--allow-data-loss", action="store_true")
        q.set_defaults(run=their_plan)
    multi_cli.add_arguments(sub)
    assert p.parse_args(["plan"]).run is their_plan
    assert p.parse_args(["upgrade", "--dry-run"]).run is their_plan
    args = p.parse_args(["plan", "--services"])
    assert args.run is multi_cli.run and args.services == "."
    args = p.parse_args(["upgrade", "--services", "svc", "--dry-run"])
    assert args.run is multi_cli.run and args.services == "svc" and args.dry_run
    assert p.parse_args(["check", "t", "--target", "a=x", "--target", "b=y"]).run is multi_cli.run
