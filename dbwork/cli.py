"""The command line, for CI and deploys: the same Workbench as the notebook.

    dbwork --url postgresql://app@db/shop --migrations migrations upgrade --dry-run
    dbwork pending | history [--events] | rollback [--steps N | --to VERSION] [--reason TEXT]
    dbwork upgrade [--allow-data-loss] [--include-reverted] [--allow-out-of-order]
    dbwork reapply NAME     (re-approve a migration that was rolled back on purpose)
    dbwork verify [--json]  (exit 0 ok, 1 findings, 2 error)
    dbwork migrate NAME FILE
    dbwork lint FILE        (exit 1 when a finding is an error: a gate for CI)
    dbwork detect [PATH]
    dbwork copy SOURCE TARGET [--tables T ...] [--json]   (exit 0 ok, 1 findings, 2 error)

The URL comes from --url, else $DBWORK_URL, else $DATABASE_URL, else the embedded
default (dbwork.sqlite). Exit status: 0 done, 1 a dbwork error (one line on stderr),
2 bad arguments.

>>> main(["--url", "sqlite:///:memory:", "pending"])
no pending migrations
0
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import DbworkError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dbwork", description="Evolve databases safely.")
    p.add_argument("--url", help="database URL (default: $DBWORK_URL, $DATABASE_URL, or dbwork.sqlite)")
    p.add_argument("--migrations", help="migrations folder (default: migrations)")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upgrade", help="apply pending migration files in order")
    up.add_argument("--dry-run", action="store_true")
    up.add_argument("--allow-data-loss", action="store_true",
                    help="apply files that destroy data in rows that exist")
    up.add_argument("--include-reverted", action="store_true",
                    help="also apply migrations that were rolled back on purpose")
    up.add_argument("--allow-out-of-order", action="store_true",
                    help="apply a file older than the newest applied migration")
    ra = sub.add_parser("reapply", help="re-approve and apply a migration rolled back on purpose")
    ra.add_argument("name")
    ra.add_argument("--dry-run", action="store_true")
    ra.add_argument("--allow-data-loss", action="store_true")
    vf = sub.add_parser("verify", help="check files and history for changes made outside dbwork")
    vf.add_argument("--json", action="store_true")
    sub.add_parser("pending", help="list migration files not yet applied")
    hi = sub.add_parser("history", help="show the history table")
    hi.add_argument("--events", action="store_true", help="every apply and rollback")
    rb = sub.add_parser("rollback", help="undo the last migration(s)")
    rb.add_argument("--steps", type=int, default=1)
    rb.add_argument("--to")
    rb.add_argument("--dry-run", action="store_true")
    rb.add_argument("--reason", help="why: kept with the rollback in history")
    mg = sub.add_parser("migrate", help="plan and apply a change written in FILE ('-': stdin)")
    mg.add_argument("name")
    mg.add_argument("file")
    mg.add_argument("--dry-run", action="store_true")
    mg.add_argument("--allow-data-loss", action="store_true")
    mg.add_argument("--irreversible", action="store_true",
                    help="run statements without an inverse (DO blocks, CREATE OR REPLACE "
                         "FUNCTION, grants) and record the migration as forward-only")
    ln = sub.add_parser("lint", help="the risks of a change in FILE ('-': stdin), without running it")
    ln.add_argument("file")
    ln.add_argument("--dialect", help="the dialect FILE is written in")
    sd = sub.add_parser("seed", help="load the seed sets under seeds/ (--check: exit 1 on drift)")
    sd.add_argument("--env", help="the environment's folder under seeds/")
    sd.add_argument("--check", action="store_true", help="report drift; change nothing")
    sd.add_argument("--reset", action="store_true", help="delete rows not in the seed (backed up)")
    sd.add_argument("--json", action="store_true", help="the report as JSON")
    dt = sub.add_parser("detect", help="say which databases and tools a project uses")
    dt.add_argument("path", nargs="?", default=".")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_arguments(sub)
    return p


# commands that live in their own packages: each has add_arguments(sub) and run(args)
COMMAND_MODULES = ["dbwork.data.copy.cli", "dbwork.multi.cli", "dbwork.versions.cli"]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "module_run", None):
        return args.module_run(args)
    try:
        text, status = _run(args)
        print(text)
        return status
    except DbworkError as e:
        print(f"dbwork: {type(e).__name__}: {e}", file=sys.stderr)
        return 2 if args.command == "verify" else 1


def _run(args) -> str:
    if args.command == "detect":
        from . import detect
        return str(detect(args.path)), 0
    wb = _workbench(args)
    try:
        result = _COMMANDS[args.command](wb, args)
        return result if isinstance(result, tuple) else (result, 0)
    finally:
        wb.close()


def _workbench(args):
    from .workbench import connect
    url = args.url or os.environ.get("DBWORK_URL") or os.environ.get("DATABASE_URL")
    return connect(url, args.migrations)


def _upgrade(wb, args) -> str:
    done = wb.upgrade(dry_run=args.dry_run, allow_data_loss=args.allow_data_loss,
                      include_reverted=args.include_reverted,
                      allow_out_of_order=args.allow_out_of_order)
    skipped = "".join(f"\nnot re-applied (reverted): {m.version} {m.name}; "
                      "--include-reverted or `dbwork reapply NAME` applies it"
                      for m in done.reverted)
    if not done:
        return "database is up to date" + skipped
    return "\n\n".join(str(m) if args.dry_run else repr(m) for m in done) + skipped


def _reapply(wb, args) -> str:
    m = wb.reapply(args.name, dry_run=args.dry_run, allow_data_loss=args.allow_data_loss)
    return str(m) if args.dry_run else repr(m)


def _verify(wb, args) -> tuple[str, int]:
    import json
    report = wb.verify()
    text = json.dumps(report.to_dict(), indent=2) if args.json else str(report)
    return text, 0 if report.ok else 1


def _pending(wb, args) -> str:
    rows = wb.pending()
    return "\n".join(f"{m.version} {m.name}" + (" (reverted: not re-applied by upgrade "
                                                 "until re-approved)" if
                                                 m.status == "rolled_back" else "")
                     for m in rows) or "no pending migrations"


def _history(wb, args) -> str:
    frame = wb.history(events=args.events)
    return frame.to_string(index=False) if len(frame) else "no migrations applied"


def _rollback(wb, args) -> str:
    done = wb.rollback(args.steps, to=args.to, dry_run=args.dry_run, reason=args.reason)
    if not done:
        return "nothing to roll back"
    return "\n\n".join(str(m) if args.dry_run else repr(m) for m in done)


def _migrate(wb, args) -> str:
    m = wb.migrate(args.name, _read(args.file), dry_run=args.dry_run,
                   allow_data_loss=args.allow_data_loss,
                   irreversible=getattr(args, "irreversible", False))
    return str(m)


def _lint(wb, args) -> tuple[str, int]:
    findings = wb.lint(_read(args.file), dialect=args.dialect)
    errors = [f for f in findings if f.severity == "error"]
    text = "\n".join(str(f) for f in findings) or "no findings"
    return text, 1 if errors else 0


def _read(path: str) -> str:
    from .errors import ConfigError
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None


def _seed(wb, args) -> tuple[str, int]:
    from .data.seed import cli_seed
    return cli_seed(wb, args.env, args.check, args.reset, args.json)


_COMMANDS = {"seed": _seed, "upgrade": _upgrade, "pending": _pending, "history": _history,
             "rollback": _rollback, "migrate": _migrate, "lint": _lint,
             "reapply": _reapply, "verify": _verify}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
