"""The command line, for CI and deploys: the same Workbench as the notebook.

    dbwork [--url URL | --env NAME] [--migrations DIR] COMMAND [--json] ...
    dbwork status [--check]     (--check: exit 1 while files are pending)
    dbwork plan                 (what upgrade would run, nothing applied)
    dbwork upgrade [--dry-run] [--allow-data-loss] [--include-reverted]
                   [--allow-out-of-order] [--confirm ENV]
    dbwork rollback [--steps N | --to VERSION] [--reason TEXT] [--dry-run]
    dbwork lint FILE... [--dialect D]   (offline from the file alone when no database is given)
    dbwork rehearse [FILE --name NAME]   (no FILE: the pending files, recorded for --confirm)
    dbwork drift | diff OTHER_URL | history [--events] | verify
    dbwork export VERSION --format alembic|prisma|flyway [--path DIR]
    dbwork detect [PATH] | migrate NAME FILE | reapply NAME | seed | pending

The URL comes from --url, else --env (dbwork.toml / [tool.dbwork]), else $DBWORK_URL,
else $DATABASE_URL, else the embedded default (dbwork.sqlite). Exit status: 0 ok,
1 findings (lint errors, drift, pending files under ``status --check``, a failed
rehearsal), 2 an error (one line on stderr; with --json also {"error": ...} on stdout).
``--json`` keys are listed in the README ("Command line").

>>> main(["--url", "sqlite:///:memory:", "pending"])
no pending migrations
0
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from .errors import ConfigError, DbworkError

OK, FINDINGS, ERROR = 0, 1, 2


def common_options() -> argparse.ArgumentParser:
    """--json and --env on every command (SUPPRESS: a value given before the command
    is not overwritten by the subcommand's default). Commands in other packages use
    it too (dbwork/versions/cli.py)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help="print the result as JSON (stable keys: see the README)")
    p.add_argument("--env", default=argparse.SUPPRESS,
                   help="the environment named in dbwork.toml / [tool.dbwork]")
    return p


def _json_only() -> argparse.ArgumentParser:
    """--json alone (seed: its --env is the seed folder's, not an environment's)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help="print the result as JSON (stable keys: see the README)")
    return p


def _apply_options(p) -> None:
    p.add_argument("--dry-run", action="store_true", help="print what would run; change nothing")
    p.add_argument("--allow-data-loss", action="store_true",
                   help="apply changes that destroy data in rows that exist")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dbwork", description="Evolve databases safely.")
    p.add_argument("--url", help="database URL (default: --env, $DBWORK_URL, $DATABASE_URL, "
                                 "or dbwork.sqlite)")
    p.add_argument("--migrations", help="migrations folder (default: the environment's, "
                                        "or migrations)")
    p.add_argument("--env", help="the environment named in dbwork.toml / [tool.dbwork]")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = [common_options()]
    st = sub.add_parser("status", parents=common, help="applied head and pending files")
    st.add_argument("--check", action="store_true", help="exit 1 while files are pending")
    sub.add_parser("plan", parents=common, help="what upgrade would run (nothing is applied)")
    up = sub.add_parser("upgrade", parents=common, help="apply pending migration files in order")
    _apply_options(up)
    up.add_argument("--include-reverted", action="store_true",
                    help="also apply migrations that were rolled back on purpose")
    up.add_argument("--allow-out-of-order", action="store_true",
                    help="apply a file older than the newest applied migration")
    up.add_argument("--confirm", metavar="ENV",
                    help="the environment's name: a protected environment applies only with it")
    ra = sub.add_parser("reapply", parents=common,
                        help="re-approve and apply a migration rolled back on purpose")
    ra.add_argument("name", help="the migration's name")
    _apply_options(ra)
    sub.add_parser("verify", parents=common,
                   help="check files and history for changes made outside dbwork")
    sub.add_parser("pending", parents=common, help="list migration files not yet applied")
    hi = sub.add_parser("history", parents=common, help="show the history table")
    hi.add_argument("--events", action="store_true", help="every apply and rollback")
    rb = sub.add_parser("rollback", parents=common, help="undo the last migration(s)")
    rb.add_argument("--steps", type=int, default=1, help="how many migrations (default 1)")
    rb.add_argument("--to", metavar="VERSION", help="undo every migration after VERSION")
    rb.add_argument("--dry-run", action="store_true", help="print what would run; change nothing")
    rb.add_argument("--reason", help="why: kept with the rollback in history")
    mg = sub.add_parser("migrate", parents=common,
                        help="plan and apply a change written in FILE ('-': stdin)")
    mg.add_argument("name", help="the migration's name")
    mg.add_argument("file", help="the SQL (or mongosh) file; '-' reads stdin")
    _apply_options(mg)
    mg.add_argument("--irreversible", action="store_true",
                    help="run statements without an inverse (DO blocks, CREATE OR REPLACE "
                         "FUNCTION, grants) and record the migration as forward-only")
    ln = sub.add_parser("lint", parents=common,
                        help="the risks of a change in FILE ('-': stdin), without running it; "
                             "offline when no database is given")
    ln.add_argument("files", nargs="+", metavar="FILE",
                    help="migration file(s); '-' reads stdin")
    ln.add_argument("--dialect", help="the dialect FILE is written in (offline: the engine "
                                      "to lint for; default sqlite)")
    rh = sub.add_parser("rehearse", parents=common,
                        help="up, down, up on a throwaway copy (no FILE: the pending files, "
                             "recorded for a protected upgrade)")
    rh.add_argument("file", nargs="?", help="a change to rehearse instead of the pending files")
    rh.add_argument("--name", default="rehearsal", help="the change's name (with FILE)")
    rh.add_argument("--allow-data-loss", action="store_true",
                    help="rehearse changes that destroy data in rows that exist")
    sub.add_parser("drift", parents=common,
                   help="the live schema against the applied migrations replayed on a "
                        "shadow database (exit 1 on drift)")
    df = sub.add_parser("diff", parents=common,
                        help="another database's schema against this one (exit 1 when they differ)")
    df.add_argument("other", nargs="?", help="the other database's URL")
    df.add_argument("--other-env", help="the other database as an environment name")
    ex = sub.add_parser("export", parents=common,
                        help="write a migration in another tool's format")
    ex.add_argument("version", help="the migration's version or name")
    ex.add_argument("--format", required=True, choices=["alembic", "prisma", "flyway"],
                    help="the tool whose format to write")
    ex.add_argument("--path", default=".", help="the project folder to write into")
    sd = sub.add_parser("seed", parents=[_json_only()],
                        help="load the seed sets under seeds/ (--check: exit 1 on drift)")
    sd.add_argument("--env", dest="seed_env", help="the environment's folder under seeds/")
    sd.add_argument("--check", action="store_true", help="report drift; change nothing")
    sd.add_argument("--reset", action="store_true", help="delete rows not in the seed (backed up)")
    dt = sub.add_parser("detect", parents=common,
                        help="say which databases and tools a project uses (with --env: "
                             "the project of the config file that names it)")
    dt.add_argument("path", nargs="?", default=None,
                    help="the project folder (default: the --env config file's folder, or .)")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_arguments(sub)
    return p


# commands that live in their own packages: each has add_arguments(sub) and run(args)
COMMAND_MODULES = ["dbwork.data.copy.cli", "dbwork.multi.cli", "dbwork.versions.cli"]


def main(argv: list[str] | None = None) -> int:
    """Run ``dbwork`` with ``argv``: print the result, return the exit status."""
    args = build_parser().parse_args(argv)
    if getattr(args, "module_run", None):
        return args.module_run(args)
    try:
        text, status = _run(args)
    except DbworkError as e:
        _report_error(e, args)
        return _exit_code(e)
    print(text)
    return status


def _exit_code(e: DbworkError) -> int:
    """1 for a finding that waits on a person (a branch conflict to order, a broken
    migration graph or edited files and history to repair, data loss to consent to):
    nothing ran; 2 for every other error."""
    from .errors import BrokenGraph, DataLossRefused, MigrationConflict
    return FINDINGS if isinstance(e, (MigrationConflict, DataLossRefused, BrokenGraph)) \
        else ERROR


# what an error carries, in its JSON body beside type and message
_ERROR_KEYS = ("line", "column", "first", "second", "shared", "heads", "version", "versions",
               "paths", "problem")


def _report_error(e: DbworkError, args) -> None:
    from .url import mask_url
    message = mask_url(str(e))
    print(f"dbwork: {type(e).__name__}: {message}", file=sys.stderr)
    if args.json:
        body: dict[str, object] = {"type": type(e).__name__, "message": message}
        for key in _ERROR_KEYS:
            if getattr(e, key, None) is not None:
                body[key] = getattr(e, key)
        findings = getattr(e, "findings", None) or []
        if findings:
            body["findings"] = [{"kind": f.kind, "subject": f.subject, "message": f.message}
                                for f in findings]
        print(json.dumps({"error": body}, default=str))


def _run(args) -> tuple[str, int]:
    if args.command == "detect":
        return _detect(args)
    if args.command == "lint" and _offline(args):
        return _lint_offline(args)
    command = getattr(args, "command_run", None) or _COMMANDS[args.command]
    wb = _workbench(args)
    try:
        result = command(wb, args)
        return result if isinstance(result, tuple) else (result, OK)
    finally:
        wb.close()


def _url_given(args) -> bool:
    return bool(args.url or args.env or os.environ.get("DBWORK_URL")
                or os.environ.get("DATABASE_URL"))


def _offline(args) -> bool:
    return not _url_given(args)


def _workbench(args):
    """The one Workbench every command runs on: --url, else --env, else $DBWORK_URL,
    else $DATABASE_URL, else the embedded default; --migrations overrides the folder."""
    from .workbench import connect
    if args.env:
        if args.url:
            raise ConfigError("give --url or --env, not both")
        return connect(migrations=args.migrations, env=args.env)
    url = args.url or os.environ.get("DBWORK_URL") or os.environ.get("DATABASE_URL")
    return connect(url, args.migrations)


def _detect(args) -> tuple[str, int]:
    from .detect import detect
    path = args.path
    if path is None and args.env:
        from .versions.environments import environment
        path = str(Path(environment(args.env).source).parent)
    found = detect(path or ".")
    return (_dumps(found.to_dict()) if args.json else str(found)), OK


def _dumps(data) -> str:
    return json.dumps(data, indent=2, default=str, sort_keys=True)


def _brief(m) -> dict:
    """A migration's stable JSON keys."""
    return {"version": m.version, "name": m.name, "status": m.status,
            "checksum": m.checksum, "warnings": list(m.warnings)}


# -- commands: (wb, args) -> text or (text, status) ------------------------------------
def _status(wb, args) -> tuple[str, int]:
    rows = [r for r in wb.backend.history() if r.status == "applied"]
    head = max((r.version for r in rows), default=None)
    pending = wb.pending()
    status = FINDINGS if args.check and pending else OK
    if args.json:
        return _dumps({"url": wb.display_url, "head": head, "applied": len(rows),
                       "pending": [_brief(m) for m in pending]}), status
    lines = [f"{wb.display_url}: {len(rows)} applied, head {head or '(none)'}"]
    lines += [f"pending: {m.version} {m.name}" + (" (reverted)" if m.status == "rolled_back"
                                                  else "") for m in pending]
    return "\n".join(lines) if pending else lines[0] + "; up to date", status


def _plan(wb, args) -> str:
    done = wb.upgrade(dry_run=True)
    if args.json:
        return _dumps({"migrations": [{**_brief(m), "up": m.up, "down": m.down}
                                      for m in done]})
    return "\n\n".join(str(m) for m in done) or "nothing to apply: database is up to date"


def _upgrade(wb, args) -> str:
    done = wb.upgrade(dry_run=args.dry_run, allow_data_loss=args.allow_data_loss,
                      include_reverted=args.include_reverted,
                      allow_out_of_order=args.allow_out_of_order, confirm=args.confirm)
    if args.json:
        return _dumps({"dry_run": args.dry_run, "applied": [_brief(m) for m in done],
                       "reverted": [_brief(m) for m in done.reverted]})
    skipped = "".join(f"\nnot re-applied (reverted): {m.version} {m.name}; "
                      "--include-reverted or `dbwork reapply NAME` applies it"
                      for m in done.reverted)
    if not done:
        return "database is up to date" + skipped
    return "\n\n".join(str(m) if args.dry_run else repr(m) for m in done) + skipped


def _reapply(wb, args) -> str:
    m = wb.reapply(args.name, dry_run=args.dry_run, allow_data_loss=args.allow_data_loss)
    if args.json:
        return _dumps(_brief(m))
    return str(m) if args.dry_run else repr(m)


def _verify(wb, args) -> tuple[str, int]:
    report = wb.verify()
    text = json.dumps(report.to_dict(), indent=2) if args.json else str(report)
    return text, OK if report.ok else FINDINGS


def _pending(wb, args) -> str:
    rows = wb.pending()
    if args.json:
        return _dumps({"pending": [_brief(m) for m in rows]})
    return "\n".join(f"{m.version} {m.name}" + (" (reverted: not re-applied by upgrade "
                                                 "until re-approved)" if
                                                 m.status == "rolled_back" else "")
                     for m in rows) or "no pending migrations"


def _history(wb, args) -> str:
    frame = wb.history(events=args.events)
    if args.json:
        return _dumps({"history": frame.astype(object).where(frame.notna(), None)
                       .to_dict(orient="records")})
    return frame.to_string(index=False) if len(frame) else "no migrations applied"


def _rollback(wb, args) -> str:
    done = wb.rollback(args.steps, to=args.to, dry_run=args.dry_run, reason=args.reason)
    if args.json:
        return _dumps({"dry_run": args.dry_run, "rolled_back": [_brief(m) for m in done]})
    if not done:
        return "nothing to roll back"
    return "\n\n".join(str(m) if args.dry_run else repr(m) for m in done)


def _migrate(wb, args) -> str:
    m = wb.migrate(args.name, _read(args.file), dry_run=args.dry_run,
                   allow_data_loss=args.allow_data_loss,
                   irreversible=getattr(args, "irreversible", False))
    return _dumps({**_brief(m), "up": m.up, "down": m.down}) if args.json else str(m)


def _findings(found: list, args, offline: bool) -> tuple[str, int]:
    """``found``: (file, finding) pairs."""
    errors = [f for _, f in found if f.severity == "error"]
    status = FINDINGS if errors else OK
    if args.json:
        keys = ("rule", "severity", "title", "message", "step")
        return _dumps({"offline": offline, "errors": len(errors),
                       "findings": [{"file": path, **{k: getattr(f, k) for k in keys}}
                                    for path, f in found]}), status
    several = len(args.files) > 1
    return "\n".join(f"{path}: {f}" if several else str(f) for path, f in found) \
        or "no findings", status


def _lint(wb, args) -> tuple[str, int]:
    return _findings([(path, f) for path in args.files
                      for f in wb.lint(_read(path), dialect=args.dialect)], args, False)


def _lint_offline(args) -> tuple[str, int]:
    from .dialects import get_dialect
    from .safety.offline import lint_offline
    dialect = get_dialect(_dialect(args.dialect or "sqlite"))
    return _findings([(path, f) for path in args.files
                      for f in _in_file(path, lint_offline, dialect)],
                     args, True)


def _in_file(path: str, lint, dialect) -> list:
    """``lint(text of path, dialect)``, with the file named in a ParseError (line and
    column kept)."""
    from .errors import ParseError
    try:
        return lint(_read(path), dialect)
    except ParseError as e:
        raise ParseError(f"{path}: {str(e).rsplit(' (line', 1)[0]}", e.line, e.column,
                         e.statement) from None


def _dialect(name: str) -> str:
    from .backends import get_backend, names
    try:
        return get_backend(name).name
    except DbworkError:
        raise ConfigError(f"unknown dialect {name!r} ({', '.join(names())})") from None


def _rehearse(wb, args) -> tuple[str, int]:
    if args.file:
        report = wb.rehearse(args.name, _read(args.file), allow_data_loss=args.allow_data_loss)
    else:
        report = wb.rehearse_pending(allow_data_loss=args.allow_data_loss)
    status = OK if report.ok else FINDINGS
    if args.json:
        keys = ("name", "dialect", "mode", "schema_restored", "rows_restored", "reapplied",
                "differences", "steps")
        return _dumps({"ok": report.ok, **{k: getattr(report, k) for k in keys}}), status
    return report.summary(), status


def _drift(wb, args) -> tuple[str, int]:
    return _differences(wb.drift(), args)


def _diff(wb, args) -> tuple[str, int]:
    from .workbench import connect
    if bool(args.other) == bool(args.other_env):
        raise ConfigError("diff needs the other database: a URL or --other-env NAME")
    other = connect(args.other) if args.other else connect(env=args.other_env)
    try:
        return _differences(wb.diff(other), args)
    finally:
        other.close()


def _differences(found, args) -> tuple[str, int]:
    status = OK if found.clean else FINDINGS
    if args.json:
        return _dumps(found.to_dict()), status
    if found.clean:
        return str(found), status
    return f"{found}\n\nthe migration that absorbs it:\n{found.migration().up}", status


def _export(wb, args) -> str:
    path = wb.export(args.version, args.format, args.path)
    return _dumps({"path": str(path)}) if args.json else f"wrote {path}"


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None


def _seed(wb, args) -> tuple[str, int]:
    from .data.seed import cli_seed
    return cli_seed(wb, args.seed_env, args.check, args.reset, args.json)


_COMMANDS = {"seed": _seed, "upgrade": _upgrade, "pending": _pending, "history": _history,
             "rollback": _rollback, "migrate": _migrate, "lint": _lint,
             "reapply": _reapply, "verify": _verify, "status": _status, "plan": _plan,
             "rehearse": _rehearse, "drift": _drift, "diff": _diff, "export": _export}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
