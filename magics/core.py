"""The notebook layer: %detect, %%migrate, %%seed, %rollback, %upgrade, %history, %erd, %backups.

Each magic is a short adapter over a :class:`dbwork.Workbench`: parse the magic's
arguments, call one Workbench method, return its result (so ``_`` holds it). A dbwork
error fails the cell with one short message; bad magic arguments raise UsageError.
"""
from __future__ import annotations

from pathlib import Path

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Bool, Unicode, observe

import dbwork
from dbwork.docs.results import Findings
from dbwork.errors import DataLossRefused, DbworkError
from dbwork.migration import Migration

from .expand import expand_variables


class MigrationList(list):
    """Migrations returned by %rollback / %upgrade: one card each, inline."""

    def _repr_html_(self) -> str:
        if not self:
            return "<p><i>nothing to do</i></p>"
        return "\n<hr>\n".join(m._repr_html_() for m in self)

    def __repr__(self) -> str:
        if not self:
            return "nothing to do"
        return "\n".join(repr(m) for m in self)


class FindingList(Findings):
    """Lint findings of %%lint: a table in the notebook, one line each as text."""


@magics_class
class DbworkMagics(Magics):
    """Holds the current Workbench for this notebook (no global state in the core).

    Options, set with IPython's ``%config`` (``%config DbworkMagics`` lists them)::

        %config DbworkMagics.target = "postgresql://localhost/app"   # or a project folder
        %config DbworkMagics.migrations = "db/migrations"
        %config DbworkMagics.dry_run = True       # %%migrate, %upgrade, %rollback preview
        %config DbworkMagics.auto_docs = "docs/schema.md"
        %config DbworkMagics.expand_variables = False
    """

    target = Unicode("", help="The database a notebook uses before any %detect: a URL or "
                              "a project folder (default: the embedded SQLite file)."
                     ).tag(config=True)
    migrations = Unicode("", help="The migrations folder (default: migrations/ beside "
                                  "the database or project).").tag(config=True)
    dry_run = Bool(False, help="Preview by default: %%migrate, %upgrade and %rollback "
                               "change nothing unless given --apply.").tag(config=True)
    auto_docs = Unicode("", help="Keep the schema documentation at this path, "
                                 "regenerated after every change.").tag(config=True)
    expand_variables = Bool(True, help="Fill {name} in %%migrate and %%lint cells from "
                                       "notebook variables (outside strings and comments)."
                            ).tag(config=True)

    def __init__(self, shell):
        super().__init__(shell)
        self.workbench: dbwork.Workbench | None = None
        self.detection = None
        self.pending_choice: str | None = None
        self.consent = None  # the last consent widget offered

    # -- target -----------------------------------------------------------------------
    @magic_arguments()
    @argument("where", nargs="?", default=".", help="a project folder or a database URL")
    @argument("--target", default=None, help="which detected database to use, by name")
    @argument("--migrations", default=None, help="the migrations folder")
    @argument("--docs", default=None,
              help="keep the schema documentation at this path, regenerated after changes")
    @line_magic
    def detect(self, line):
        """%detect [PATH | URL] [--target NAME] [--migrations DIR] [--docs PATH]

        With a URL, connect to that database. With a folder, read the project's files
        to find its databases and connect to the primary one; with none found, use the
        embedded default (SQLite file dbwork.sqlite beside a migrations/ folder).
        """
        args = self._args(self.detect, line)
        result = self._detect(args.where, args.target, args.migrations or self.migrations or None)
        if args.docs and self.workbench is not None:
            self.workbench.docs_path = args.docs
        return result

    def _detect(self, where: str, target: str | None, migrations: str | None):
        self.pending_choice = None
        if "://" in where:
            self._use(dbwork.connect(where, migrations))
            return self.workbench
        detection = dbwork.detect(where)
        self.detection = detection
        chosen = detection.target(target) if target else detection.primary()
        folder = Path(where)
        mig = migrations or str(folder / "migrations")
        if target is None and detection.is_ambiguous:
            return self._choose(detection, where, mig)
        if chosen is None:
            from dbwork.workbench import DEFAULT_DATABASE  # dbwork loads submodules lazily
            url = f"sqlite:///{folder / DEFAULT_DATABASE}"
            self._use(dbwork.connect(url, mig))
            detection.connected = self.workbench.display_url
            return detection
        self._use(dbwork.connect(chosen.url, mig))
        detection.connected = self.workbench.display_url
        return detection

    def _choose(self, detection, where: str, migrations: str):
        """Several databases tie: ask, with a chooser widget where widgets exist."""
        names = ", ".join(t.name for t in detection.targets)
        self._use(None)
        self.pending_choice = (f"several databases found ({names}): choose one with "
                               f"%detect {where} --target NAME")
        from .widgets import have_widgets, target_chooser
        if not have_widgets():  # text only: the message names the way out
            raise DbworkError(self.pending_choice)

        def chosen(target):
            self._use(dbwork.connect(target.url, migrations))
            self.pending_choice = None

        return target_chooser(detection, chosen)

    def _use(self, wb: dbwork.Workbench | None) -> None:
        if self.workbench is not None:
            self.workbench.close()
        self.workbench = wb
        if wb is not None and self.auto_docs:
            wb.docs_path = self.auto_docs

    @observe("target", "migrations")
    def _target_changed(self, change) -> None:
        """A new default target: the next magic connects to it."""
        self._use(None)
        self.pending_choice = None

    @observe("auto_docs")
    def _docs_changed(self, change) -> None:
        if self.workbench is not None:
            self.workbench.docs_path = change["new"] or None

    def _wb(self) -> dbwork.Workbench:
        if self.pending_choice:
            raise DbworkError(self.pending_choice)
        if self.workbench is None and self.target:  # %config DbworkMagics.target
            self._detect(self.target, None, self.migrations or None)
            return self._wb()
        if self.workbench is None:  # the embedded default, as %detect . would choose
            self._use(dbwork.connect(None, self.migrations or None))
        return self.workbench

    def _dry(self, args) -> bool:
        """--dry-run, or the notebook's dry-run default unless --apply."""
        if args.dry_run and args.apply:
            raise UsageError("--dry-run and --apply contradict each other")
        return args.dry_run or (self.dry_run and not args.apply)

    def _cell(self, cell: str, args) -> str:
        """The cell with {name} filled from the notebook (unless switched off)."""
        if not self.expand_variables or args.no_expand:
            return cell
        return expand_variables(cell, self.shell.user_ns)

    # -- changes ----------------------------------------------------------------------
    @magic_arguments()
    @argument("name", help="the migration's name: letters, digits, _ and -")
    @argument("--dry-run", action="store_true", help="show what would run; change nothing")
    @argument("--apply", action="store_true",
              help="apply even when %%config DbworkMagics.dry_run = True")
    @argument("--no-expand", action="store_true",
              help="take the cell as written: no {name} filled from notebook variables")
    @argument("--allow-data-loss", action="store_true",
              help="allow a change that destroys data (a backup is kept)")
    @argument("--dialect", default=None, help="the dialect the cell is written in")
    @argument("--rehearse", action="store_true",
              help="run up, down, up on a throwaway copy and report; change nothing")
    @argument("--desired", action="store_true",
              help="the cell is the whole desired schema; migrate the live one to it")
    @argument("--online", action="store_true",
              help="rewrite blocking operations into non-blocking forms (PostgreSQL)")
    @argument("--irreversible", action="store_true",
              help="run statements without an inverse; record the migration as forward-only")
    @argument("--targets", default=None,
              help="comma-separated target names of a group (dbwork.connect_many)")
    @argument("--group", default=None, help="the notebook variable holding the group")
    @argument("--mirror", nargs=2, default=None, metavar=("SOURCE:TABLE", "TARGET"),
              help="add the MongoDB collection derived from a SQL table to TARGET's change")
    @cell_magic
    def migrate(self, line, cell):
        """%%migrate NAME [--dry-run | --apply] [--no-expand] [--allow-data-loss] [--dialect D] [--rehearse] [--desired] [--online] [--irreversible] [--targets a,b] [--group VAR] [--mirror SOURCE:TABLE TARGET]

        The cell holds the change (SQL, or mongosh commands on MongoDB), optionally
        followed by a `-- migrate:down` section with its explicit rollback. With
        --desired it holds the whole desired schema as CREATE statements instead.
        With --targets / --group / --mirror the change goes to several databases at once:
        ``-- target: NAME`` lines start each target's section, and a failure on a later
        target undoes the earlier ones. ``{name}`` in the cell is filled from the
        notebook's variables (outside strings and comments; ``--no-expand`` keeps it).
        """
        args = self._args(self.migrate, line)
        cell = self._cell(cell, args)
        args.dry_run = self._dry(args)
        if args.targets or args.group or args.mirror:
            return self.shell.magics_manager.registry["MultiMagics"].migrate_group(args, cell)
        wb = self._wb()
        if args.rehearse:
            return wb.rehearse(args.name, cell, allow_data_loss=args.allow_data_loss)
        options = dict(dry_run=args.dry_run, dialect=args.dialect, desired=args.desired,
                       online=args.online, irreversible=args.irreversible)
        try:
            return wb.migrate(args.name, cell, allow_data_loss=args.allow_data_loss, **options)
        except DataLossRefused as refusal:
            self._offer_consent(refusal, lambda: wb.migrate(
                args.name, cell, allow_data_loss=True, **options))
            raise  # the cell still fails: a run top to bottom never loses data by itself

    def _offer_consent(self, refusal, apply) -> None:
        """Next to the refusal, a confirmation button (in a notebook front end)."""
        from IPython.display import display

        from .widgets import consent_widget, have_widgets
        if not have_widgets():  # text only: the DataLossRefused message says what to do
            return
        self.consent = consent_widget(refusal, apply)
        display(self.consent)

    @magic_arguments()
    @argument("--dialect", default=None, help="the dialect the cell is written in")
    @argument("--no-expand", action="store_true",
              help="take the cell as written: no {name} filled from notebook variables")
    @cell_magic
    def lint(self, line, cell):
        """%%lint [--dialect D]: the risks of a change (rule, severity, why, the safer
        way), without running it."""
        args = self._args(self.lint, line)
        return FindingList(self._wb().lint(self._cell(cell, args), dialect=args.dialect))

    @magic_arguments()
    @argument("steps", nargs="?", type=int, default=1, help="how many migrations to undo")
    @argument("--to", default=None, help="undo every migration after this version")
    @argument("--dry-run", action="store_true", help="show what would run; change nothing")
    @argument("--apply", action="store_true",
              help="apply even when %%config DbworkMagics.dry_run = True")
    @argument("--reason", default=None, help="why: kept with the rollback in history")
    @line_magic
    def rollback(self, line):
        """%rollback [STEPS] [--to VERSION] [--dry-run | --apply] [--reason TEXT]: undo the last
        migration(s), schema and data; it stays reverted until re-approved."""
        args = self._args(self.rollback, line)
        if args.steps < 1:
            raise UsageError("STEPS must be 1 or more")
        return MigrationList(self._wb().rollback(args.steps, to=args.to, dry_run=self._dry(args),
                                                 reason=args.reason))

    @magic_arguments()
    @argument("--dry-run", action="store_true", help="show what would run; change nothing")
    @argument("--allow-data-loss", action="store_true",
              help="apply files that destroy data in rows that exist")
    @argument("--apply", action="store_true",
              help="apply even when %%config DbworkMagics.dry_run = True")
    @argument("--include-reverted", action="store_true",
              help="also apply migrations that were rolled back on purpose")
    @argument("--allow-out-of-order", action="store_true",
              help="apply a file older than the newest applied migration")
    @line_magic
    def upgrade(self, line):
        """%upgrade [--dry-run | --apply] [--allow-data-loss] [--include-reverted]
        [--allow-out-of-order]: apply the pending migration files in order."""
        args = self._args(self.upgrade, line)
        return MigrationList(self._wb().upgrade(
            dry_run=self._dry(args), allow_data_loss=args.allow_data_loss,
            include_reverted=args.include_reverted, allow_out_of_order=args.allow_out_of_order))

    @line_magic
    def verify(self, line):
        """%verify: check migration files and history for changes made outside dbwork
        (a VerifyReport: a table of findings, each naming the file or row)."""
        if line.strip():
            raise UsageError("%verify takes no arguments")
        return self._wb().verify()

    # -- desired state and adoption ---------------------------------------------------
    @magic_arguments()
    @argument("name", help="the migration's name")
    @argument("target", help="a name in the notebook (MetaData or declarative Base) or "
                             "a path to a .prisma or .sql file, or to a folder of "
                             ".prisma files (prismaSchemaFolder)")
    @argument("--dry-run", action="store_true", help="show what would run; change nothing")
    @argument("--allow-data-loss", action="store_true",
              help="allow a change that destroys data (a backup is kept)")
    @line_magic
    def migrate_to(self, line):
        """%migrate_to NAME TARGET [--dry-run] [--allow-data-loss]: migrate the live
        schema to a desired state: SQLAlchemy models in the notebook, or a schema file."""
        args = self._args(self.migrate_to, line)
        target = self.shell.user_ns.get(args.target, args.target)
        return self._wb().migrate_to(args.name, target, dry_run=args.dry_run,
                                     allow_data_loss=args.allow_data_loss)

    @magic_arguments()
    @argument("path", nargs="?", default=".", help="the project folder")
    @line_magic
    def existing_history(self, line):
        """%existing_history [PATH]: another tool's migrations (Alembic, Prisma, Flyway,
        Django, dbmate) and which this database has applied."""
        args = self._args(self.existing_history, line)
        return self._wb().existing_history(args.path)

    @magic_arguments()
    @argument("name", nargs="?", default="baseline", help="the baseline's name")
    @line_magic
    def adopt(self, line):
        """%adopt [NAME]: baseline the live schema, so new dbwork migrations continue
        from it without re-running the old tool's migrations."""
        args = self._args(self.adopt, line)
        return self._wb().adopt(args.name)

    @magic_arguments()
    @argument("version", help="a dbwork migration's version or name")
    @argument("format", choices=["alembic", "prisma", "flyway"], help="the project's format")
    @argument("path", help="where the project keeps its migrations")
    @line_magic
    def export(self, line):
        """%export VERSION FORMAT PATH: write a dbwork migration in the project's own
        format (an Alembic revision, a Prisma migration folder, a Flyway V__ file)."""
        args = self._args(self.export, line)
        return self._wb().export(args.version, args.format, args.path)

    @magic_arguments()
    @argument("path", nargs="?", default=None, help="where to write (default: the docs path)")
    @line_magic
    def document(self, line):
        """%document [PATH]: write the schema documentation (Markdown with every table,
        key, index and comment, and the ER diagram beside it)."""
        args = self._args(self.document, line)
        return self._wb().document(args.path)

    @magic_arguments()
    @argument("notebook", nargs="?", default=None,
              help="the executed notebook (default: this one, as last saved)")
    @argument("--to", default=None, help="the HTML file to write (default: beside it)")
    @line_magic
    def runbook(self, line):
        """%runbook [NOTEBOOK] [--to OUT.html]: keep this notebook, as last saved, as a
        standalone HTML record with the database's event log (when, what, by whom) and
        each migration's scripts. Save the notebook first."""
        args = self._args(self.runbook, line)
        notebook = args.notebook or self._this_notebook()
        return self._wb().runbook(notebook, args.to)

    def _this_notebook(self) -> str:
        """The running notebook's path, as Jupyter tells the kernel (JupyterLab sets
        JPY_SESSION_NAME; ipykernel puts it in ``__session__``)."""
        import os
        path = os.environ.get("JPY_SESSION_NAME") or self.shell.user_ns.get("__session__")
        if not path or not str(path).endswith(".ipynb"):
            raise UsageError("which notebook? name it: %runbook NOTEBOOK.ipynb")
        return str(path)

    # -- looking ----------------------------------------------------------------------
    @line_magic
    def history(self, line):
        """%history [--events]: the migration history as a DataFrame (--events: every
        apply and rollback, with its reason)."""
        if line.strip() not in ("", "--events"):
            raise UsageError("%history takes no arguments but --events")
        return self._wb().history(events=line.strip() == "--events")

    @magic_arguments()
    @argument("tables", nargs="*", help="draw these tables and their neighbours")
    @argument("--overview", action="store_true",
              help="one small box per table (the default above 40 tables)")
    @argument("--order", action="store_true",
              help="tables by foreign-key depth: the order they can be created in")
    @line_magic
    def erd(self, line):
        """%erd [TABLE ...] [--overview | --order]: the live schema as an ER diagram
        (around TABLEs if given; an overview of a large schema; the creation order)."""
        args = self._args(self.erd, line)
        if args.overview and args.order:
            raise UsageError("--overview and --order are two different views: choose one")
        view = "overview" if args.overview else "order" if args.order else "auto"
        return self._wb().erd(args.tables or None, view=view)

    @line_magic
    def backups(self, line):
        """%backups: the backups dbwork kept before destructive changes."""
        if line.strip():
            raise UsageError("%backups takes no arguments")
        return self._wb().backups()

    @magic_arguments()
    @argument("table", help="the table (or collection) to seed")
    @argument("--env", default=None, help="keep the rows as seeds/ENV/TABLE.<format>")
    @argument("--key", default=None, help="upsert by this unique key (default: the primary key)")
    @argument("--reset", action="store_true",
              help="make the table's rows exactly these (deleted rows are backed up)")
    @cell_magic
    def seed(self, line, cell):
        """%%seed TABLE [--env ENV] [--key COLS] [--reset]: upsert the rows in the cell
        (CSV with a header, JSON or YAML); a second run changes nothing."""
        from dbwork.data.seed import seed_cell
        args = self._args(self.seed, line)
        return seed_cell(self._wb(), args.table, cell, args.env, args.key, args.reset)

    # -- helpers ----------------------------------------------------------------------
    def _args(self, fn, line):
        try:
            return parse_argstring(fn, line)
        except UsageError:
            raise
        except SystemExit:  # argparse on --help or bad input
            raise UsageError(f"bad arguments: {line!r}") from None


def short_traceback(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """One clear message instead of a traceback wall. It is shown as an error output,
    so the cell still fails (under nbval and nbmake too)."""
    red, reset = "\x1b[0;31m", "\x1b[0m"
    text = "\n".join([f"{etype.__name__}: {value}".splitlines()[0]] +
                     str(value).splitlines()[1:])
    stb = [f"{red}{text.split(':', 1)[0]}{reset}:{text.split(':', 1)[1]}"]
    shell._showtraceback(etype, value, stb)
    return stb


def load_ipython_extension(ipython) -> None:
    """Register the magics and the short rendering of dbwork errors."""
    ipython.register_magics(DbworkMagics)
    from .copysql import CopyMagics
    ipython.register_magics(CopyMagics)
    from .nb import WidgetMagics  # the widget magics: %migrations, %browse, %detection
    ipython.register_magics(WidgetMagics)
    from .multi import MultiMagics  # %rollback_group, %check, the group half of %%migrate
    ipython.register_magics(MultiMagics)
    from .versions import VersionMagics  # %graph, %merge, %squash, %baseline
    ipython.register_magics(VersionMagics)
    from .drift import DriftMagics, keep_ipython_env  # %drift, %env NAME
    keep_ipython_env(ipython)
    ipython.register_magics(DriftMagics)
    ipython.set_custom_exc((DbworkError,), short_traceback)


__all__ = ["DbworkMagics", "MigrationList", "load_ipython_extension", "Migration"]
