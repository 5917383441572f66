"""The Workbench: one database target and its migrations folder. Everything the magics,
widgets and command line do goes through here, and it is plain Python.

>>> import tempfile, os, dbwork
>>> d = tempfile.mkdtemp()
>>> wb = dbwork.connect(f"sqlite:///{d}/app.sqlite", migrations=os.path.join(d, "migrations"))
>>> m = wb.migrate("create_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
>>> m.status, [s.comment for s in m.steps]
('applied', ['create table notes (2 columns)'])
>>> [r.status for r in wb.rollback()]
['rolled_back']
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import safety
from .errors import (ConfigError, DataLossRefused, DbworkError, MigrationConflict,
                     MigrationFailed)
from .execute.backend import HistoryRow
from .execute.files import MigrationFiles, parse_script
from .execute.runner import Buffer, failures_reported, run_down, run_up
from .migration import Migration, Step
from .parse.cell import Cell, split_cell, split_statements, validate_name
from .passes import concurrent_indexes, progress_mode  # backends: CONCURRENTLY on PostgreSQL
from .url import DatabaseURL

DEFAULT_DATABASE = "dbwork.sqlite"
DEFAULT_MIGRATIONS = "migrations"


def open_backend(url: DatabaseURL):
    """The backend for a URL (SQL or document)."""
    if url.dialect == "mongodb":
        from .execute.mongodb import MongoBackend
        return MongoBackend(url)
    from .execute.sql import SqlBackend
    return SqlBackend(url)


class Workbench:
    """One target database plus its migrations folder.

    Methods return result objects (Migration, lists of them, DataFrames, diagrams)
    that render inline in a notebook and print plainly elsewhere.
    """

    def __init__(self, url: str | DatabaseURL, migrations: str | os.PathLike | None = None,
                 *, lock_timeout: float = 30.0, source_dialect: str | None = None,
                 consent_rows: int | None = 10_000, consent_all_rows: bool = True):
        self.url = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
        self.backend = open_backend(self.url)
        self.dialect = self.backend.dialect
        base = Path(self.url.database).parent if self.url.dialect == "sqlite" and \
            self.url.database != ":memory:" else Path(".")
        self.files = MigrationFiles(Path(migrations) if migrations else base / DEFAULT_MIGRATIONS)
        self.lock_timeout = lock_timeout
        self.source_dialect = source_dialect
        # an UPDATE/DELETE of more rows than this (or of every row) asks allow_data_loss
        self.consent_rows = consent_rows
        self.consent_all_rows = consent_all_rows

    def __repr__(self) -> str:
        return f"<Workbench {self.backend.display_url} migrations={self.files.directory}>"

    @property
    def display_url(self) -> str:
        return self.backend.display_url

    # -- the change cycle -------------------------------------------------------------
    def migrate(self, name: str, text: str, dry_run: bool = False,
                allow_data_loss: bool = False, dialect: str | None = None,
                desired: bool = False, online: bool = False) -> Migration:
        """Plan ``text`` as migration ``name`` and apply it (or only show it: dry_run).

        ``desired=True``: ``text`` is the whole desired schema (CREATE statements);
        the migration is the difference from the live schema. ``online=True``:
        blocking operations are rewritten into non-blocking forms where the engine
        has them (PostgreSQL: CONCURRENTLY, NOT VALID then VALIDATE, batched backfill).

        Re-running with the same text after it applied reports it and changes nothing;
        different text for an applied name is refused (roll back first, or rename).
        """
        validate_name(name)
        change = _Change(name, split_cell(text), _checksum(text), allow_data_loss, dialect,
                         desired, online)
        with failures_reported("planning", name=name):
            return self._migrate(change, dry_run)

    def _migrate(self, change: "_Change", dry_run: bool) -> Migration:
        """Under the lock: report an applied twin, or plan, then apply or dry-run."""
        existing = self.files.find(change.name)
        with self.backend.session(self.lock_timeout) as s:
            applied = [r for r in s.history() if r.name == change.name and
                       r.status in ("applied", "failed", "running")]
            if applied:
                row = max(applied, key=lambda r: r.version)
                return self._already(row, change.source_checksum, existing)
            m = self._plan(s, change, existing)
            if dry_run:
                return self._dry_run(s, m)
            return self._apply(s, m)

    def _already(self, row: HistoryRow, source_checksum: str, existing) -> Migration:
        if row.status in ("failed", "running"):
            raise MigrationConflict(
                f"migration {row.name} ({row.version}) is marked '{row.status}' after "
                f"{row.steps_done} step(s): roll it back first (%rollback / wb.rollback())")
        if row.source_checksum != source_checksum:
            raise MigrationConflict(
                f"migration {row.name} ({row.version}) is applied with different content. "
                "Roll it back first (%rollback), or give the change a new name.")
        m = self._from_history(row)
        m.notes.append("already applied with the same content: nothing was changed")
        if existing is not None:
            m.path = existing.path
        return m

    def _plan(self, s, change: "_Change", existing) -> Migration:
        from .plan import add_backups, order_warnings, plan_steps
        schema = s.introspect()
        cell = change.cell
        source = self._source_dialect(change.dialect)
        version = existing.version if existing else self._new_version(s)
        if change.desired is not False:
            ops, warnings = self._desired(cell, schema, source, change)
        else:
            ops, warnings = self._parse(cell, schema, source)
        ops, backup_warnings = add_backups(ops, schema, version)
        ops = concurrent_indexes(ops, schema, self.dialect, s.count_rows)  # backends: dbwork.passes
        warnings += backup_warnings + order_warnings(ops, schema, self.dialect)
        if self.dialect.family == "sql":
            ops = self._backed_up_data_changes(ops, schema, version, cell)
            if change.online:
                ops = safety.make_online(ops, schema, self.dialect)
        checked = safety.review(ops, schema, self.dialect, s)
        warnings += checked.warnings
        losses = self._losses(s, ops)
        held, big = self._backup_contents(s, ops)
        warnings += held
        losses += big
        if losses and not change.allow_data_loss:
            raise DataLossRefused(losses)
        warnings += [f"data loss allowed: {loss}" for loss in losses]
        steps = plan_steps(ops, schema, self.dialect, reversible=cell.down is None)
        if cell.down is not None:
            # the explicit down undoes the whole migration: it belongs to step 1, so
            # a rollback after a partial failure (MySQL, MongoDB) runs it too
            steps[0].reverse = self._explicit_down(cell)
        m = Migration(version, change.name, steps, parent=self._head(s, version),
                      dialect=self.dialect.name, created=_now(), source=cell.up,
                      source_checksum=change.source_checksum, warnings=warnings,
                      explicit_down=cell.down is not None,
                      tables=_touched_tables(ops), checks=checked.checks)
        m.schema_before = schema
        return m

    def _parse(self, cell, schema, source):
        if self.dialect.family == "document":
            from .parse.mongosh import parse_mongosh
            parsed = parse_mongosh(cell.up, schema, first_line=cell.up_line,
                                   allow_raw=cell.down is not None)
        else:
            from .parse.sql import parse_sql
            parsed = parse_sql(cell.up, self.dialect, schema, first_line=cell.up_line,
                               source=source, allow_raw=cell.down is not None,
                               allow_dml=True)
        return parsed.ops, list(parsed.warnings)

    def _backed_up_data_changes(self, ops, schema, version, cell):
        """UPDATE/DELETE/INSERT: back up the rows they change so the rollback restores
        them; without a primary key to restore by, ask for an explicit down section."""
        from .errors import IrreversibleError
        from .ops import RawSQL
        if cell.down is not None:
            return ops
        ops = safety.add_dml_backups(ops, schema, self.dialect, version, start=len(ops))
        for op in ops:
            if isinstance(op, RawSQL) and op.reverse_sql is None:
                raise IrreversibleError(op.sql, "dbwork cannot back up the rows it changes "
                                        "(no primary key, or it changes the key)")
        return ops

    def _desired(self, cell, schema, source, change: "_Change"):
        """The operations from the live schema to the desired one (dbwork.diff):
        ``change.desired`` is True (the cell's CREATE statements) or a built Schema."""
        from .diff.desired import plan_desired, plan_schema
        from .model.schema import Schema
        if isinstance(change.desired, Schema):
            planned = plan_schema(change.desired, schema, self.dialect,
                                  allow_data_loss=change.allow_data_loss,
                                  hint_style=change.hint_style)
        else:
            planned = plan_desired(cell.up, schema, self.dialect, source=source,
                                   first_line=cell.up_line,
                                   allow_data_loss=change.allow_data_loss)
        return planned.ops, list(planned.warnings)

    def _explicit_down(self, cell) -> list[str]:
        if self.dialect.family == "document":
            from .parse.mongosh import split_commands
            return split_commands(cell.down)
        stmts = split_statements(cell.down, self.dialect.sqlglot, cell.down_line)
        return [st.text for st in stmts]

    def _source_dialect(self, name: str | None):
        from .dialects import get_dialect
        name = name or self.source_dialect
        return get_dialect(name) if name else None

    def _losses(self, s, ops) -> list[str]:
        """What the change destroys in rows that exist now (each op says what it
        destroys; the live row count says whether anything is there)."""
        out = []
        for op in ops:
            loss = op.loss()
            if loss is None:
                continue
            what, table = loss
            n = s.count_rows(table)
            if n:
                out.append(f"{what} over {n} row(s)")
        return out

    def _backup_contents(self, s, ops) -> tuple[list[str], list[str]]:
        """What each backup will hold (for the card), and the UPDATE/DELETE statements
        that touch enough rows to need consent: every row of a non-empty table, or more
        than ``consent_rows`` (None: no limit)."""
        from .ops.data_ops import BackupRows
        from .safety.dml import BackupChangedRows
        held, big = [], []
        for op in ops:
            if isinstance(op, BackupChangedRows):
                n, total = self._rows_matched(s, op.table, op.where), s.count_rows(op.table)
                if n is None:   # its WHERE needs what an earlier statement of the cell makes
                    held.append(f"backup {op.backup} holds the rows of {op.table} the "
                                "statement changes (not counted before it runs)")
                    continue
                held.append(f"backup {op.backup} holds {n} of {total} row(s) of {op.table} "
                            "(whole rows, restored by key on rollback)")
                if (n and n == total and self.consent_all_rows) or \
                        (self.consent_rows is not None and n > self.consent_rows):
                    big.append(f"a data statement changes {n} of {total} row(s) of {op.table}")
            elif isinstance(op, BackupRows) and s.count_rows(op.table):
                what = ("whole rows" if not op.key else
                        f"column(s) {', '.join(c for c in op.columns if c not in op.key)} by key")
                held.append(f"backup {op.backup} holds {what} of {s.count_rows(op.table)} "
                            f"row(s) of {op.table}")
        return held, big

    def _rows_matched(self, s, table: str, where: str | None) -> int | None:
        from .render.data import quote
        if where is None:
            return s.count_rows(table)
        sql = f"SELECT COUNT(*) FROM {quote(table, self.dialect)} WHERE {where}"
        conn = getattr(s, "conn", None)
        try:   # a savepoint: a failed count must not abort PostgreSQL's transaction
            with conn.begin_nested():
                return int(s.query(sql.replace(":", "\\:"))[0][0])
        except Exception:  # the driver's error: the WHERE cannot be evaluated yet
            return None

    def _dry_run(self, s, m: Migration) -> Migration:
        buffer = Buffer(s.transactional)
        run_up(buffer, m)
        m.status, m.applied_at, m.duration_ms, m.dry_run = "planned", None, None, True
        m.notes.append("dry run: nothing was changed")
        return m

    def _apply(self, s, m: Migration) -> Migration:
        progress_mode(s, m)  # backends: a CONCURRENTLY step records progress step by step
        try:
            run_up(s, m, before_commit=lambda: self._validate(s, m))
        except MigrationFailed:
            if not s.transactional:  # steps ran and stay: keep the record beside history
                self.files.write(m)
            raise
        self.files.write(m)
        self._after_change(s)
        return m

    def _validate(self, s, m: Migration) -> None:
        """Runs inside the migration's transaction, before the commit: a failed
        validation rolls the whole migration back."""
        after = self._schema_after(s, m)
        m.checks += safety.validate(s, m, m.schema_before, after)
        touched = [t for t in m.tables if _has(after, t)]
        m.erd = _diagram(after, touched, highlight=m.tables) if touched else None

    def _schema_after(self, s, m: Migration):
        """The live schema after the steps ran: only the tables the migration touched
        (and those their foreign keys reach) are read again."""
        from .model.schema import Schema
        before = m.schema_before
        if not isinstance(before, Schema) or not m.tables or any(
                type(st.op).__name__ == "RawSQL" for st in m.steps):
            return s.introspect()
        touched = set(m.tables)
        touched |= {fk.ref_table for t in touched if before.has_table(t)
                    for fk in before.table(t).foreign_keys}
        fresh = s.introspect(only=touched)
        tables = {n: t for n, t in before.tables.items() if n not in touched}
        tables.update(fresh.tables)
        return replace(fresh, tables=tables)  # fresh: enum types as they are now

    def _new_version(self, s) -> str:
        now = datetime.now(timezone.utc)
        taken = {r.version for r in s.history()} | self.files.versions()
        latest = max(taken) if taken else ""
        version = now.strftime("%Y%m%d%H%M%S")
        while version in taken or version <= latest:
            now += timedelta(seconds=1)
            version = now.strftime("%Y%m%d%H%M%S")
        return version

    def _head(self, s, version: str) -> str | None:
        known = {r.version for r in s.history() if r.status == "applied"}
        known |= self.files.versions()
        earlier = sorted(v for v in known if v < version)
        return earlier[-1] if earlier else None

    # -- rollback ---------------------------------------------------------------------
    def rollback(self, steps: int = 1, to: str | None = None,
                 dry_run: bool = False) -> list[Migration]:
        """Undo the last ``steps`` migrations, or every one after version ``to``."""
        if steps is not None and (not isinstance(steps, int) or steps < 1):
            raise ConfigError(f"steps must be a positive whole number, not {steps!r}")
        with failures_reported("rolling back"), self.backend.session(self.lock_timeout) as s:
            live = [r for r in s.history() if r.status in ("applied", "failed", "running")]
            live.sort(key=lambda r: r.version, reverse=True)
            if to is not None:
                if to not in {r.version for r in s.history()}:
                    raise ConfigError(f"unknown version {to!r}: see history()")
                chosen = [r for r in live if r.version > to]
            else:
                chosen = live[:steps]
            out = []
            for row in chosen:
                m = self._from_history(row)
                done = row.steps_done if row.status != "applied" else len(m.steps)
                if dry_run:
                    run_down(Buffer(s.transactional), m, done)
                    m.status, m.dry_run = row.status, True
                    m.notes.append("dry run: nothing was changed")
                else:
                    m.restored = _restorable(s, m, done)  # counted before down drops them
                    progress_mode(s, m)  # backends: see dbwork.passes
                    # 'running': the migrator died mid-step, which may have run unrecorded;
                    # 'failed': the failing statement raised, so that step did not take effect
                    run_down(s, m, done, in_flight=row.status == "running")
                    self._drop_orphans(s, m, {m.version})
                    m.erd = self._diagram_after_rollback(s, m)
                out.append(m)
            self._after_change(s) if out and not dry_run else None
            return out

    def _diagram_after_rollback(self, s, m: Migration):
        """The ER diagram, after a rollback, around the tables its scripts named."""
        names = _tables_named(m, self.dialect.sqlglot)
        if not names:
            return None
        after = s.introspect()
        present = [t for t in names if _has(after, t)]
        return _diagram(after, present) if present else None

    # -- deploy path ------------------------------------------------------------------
    def pending(self) -> list[Migration]:
        """Migration files not applied to this database, oldest first."""
        done = {r.version for r in self.backend.history() if r.status == "applied"}
        return [m for m in self.files.all() if m.version not in done]

    def upgrade(self, dry_run: bool = False) -> list[Migration]:
        """Apply pending migration files in order (the CI/deploy path). Refuses while an
        applied file was edited after it ran, naming the file."""
        with failures_reported("upgrading"), self.backend.session(self.lock_timeout) as s:
            rows = {r.version: r for r in s.history()}
            files = self.files.all()
            for m in files:
                row = rows.get(m.version)
                if row and row.status == "applied" and row.checksum != m.checksum:
                    raise MigrationConflict(
                        f"{m.path}: the file changed after it was applied (checksum "
                        f"{m.checksum[:12]} vs history {row.checksum[:12]}); restore it, "
                        "or roll the migration back before editing it")
                if row and row.status in ("failed", "running"):
                    raise MigrationConflict(
                        f"migration {m.name} ({m.version}) is marked '{row.status}': "
                        "roll it back first")
            if not dry_run:   # a re-applied file would collide with its old backup's name
                self._drop_orphans(s, None)
            out = []
            for m in files:
                row = rows.get(m.version)
                if row and row.status == "applied":
                    continue
                if dry_run:
                    run_up(Buffer(s.transactional), m)
                    m.status, m.dry_run = "planned", True
                else:
                    progress_mode(s, m)  # backends: see dbwork.passes
                    run_up(s, m)
                out.append(m)
            self._after_change(s) if out and not dry_run else None
            return out

    # -- looking ----------------------------------------------------------------------
    def history(self):
        """History as a DataFrame: version, name, status, applied_at, checksum,
        duration_ms, steps_done, error."""
        import pandas as pd
        cols = ["version", "name", "status", "applied_at", "checksum", "duration_ms",
                "steps_done", "error"]
        from .docs.results import tidy
        rows = [{c: getattr(r, c) for c in cols} for r in self.backend.history()]
        return tidy(pd.DataFrame(rows, columns=cols), "history")

    def schema(self):
        """The live schema as the neutral model."""
        return self.backend.introspect()

    def erd(self, tables=None):
        """The live schema as an ER diagram (graphviz.Digraph; text fallback)."""
        return _diagram(self.schema(), tables)

    def close(self) -> None:
        self.backend.close()

    # -- helpers ----------------------------------------------------------------------
    def _from_history(self, row: HistoryRow) -> Migration:
        up = parse_script(row.up, row.dialect or self.dialect.name)
        down = parse_script(row.down, row.dialect or self.dialect.name)
        steps = [Step(n, c, stmts, down.get(n, ("", []))[1]) for n, (c, stmts) in sorted(up.items())]
        extra = row.extra or {}
        return Migration(row.version, row.name, steps, parent=row.parent,
                         dialect=row.dialect, source_checksum=row.source_checksum,
                         warnings=list(extra.get("warnings", [])), status=row.status,
                         applied_at=row.applied_at, duration_ms=row.duration_ms,
                         steps_done=row.steps_done, error=row.error,
                         checks=list(extra.get("checks", [])))

    # -- safety (owned by safety) -----------------------------------------------------
    def lint(self, text: str, dialect: str | None = None) -> list:
        """Lint findings for ``text`` against the live schema, without applying it.

        >>> # wb.lint("ALTER TABLE users DROP COLUMN email;")[0].rule  -> 'DW102'
        """
        from .docs.results import Findings
        return Findings(safety.lint_text(self, text, dialect))

    def rehearse(self, name: str, text: str, allow_data_loss: bool = False,
                 sample_rows: int = 100_000):
        """Up, verify, down, verify, up on a throwaway copy; the real database is
        untouched. Returns a RehearsalReport (``.ok``, ``.summary()``, ``.steps``)."""
        from .safety.rehearse import rehearse
        return rehearse(self, name, text, allow_data_loss, sample_rows)

    def backups(self):
        """Backup tables as a DataFrame: backup, source, version, rows, created,
        migration, status."""
        import pandas as pd
        from .docs.results import tidy
        from .safety.backups import COLUMNS, list_backups
        return tidy(pd.DataFrame(list_backups(self.backend), columns=COLUMNS), "backups")

    def purge_backups(self, version: str | None = None, older_than=None) -> list[dict]:
        """Drop backup tables (all, one version's, or older than a timedelta / days /
        ISO date). Returns what was dropped."""
        from .safety.backups import purge_backups
        return purge_backups(self.backend, self.lock_timeout, version, older_than)

    # -- desired state and adoption (owned by the issue-5 engineer) -------------------
    docs_path: str | os.PathLike | None = None   # schema docs regenerated after changes

    def migrate_to(self, name: str, target, dry_run: bool = False,
                   allow_data_loss: bool = False) -> Migration:
        """Migrate to a desired state: SQLAlchemy MetaData or a declarative Base, a
        path to a Prisma schema (or .sql file), or desired-state CREATE statements.

        >>> # wb.migrate_to("sync_models", Base)  -> Migration (the live-to-models diff)
        """
        from .adopt.targets import desired_target, schema_text
        validate_name(name)
        kind, value = desired_target(target, self.dialect)
        if kind == "sql":
            return self.migrate(name, value, dry_run=dry_run,
                                allow_data_loss=allow_data_loss, desired=True)
        text = schema_text(value, self.dialect, kind)
        change = _Change(name, split_cell(text), _checksum(text), allow_data_loss,
                         desired=value, hint_style=kind)
        with failures_reported("planning", name=name):
            return self._migrate(change, dry_run)

    def existing_history(self, path: str | os.PathLike = "."):
        """Another tool's migrations under ``path`` (Alembic, Prisma, Flyway, Django,
        dbmate) and which this database has applied (a DataFrame-able History)."""
        from .adopt.history import existing_history
        return existing_history(path, self.url)

    def adopt(self, name: str = "baseline") -> Migration:
        """Baseline the live schema: a migration recorded as applied without running
        (its up builds the schema on a fresh database; its down changes nothing), so
        new dbwork migrations continue from here. See dbwork.adopt.baseline."""
        from .adopt.baseline import record_baseline
        return record_baseline(self, name)

    def export(self, version: str, format: str, path: str | os.PathLike):
        """Write dbwork migration ``version`` (or its name) into the project's own
        format: "alembic" (a revision chained to the head), "prisma" (a migration
        folder) or "flyway" (V<next>__name.sql). Returns the written path."""
        from .adopt.export import export_migration
        m = next((x for x in self.files.all() if version in (x.version, x.name)), None)
        if m is None:
            raise ConfigError(f"no migration file with version or name {version!r}")
        return export_migration(m, format, path)

    def document(self, path: str | os.PathLike | None = None) -> Path:
        """Write the schema documentation (Markdown, every table, key, index and
        comment) to ``path`` or ``docs_path``, with the ER diagram beside it as
        graphviz source (.dot) and, when ``dot`` is installed, an SVG."""
        return self._document(self.backend.introspect(), path)

    def _document(self, schema, path=None) -> Path:
        from .docs.schema_md import schema_markdown
        target = Path(path or self.docs_path or "docs/schema.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        diagram = _diagram(schema)
        svg = None
        if hasattr(diagram, "source"):
            target.with_suffix(".dot").write_text(diagram.source)
            try:
                target.with_suffix(".svg").write_bytes(diagram.pipe(format="svg"))
                svg = target.with_suffix(".svg").name
            except Exception:  # no dot binary: the .dot source is there
                pass
        target.write_text(schema_markdown(schema, diagram=svg))
        from .docs.results import SchemaDocument
        return SchemaDocument(target)

    def _drop_orphans(self, s, m: Migration | None, versions=None) -> None:
        """Backups left behind by a crash whose migration is rolled back (see
        :func:`dbwork.safety.backups.drop_orphans`); noted on ``m``."""
        if self.dialect.family != "sql":
            return
        from .safety.backups import drop_orphans
        for name in drop_orphans(s, self.dialect, versions):
            if m is not None:
                m.notes.append(f"removed backup {name}, left behind by an interrupted step")

    def _after_change(self, s=None) -> None:
        """After a migration, rollback or upgrade: regenerate the docs if asked."""
        if self.docs_path:
            self._document(s.introspect() if s is not None else self.backend.introspect())


@dataclass
class _Change:
    """What a caller asked to migrate: the name, the cell and how to plan it."""

    name: str
    cell: Cell
    source_checksum: str
    allow_data_loss: bool = False
    dialect: str | None = None
    desired: object = False     # False; True: the cell is the desired schema; or a Schema
    online: bool = False
    hint_style: str = "sql"     # how a rename question words its hint (sql, models, prisma)


def _diagram(schema, tables=None, highlight=()):
    """The ER diagram of a SQL schema, or the document diagram of a MongoDB one."""
    from .model.schema import Schema
    if isinstance(schema, Schema):
        from .graphs.erd import erd
        return erd(schema, tables, highlight=tuple(highlight))
    from .graphs.documents import erd as document_erd
    return document_erd(schema, tables)


def _restorable(s, m: Migration, done: int) -> list[dict]:
    """The backups the rollback of ``m``'s first ``done`` steps reads from: backup name,
    the table it restores and how many rows it holds (for the rollback card)."""
    import re
    from .safety.backups import source_of
    names: dict[str, None] = {}
    for step in m.steps[:done]:
        for stmt in step.reverse:
            names.update(dict.fromkeys(re.findall(r"_dbwork_bak_\d+_\d+(?!\w)", stmt)))
    out = []
    for name in names:
        try:
            rows = s.count_rows(name)
        except Exception:  # gone already, or not a table this backend can count
            rows = None
        out.append({"backup": name, "table": source_of(name, m.up), "rows": rows})
    return out


def _tables_named(m: Migration, reader: str | None) -> list[str]:
    """User tables that ``m``'s forward statements name (not dbwork's own or rebuild
    internals); empty when the statements are not SQL."""
    if not reader:
        return []
    import sqlglot
    from sqlglot import exp
    seen: dict[str, None] = {}
    for step in m.steps:
        for stmt in step.forward:
            try:
                tree = sqlglot.parse_one(stmt, read=reader)
            except Exception:  # not understood: it names nothing we can draw
                continue
            for t in tree.find_all(exp.Table) if tree is not None else ():
                if t.name and not t.name.startswith(("_dbwork", "_alembic_tmp", "sqlite_")):
                    seen[t.name] = None
    return list(seen)


def _has(schema, table: str) -> bool:
    has = getattr(schema, "has_table", None) or getattr(schema, "has_collection", None)
    return bool(has and has(table))


def _checksum(text: str) -> str:
    norm = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(norm.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _touched_tables(ops) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for op in ops:
        for t in op.tables():
            if not t.startswith("_dbwork"):
                seen[t] = None
    return tuple(seen)


def connect(url: str | None = None, migrations: str | os.PathLike | None = None,
            **options) -> Workbench:
    """A Workbench for ``url``; with no URL, the embedded default: the SQLite file
    dbwork.sqlite in the current folder, with migrations/ beside it."""
    if url is None:
        url = f"sqlite:///{DEFAULT_DATABASE}"
        migrations = migrations or DEFAULT_MIGRATIONS
    docs = options.pop("docs", None)
    wb = Workbench(url, migrations, **options)
    wb.docs_path = docs
    return wb
