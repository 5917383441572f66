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
from datetime import datetime, timezone
from pathlib import Path

from . import safety
from .errors import (ConfigError, DataLossRefused, DbworkError, MigrationConflict,
                     MigrationFailed, RollbackMismatch, TamperDetected)
from .execute.backend import HistoryRow
from .execute.files import MigrationFiles, parse_script
from .execute import integrity
from .execute.runner import (Buffer, failures_reported, now_iso, record, reported, run_down,
                             run_up)
from .migration import Migration, Step
from .parse.cell import Cell, split_cell, validate_name
from .plan.concurrency import concurrent_indexes, progress_mode  # backends: CONCURRENTLY on PostgreSQL
from .url import DatabaseURL

DEFAULT_DATABASE = "dbwork.sqlite"
DEFAULT_MIGRATIONS = "migrations"


def open_backend(url: DatabaseURL, timeouts=None):
    """The connection target for a URL, opened by its backend (dbwork.backends)."""
    from .backends import get_backend
    return get_backend(url.dialect).open(url, timeouts)


def resolve_timeouts(url: DatabaseURL, lock_timeout=None, statement_timeout=...,
                     connect_timeout=None):
    """The time limits: a keyword wins, then the URL's ``?lock_timeout=``,
    ``?statement_timeout=``, ``?connect_timeout=`` (seconds), then the defaults
    (connect 10 s, locks 30 s, a statement 900 s; statement_timeout=None: no limit).

    >>> u = DatabaseURL.parse("postgresql://h/db?lock_timeout=5")
    >>> resolve_timeouts(u, connect_timeout=3)
    Timeouts(connect=3, lock=5.0, statement=900.0)
    """
    from urllib.parse import parse_qsl
    from .execute.backend import Timeouts
    query = dict(parse_qsl(url.query or ""))
    base = Timeouts()

    def pick(name, given, default):
        if given is not None and given is not ...:
            return given
        if f"{name}_timeout" in query:
            text = query[f"{name}_timeout"]
            if name == "statement" and text.lower() in ("none", "0", "off"):
                return None
            try:
                return float(text)
            except ValueError:
                raise ConfigError(f"?{name}_timeout= in {url.masked()} must be a number "
                                  f"of seconds, not {text[:20]!r}") from None
        return None if given is None and name == "statement" and statement_timeout is None \
            else default
    return Timeouts(pick("connect", connect_timeout, base.connect),
                    pick("lock", lock_timeout, base.lock),
                    pick("statement", statement_timeout, base.statement)).checked()


class Workbench:
    """One target database plus its migrations folder.

    Methods return result objects (Migration, lists of them, DataFrames, diagrams)
    that render inline in a notebook and print plainly elsewhere.
    """

    def __init__(self, url: str | DatabaseURL, migrations: str | os.PathLike | None = None,
                 *, lock_timeout: float | None = None, statement_timeout: float | None = ...,
                 connect_timeout: float | None = None, source_dialect: str | None = None,
                 consent_rows: int | None = 10_000, consent_all_rows: bool = True):
        self.url = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
        self.timeouts = resolve_timeouts(self.url, lock_timeout, statement_timeout,
                                         connect_timeout)
        lock_timeout = self.timeouts.lock
        from .backends import get_backend
        self.spec = get_backend(self.url.dialect)
        self.backend = self.spec.open(self.url, self.timeouts)
        self.dialect = self.backend.dialect
        self.language = self.spec.cell_language()
        base = Path(self.url.database).parent if self.spec.local_file and \
            self.url.database != ":memory:" else Path(".")
        self.files = MigrationFiles(Path(migrations) if migrations else base / DEFAULT_MIGRATIONS)
        self.lock_timeout = lock_timeout
        self.source_dialect = source_dialect
        # an UPDATE/DELETE of more rows than this (or of every row) asks allow_data_loss
        self.consent_rows = consent_rows
        self.consent_all_rows = consent_all_rows

    group_id: str | None = None  # set by dbwork.multi's group while it applies one change
    environment = None  # the dbwork.toml Environment it was opened for (connect(env=...))

    def __repr__(self) -> str:
        return f"<Workbench {self.backend.display_url} migrations={self.files.directory}>"

    @property
    def display_url(self) -> str:
        return self.backend.display_url

    # -- the change cycle -------------------------------------------------------------
    def migrate(self, name: str, text: str, dry_run: bool = False,
                allow_data_loss: bool = False, dialect: str | None = None,
                desired: bool = False, online: bool = False,
                irreversible: bool = False) -> Migration:
        """Plan ``text`` as migration ``name`` and apply it (or only show it: dry_run).

        ``desired=True``: ``text`` is the whole desired schema (CREATE statements);
        the migration is the difference from the live schema. ``online=True``:
        blocking operations are rewritten into non-blocking forms where the engine
        has them (PostgreSQL: CONCURRENTLY, NOT VALID then VALIDATE, batched backfill).

        ``irreversible=True``: statements with no inverse and no ``-- migrate:down``
        section (a ``DO`` block, ``CREATE OR REPLACE FUNCTION``, a grant) run as written
        and the migration is recorded as forward-only: a rollback reaching it refuses,
        naming it (:class:`~dbwork.errors.ForwardOnly`).

        Re-running with the same text after it applied reports it and changes nothing;
        different text for an applied name is refused (roll back first, or rename).
        """
        validate_name(name)
        if self._protected():
            from .versions.protect import refuse_migrate
            refuse_migrate(self, dry_run)
        change = _Change(name, split_cell(text), _checksum(text), allow_data_loss, dialect,
                         desired, online, irreversible=bool(irreversible))
        with failures_reported("planning", name=name):
            return self._migrate(change, dry_run)

    def _migrate(self, change: "_Change", dry_run: bool) -> Migration:
        """Under the lock: report an applied twin, or plan, then apply or dry-run."""
        existing = self.files.find(change.name)
        if existing is not None and existing.dialect and existing.dialect != self.dialect.name:
            from .verify import foreign_message
            raise ConfigError(f"{existing.path}: migration {change.name} is "
                              f"{foreign_message(existing, self.dialect.name)}")
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
        from .plan.facts import gather_facts
        from .plan.steps import add_backups, order_warnings, plan_steps
        schema = s.introspect()
        cell = change.cell
        source = self._source_dialect(change.dialect)
        version = existing.version if existing else self._new_version(s)
        if change.desired is not False:
            ops, warnings = self._desired(cell, schema, source, change)
        else:
            ops, warnings = self._parse(cell, schema, source, change.irreversible)
        ops = self._extensions(s, ops, warnings)
        ops, backup_warnings = add_backups(ops, schema, version)
        # the one snapshot of live facts every pass and check of this plan reads
        facts = gather_facts(s, safety.live_tables(ops, schema), self.dialect)
        rows = facts.counter(s)
        ops = concurrent_indexes(ops, schema, self.dialect, rows)
        warnings += backup_warnings + order_warnings(ops, schema, self.dialect)
        if self.spec.backs_up_data_changes:
            ops = self._backed_up_data_changes(ops, schema, version, cell,
                                               change.irreversible)
        if change.online:
            ops = safety.make_online(ops, schema, self.dialect)
        checked = safety.review(ops, schema, self.dialect, s,
                                explicit_down=cell.down is not None, facts=facts)
        warnings += checked.warnings
        losses = self._losses(rows, ops, schema)
        held, big = self._backup_contents(s, ops)
        warnings += held
        losses += big
        if losses and not change.allow_data_loss:
            raise DataLossRefused(losses)
        warnings += [f"data loss allowed: {loss}" for loss in losses]
        steps = plan_steps(ops, schema, self.dialect, reversible=cell.down is None,
                           irreversible=change.irreversible)
        if cell.down is not None:
            # the explicit down undoes the whole migration: it belongs to step 1, so
            # a rollback after a partial failure (MySQL, MongoDB) runs it too
            steps[0].reverse = self._explicit_down(cell)
        m = Migration(version, change.name, steps, parent=self._head(s, version),
                      dialect=self.dialect.name, created=_now(), source=cell.up,
                      source_checksum=change.source_checksum, warnings=warnings,
                      explicit_down=cell.down is not None,
                      tables=_touched_tables(ops), checks=checked.checks,
                      forward_only=tuple(st.number for st in steps if st.forward_only),
                      group_id=self.group_id)
        if m.forward_only:
            m.warnings.append(f"forward-only: step(s) {', '.join(map(str, m.forward_only))} "
                              "have no rollback (irreversible=True)")
        m.schema_before = schema
        return m

    def _parse(self, cell, schema, source, irreversible: bool = False):
        parsed = self.language.parse(cell.up, self.dialect, schema, first_line=cell.up_line,
                                     source=source,
                                     allow_raw=cell.down is not None or irreversible)
        return parsed.ops, list(parsed.warnings)

    def _backed_up_data_changes(self, ops, schema, version, cell, irreversible=False):
        """UPDATE/DELETE/INSERT: back up the rows they change so the rollback restores
        them; without a primary key to restore by, ask for an explicit down section."""
        from .errors import IrreversibleError
        from .ops import RawSQL
        if cell.down is not None:
            return ops
        ops = safety.add_dml_backups(ops, schema, self.dialect, version, start=len(ops))
        if irreversible:
            return ops
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

    def _extensions(self, s, ops, warnings: list) -> list:
        """``ops`` adjusted to the extensions installed (:func:`~dbwork.execute.live.prepare_extensions`)."""
        from .execute.live import prepare_extensions
        return prepare_extensions(self.dialect, s, ops, warnings)

    def _explicit_down(self, cell) -> list[str]:
        return self.language.split(cell.down, self.dialect, cell.down_line)

    def _source_dialect(self, name: str | None):
        from .dialects import get_dialect
        name = name or self.source_dialect
        return get_dialect(name) if name else None

    def _losses(self, rows, ops, schema) -> list[str]:
        """What the change destroys in rows that exist now (each op says what it
        destroys; the live row count says whether anything is there). A table the
        change creates has no rows now: the rows it gets come from the change itself."""
        out = []
        for op in ops:
            loss = op.loss()
            if loss is None or not schema.has_table(loss[1]):
                continue
            what, table = loss
            n = rows(table)
            if n:
                out.append(f"{what} over {n} row(s)")
        return out

    def _backup_contents(self, s, ops) -> tuple[list[str], list[str]]:
        """What each backup will hold (for the card), and the UPDATE/DELETE statements
        that touch enough rows to need consent: every row of a non-empty table, or more
        than ``consent_rows`` (None: no limit)."""
        from .ops.data_ops import BackupRows
        from .safety.dml import BackupChangedRows
        from .safety.dml import BackedUpStatement
        held, big = [], []
        inserts = {op.backup for op in ops if isinstance(op, BackedUpStatement) and op.delete_new}
        live = set(s.introspect().tables) if any(isinstance(op, (BackupChangedRows, BackupRows))
                                                 for op in ops) else set()
        for op in ops:
            if isinstance(op, BackupChangedRows) and (op.backup in inserts or
                                                      op.table not in live):
                # an INSERT changes no existing row (its rollback deletes the keys it
                # adds); a table the migration creates has no rows yet
                held.append(f"backup {op.backup} holds the keys of {op.table} before the "
                            "statement (its rollback deletes the rows it adds)"
                            if op.backup in inserts else
                            f"backup {op.backup} holds the rows of {op.table} the statement "
                            "changes (not counted before it runs)")
                continue
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
            elif isinstance(op, BackupRows) and op.table in live and s.count_rows(op.table):
                # a table the migration creates has no live rows to count
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
        m.erd = _change_diagram(_planned(m), m)
        m.notes.append("dry run: nothing was changed")
        return m

    def _apply(self, s, m: Migration) -> Migration:
        progress_mode(s, m)  # backends: a CONCURRENTLY step records progress step by step
        try:
            run_up(s, m, before_commit=lambda: self._validate(s, m))
        except MigrationFailed as e:
            if not s.transactional and self.spec.undoes_partial_steps and \
                    self._undo_failed(s, m):
                raise MigrationFailed(m.version, e.statement or "", e.reason, e.step, False,
                                      0, name=m.name, undone=True) from e
            if not s.transactional:  # steps ran and stay: keep the record beside history
                self._write_file(s, m)
            raise
        self._write_file(s, m)
        self._after_change(s)
        return m

    def _write_file(self, s, m: Migration) -> None:
        applied = {r.version for r in s.history() if r.status == "applied"} - {m.version}
        self.files.write(m, applied)

    def _undo_failed(self, s, m: Migration) -> bool:
        """After a failure without transactional DDL (MariaDB): undo what ran, so the
        database is as it was. Tables a half-run step left behind go first, then the
        reverse of each step that ran; if a reverse still fails (a foreign key from a
        table it does not know), every table the migration made is dropped in
        dependency order, referencing keys first. True when the schema is the start."""
        from .execute.runner import record
        before = m.schema_before
        expected, ran = before, m.steps_done   # a failed down section changes steps_done
        for st in m.steps[:m.steps_done]:
            expected = st.op.apply(expected) if st.op is not None else expected
        try:
            _drop_tables_in_order(s, self.dialect, set(s.introspect().tables)
                                  - set(expected.tables))
            run_down(s, m, m.steps_done)
        except Exception:  # noqa: BLE001 - the fallback below decides, then checks
            try:
                _drop_tables_in_order(s, self.dialect, set(s.introspect().tables)
                                      - set(before.tables))
                _undo_on_kept_tables(s, m, ran, self.dialect)
            except Exception:  # noqa: BLE001
                return False
        after = s.introspect()
        if after.tables != before.tables:
            return False
        m.status, m.steps_done, m.error = "rolled_back", 0, None
        record(s, m, "rolled_back", "rolled_back")
        s.commit()
        return True

    def _validate(self, s, m: Migration) -> None:
        """Runs inside the migration's transaction, before the commit: a failed
        validation rolls the whole migration back."""
        after = self._schema_after(s, m)
        m.restores = integrity.changed(integrity.fingerprint(m.schema_before),
                                       integrity.fingerprint(after))
        m.checks += safety.validate(s, m, m.schema_before, after)
        m.erd = _change_diagram(after, m)

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
        from .versions.ids import new_version
        return new_version({r.version for r in s.history()} | self.files.versions())

    def _head(self, s, version: str) -> str | None:
        known = {r.version for r in s.history() if r.status == "applied"}
        known |= self.files.versions()
        earlier = sorted(v for v in known if v < version)
        return earlier[-1] if earlier else None

    # -- rollback ---------------------------------------------------------------------
    def rollback(self, steps: int = 1, to: str | None = None, dry_run: bool = False,
                 reason: str | None = None) -> list[Migration]:
        """Undo the last ``steps`` migrations, or every one after version ``to``.

        ``reason`` is kept with the rollback's event in history (``history(events=True)``).
        A migration rolled back here stays reverted: upgrade() does not apply it again
        until it is re-approved (``reapply(name)`` or ``upgrade(include_reverted=True)``).
        Refused while history was edited outside dbwork (see verify()); after the
        reverse steps the schema must be the one the migration started from, or the
        rollback fails loudly (RollbackMismatch) instead of reporting rolled_back.
        """
        if steps is not None and (not isinstance(steps, int) or steps < 1):
            raise ConfigError(f"steps must be a positive whole number, not {steps!r}")
        if reason is not None and not isinstance(reason, str):
            raise ConfigError(f"reason must be text, not {type(reason).__name__}")
        with failures_reported("rolling back"), self.backend.session(self.lock_timeout) as s:
            rows = s.history()
            live = [r for r in rows if r.status in ("applied", "failed", "running")]
            from .versions.squash import refuse_rollback
            applied_at = _apply_order(s.events())  # branches: versions are not run order
            # a row left 'running' (a killed migrator) has no event: it started after
            # the runs of older versions, so it goes just after the newest of them
            for r in live:
                if r.version not in applied_at:
                    older = [seq for v, seq in applied_at.items() if v < r.version]
                    applied_at[r.version] = max(older, default=0) + 0.5
            live.sort(key=lambda r: (applied_at.get(r.version, 0), r.version), reverse=True)
            if to is not None:
                if to not in {r.version for r in rows}:
                    raise ConfigError(f"unknown version {to!r}: see history()")
                chosen = [r for r in live if (applied_at.get(r.version, 0), r.version) >
                          (applied_at.get(to, 0), to)]
            else:
                chosen = live[:steps]
            refuse_rollback(chosen, rows)
            self._refuse_tampering(s, "rollback", _blocks_rollback({r.version for r in chosen}))
            out = []
            for row in chosen:
                m = self._from_history(row)
                m.reason = reason
                done = row.steps_done if row.status != "applied" else len(m.steps)
                _refuse_forward_only(m, done)
                if dry_run:
                    run_down(Buffer(s.transactional), m, done)
                    m.status, m.dry_run = row.status, True
                    m.notes.append("dry run: nothing was changed")
                else:
                    m.restored = _restorable(s, m, done)  # counted before down drops them
                    undone = s.introspect() if self.dialect.relational else None
                    progress_mode(s, m)  # backends: see dbwork.plan.concurrency
                    # 'running': the migrator died mid-step, which may have run unrecorded;
                    # 'failed': the failing statement raised, so that step did not take effect
                    self._run_down_checked(s, m, done, in_flight=row.status == "running")
                    self._drop_orphans(s, m, {m.version})
                    m.erd = self._diagram_after_rollback(s, m, undone)
                out.append(m)
            self._after_change(s) if out and not dry_run else None
            return out

    def _run_down_checked(self, s, m: Migration, done: int, in_flight: bool = False) -> None:
        """The reverse steps, then (before the commit) the check that every object
        the migration changed is back as it was."""
        expected = m.restores

        def back_where_it_started():
            if expected is None:   # applied by an older dbwork: nothing to compare
                return
            problems = integrity.mismatches(expected, integrity.fingerprint(s.introspect()))
            if problems:
                raise RollbackMismatch(m.version, m.name, problems, s.transactional)

        try:
            run_down(s, m, done, in_flight=in_flight, before_commit=back_where_it_started)
        except RollbackMismatch as e:
            if not s.transactional:
                m.status, m.error = "failed", str(e)
                record(s, m, "failed", "failed")
            raise

    def _diagram_after_rollback(self, s, m: Migration, undone=None):
        """The ER diagram, after a rollback, around the tables its scripts named; with
        ``undone`` (the schema before the rollback ran) what came back, marked."""
        names = _tables_named(m, self.dialect.sqlglot)
        if not names:
            return None
        after = s.introspect()
        present = [t for t in names if _has(after, t)]
        if undone is not None:
            from .graphs.changes import change_diagram
            return change_diagram(after, self._undo_ops(undone, after, m), names)
        return _diagram(after, present) if present else None

    def _undo_ops(self, undone, after, m: Migration) -> list:
        """What a rollback changed, as typed operations: the diff of the schema before
        and after it, with the renames its reverse statements made (read typed, so a
        renamed column is not mistaken for a drop and an add). dbwork's own tables
        (backups) are left out."""
        from .diff import diff
        from .model.schema import Schema
        from .ops.schema_ops import RenameColumn, RenameTable
        mine = Schema({n: t for n, t in undone.tables.items() if not n.startswith("_dbwork")})
        want = Schema({n: t for n, t in after.tables.items() if not n.startswith("_dbwork")})
        tables, columns = {}, {}
        for step in reversed(m.steps):
            for stmt in step.reverse:
                for op in self._ops_of([stmt], mine):
                    if isinstance(op, RenameTable):
                        tables[op.old] = op.new
                    elif isinstance(op, RenameColumn):
                        columns[(tables.get(op.table, op.table), op.old)] = op.new
        try:
            return diff(mine, want, self.dialect, tables, columns)
        except Exception:  # noqa: BLE001 - the marks are for reading; never fail a rollback
            return []

    # -- deploy path ------------------------------------------------------------------
    def pending(self) -> list[Migration]:
        """Migration files not applied to this database, oldest first. A migration
        rolled back on purpose is listed with status "rolled_back" and a note: upgrade()
        leaves it alone until it is re-approved."""
        rows = {r.version: r for r in self.backend.history()}
        out = []
        for m in self.files.all():
            row = rows.get(m.version)
            if row and row.status == "applied":
                continue
            if row and row.status == "rolled_back":
                m.status = "rolled_back"
                m.reason = (row.extra or {}).get("reason")
                m.notes.append(REVERTED_NOTE.format(name=m.name))
            out.append(m)
        return out

    def upgrade(self, dry_run: bool = False, allow_data_loss: bool = False,
                include_reverted: bool = False,
                allow_out_of_order: bool = False, confirm: str | None = None) -> "UpgradeResult":
        """Apply pending migration files in order (the CI/deploy path), under the
        migration lock for the whole run (a second migrator waits, then finds nothing
        to do). Refuses, naming the file or row, while files or history were changed
        outside dbwork (see verify()); asks for ``allow_data_loss`` exactly as
        migrate() does; skips migrations rolled back on purpose unless
        ``include_reverted``; applies a file older than the newest applied one only
        with ``allow_out_of_order``. Returns the applied migrations (a list, with
        ``.reverted``: the files it left alone). A protected environment applies only
        with ``confirm=<its name>`` and a passed rehearse_pending() of the same files."""
        if self._protected() and not dry_run:
            from .versions.protect import guard
            guard(self, confirm, include_reverted)
        return self._upgrade(None, dry_run, allow_data_loss, include_reverted,
                             allow_out_of_order)

    def reapply(self, name: str, dry_run: bool = False,
                allow_data_loss: bool = False) -> Migration:
        """Re-approve and apply the migration ``name`` that was rolled back on purpose.

        >>> # wb.rollback(reason="broke login"); wb.reapply("drop_legacy_tokens")
        """
        validate_name(name)
        m = self.files.find(name)
        if m is None:
            raise ConfigError(f"no migration file named {name} in {self.files.directory}")
        rows = {r.version: r for r in self.backend.history()}
        row = rows.get(m.version)
        if row is None or row.status != "rolled_back":
            state = row.status if row else "not applied yet"
            raise ConfigError(f"migration {name} ({m.version}) is {state}, not reverted: "
                              "reapply() is for a migration that was rolled back "
                              "(use upgrade() for pending ones)")
        done = self._upgrade(m.version, dry_run, allow_data_loss, True, True)
        if not done:
            raise MigrationConflict(f"migration {name} was applied meanwhile")
        return done[0]

    def _upgrade(self, only, dry_run, allow_data_loss, include_reverted, allow_out_of_order):
        from .versions import actions, squash
        with failures_reported("upgrading"), self.backend.session(self.lock_timeout) as s:
            rows = {r.version: r for r in s.history()}
            # files or history changed outside dbwork first: the precise diagnosis, before
            # the graph's own errors (a collision, a broken parent, a file out of order)
            self._refuse_tampering(s, "upgrade", lambda f: f.tampering)
            graph = actions.session_graph(self, s)
            if not allow_out_of_order:
                actions.refuse_out_of_order(graph, rows, {only} if only else set())
            plan = actions.upgrade_plan(self, s, graph, check=only is None)
            by_version = {m.version: m for m in self.files.all()}
            files = [by_version[v] for v in plan.order if only is None or v == only]
            squash.check_replaced(files, rows)
            for m in files:
                row = rows.get(m.version)
                if row and row.status in ("failed", "running"):
                    raise MigrationConflict(
                        f"migration {m.name} ({m.version}) is marked '{row.status}': "
                        "roll it back first")
            if not dry_run:   # a re-applied file would collide with its old backup's name
                self._drop_orphans(s, None)
            todo, reverted = [], []
            for m in files:
                row = rows.get(m.version)
                if row and row.status == "applied":
                    continue
                if row and row.status == "rolled_back" and not include_reverted:
                    reverted.append(m)
                    continue
                todo.append(m)
            self._consent(s, todo, allow_data_loss)
            out = UpgradeResult()
            out.reverted = reverted
            for m in todo:
                if dry_run:
                    run_up(Buffer(s.transactional), m)
                    m.status, m.dry_run = "planned", True
                elif squash.already_applied(m, rows):
                    squash.record_squash(s, m)
                elif not self._applied_meanwhile(s, m):
                    self._apply_file(s, m)
                out.append(m)
            if plan.needs_merge and only is None and actions.heads_ready(s, plan.heads, dry_run):
                out.merge = actions.record_merge(self, s, plan.heads, True, dry_run)
            self._after_change(s) if out and not dry_run else None
            return out

    def _applied_meanwhile(self, s, m: Migration) -> bool:
        """History re-read under the lock just before a file runs."""
        return any(r.version == m.version and r.status == "applied" for r in s.history())

    def _apply_file(self, s, m: Migration) -> None:
        progress_mode(s, m)  # backends: see dbwork.plan.concurrency
        before = integrity.fingerprint(s.introspect())

        def note_changes():
            m.restores = integrity.changed(before, integrity.fingerprint(s.introspect()))

        run_up(s, m, before_commit=note_changes)

    def _consent(self, s, todo: list[Migration], allow_data_loss: bool) -> None:
        """migrate()'s data-loss question, for files: what their steps destroy in rows
        that exist now."""
        losses = []
        schema = s.introspect() if todo else None
        for m in todo:
            losses += [f"{m.version}_{m.name}: {x}" for x in self._file_losses(s, m, schema)]
        if losses and not allow_data_loss:
            raise DataLossRefused(losses)
        for m in todo:
            for x in losses:
                said = f"data loss allowed: {x.split(': ', 1)[1]}"
                if x.startswith(m.id + ":") and said not in m.warnings:
                    m.warnings.append(said)

    def _file_losses(self, s, m: Migration, schema) -> list[str]:
        out = []
        for step in m.steps:
            for what, table in self._step_losses(step, schema):
                if _has(schema, table):  # one made by an earlier pending file holds no rows yet
                    out += self._counted(s, what, table)
        return out

    def _step_losses(self, step: Step, schema) -> list[tuple[str, str]]:
        """What one step destroys, from its typed operations; a table rebuilt within
        the step (SQLite's drop column) is judged by the columns it loses."""
        ops = self._ops_of(step.forward, schema) if step.forward else []
        end = schema
        try:
            for op in ops:
                end = op.apply(end)
        except Exception:  # an operation dbwork cannot simulate: judge each on its own
            end = None
        out = []
        for op in ops:
            loss = op.loss()
            if loss is None:
                continue
            name = loss[1]
            rebuilt = end is not None and type(op).__name__ == "DropTable" and \
                _has(end, name) and _has(schema, name)
            if rebuilt:
                kept = {c.name for c in end.table(name).columns}
                out += [(f"drop column {name}.{c.name}", name)
                        for c in schema.table(name).columns if c.name not in kept]
            else:
                out.append(loss)
        return out

    def _counted(self, s, what: str, table: str) -> list[str]:
        n = s.count_rows(table)
        return [f"{what} over {n} row(s)"] if n else []

    def _ops_of(self, statements: list[str], schema) -> list:
        """The typed operations of rendered statements ([] when dbwork cannot model them)."""
        try:
            return self.language.statement_ops(list(statements), self.dialect, schema)
        except (DbworkError, ValueError, KeyError, TypeError):
            return []

    def _refuse_tampering(self, s, action: str, blocks) -> None:
        from .verify import check
        report = check(self.files, s.history(), s.events(), self.dialect.name,
                       self.display_url)
        findings = [f for f in report.findings if blocks(f)]
        for f in findings:  # a file that cannot be read is bad input, not tampering:
            if f.kind == "unreadable_file":  # its own error names the file and line
                self.files._read(Path(f.subject))
        if findings:
            raise TamperDetected(action, findings)

    @reported("verifying")
    def verify(self):
        """Check migration files against history, and history against itself: a
        deleted, edited or out-of-order file, a file of another engine, an edited or
        deleted history row, a broken event log. Returns a VerifyReport (``.ok``,
        ``.findings``, text and HTML display); nothing is changed.

        >>> # wb.verify().ok  -> True
        """
        from .verify import check
        return check(self.files, self.backend.history(), self.backend.events(),
                     self.dialect.name, self.display_url)

    # -- versions (owned by dbwork.versions) -------------------------------------------
    def graph(self):
        """The migration graph: heads, branch points, merges, applied and pending (a
        MigrationGraph: ``str()`` the text form, ``.draw()`` graphviz, ``.to_dict()``).

        >>> # print(wb.graph())  -> "1 head: 20260101...  * 2026... create_users  applied"
        """
        from .versions.actions import graph
        return graph(self)

    def merge(self, order: list[str] | None = None) -> Migration:
        """Tie the branches (heads) with a merge file: sides in ``order`` (versions or
        names; for a conflict), else automatically when they touch different objects
        (MigrationConflict otherwise). upgrade() then applies them in that order.

        >>> # wb.merge(order=["add_email", "widen_email"]); wb.upgrade()
        """
        from .versions.actions import merge
        return merge(self, order)

    def squash(self, first: str, last: str, name: str = "squashed") -> Migration:
        """Replace the applied run of migrations ``first`` .. ``last`` (versions or
        names) by one file; databases that applied them upgrade past it cleanly, a
        fresh database runs it once. See dbwork.versions.squash.

        >>> # wb.squash("create_users", "add_index", name="users_v1")
        """
        from .versions.squash import squash
        return squash(self, first, last, name)

    def baseline(self, name: str = "baseline") -> Migration:
        """Record the live schema as the starting point (a migration recorded as
        applied; nothing runs). Same as adopt(); refused when dbwork has history.

        >>> # wb.baseline()  -> <Migration ... baseline [applied] ...>
        """
        return self.adopt(name)

    # -- looking ----------------------------------------------------------------------
    @reported("reading history")
    def history(self, events: bool = False):
        """History as a DataFrame: version, name, status (the latest state),
        applied_at, checksum, duration_ms, steps_done, error. ``events=True``: every
        apply, rollback and failure as its own row (seq, at, version, name, event,
        status, duration_ms, steps_done, reason, checksum), oldest first."""
        import pandas as pd
        if events:
            cols = ["seq", "at", "version", "name", "event", "status", "duration_ms",
                    "steps_done", "reason", "checksum"]
            rows = [{c: getattr(e, c) for c in cols} for e in self.backend.events()]
            return pd.DataFrame(rows, columns=cols)
        cols = ["version", "name", "status", "applied_at", "checksum", "duration_ms",
                "steps_done", "error"]
        from .docs.results import tidy
        rows = [{c: getattr(r, c) for c in cols} for r in self.backend.history()]
        return tidy(pd.DataFrame(rows, columns=cols), "history")

    @reported("reading the schema")
    def schema(self):
        """The live schema as the neutral model."""
        return self.backend.introspect()

    def erd(self, tables=None, view: str = "auto"):
        """The live schema as a diagram (graphviz.Digraph with a text form).

        ``view``: "details" (tables with their columns; with ``tables``, those and
        their neighbours by foreign key), "overview" (one small box per table, for
        large schemas), "order" (tables by foreign-key depth: the creation order), or
        "auto": details, or the overview above 40 tables when no table is named.

        >>> # wb.erd(), wb.erd(["orders"]), wb.erd(view="order")
        """
        from .graphs import overview as ov
        schema = self.schema()
        if view not in ("auto", "details", "overview", "order"):
            raise DbworkError(f"unknown view {view!r}: details, overview, order or auto")
        from .model.schema import Schema
        if isinstance(schema, Schema) and not tables and (
                view == "overview" or (view == "auto" and len(schema.tables) > ov.DETAIL_LIMIT)):
            return ov.overview(schema)
        if isinstance(schema, Schema) and view == "order":
            return ov.dependency_order(schema)
        return _diagram(schema, tables)

    def close(self) -> None:
        self.backend.close()

    # -- helpers ----------------------------------------------------------------------
    def _from_history(self, row: HistoryRow) -> Migration:
        up = parse_script(row.up, row.dialect or self.dialect.name)
        down = parse_script(row.down, row.dialect or self.dialect.name)
        steps = [Step(n, c, stmts, down.get(n, ("", []))[1]) for n, (c, stmts) in sorted(up.items())]
        extra = row.extra or {}
        return Migration(row.version, row.name, steps, parent=row.parent,
                         parents=tuple(extra.get("parents") or ()),
                         replaces=tuple(extra.get("replaces") or ()),
                         dialect=row.dialect, source_checksum=row.source_checksum,
                         warnings=list(extra.get("warnings", [])), status=row.status,
                         applied_at=row.applied_at, duration_ms=row.duration_ms,
                         steps_done=row.steps_done, error=row.error,
                         checks=list(extra.get("checks", [])),
                         restores=extra.get("restores"), reason=extra.get("reason"),
                         forward_only=tuple(extra.get("forward_only", ())),
                         group_id=row.group_id)

    # -- safety (owned by safety) -----------------------------------------------------
    @reported("linting")
    def lint(self, text: str, dialect: str | None = None) -> list:
        """Lint findings for ``text`` against the live schema, without applying it.

        >>> # wb.lint("ALTER TABLE users DROP COLUMN email;")[0].rule  -> 'DW102'
        """
        from .docs.results import Findings
        return Findings(safety.lint_text(self, text, dialect))

    @reported("rehearsing")
    def rehearse(self, name: str, text: str, allow_data_loss: bool = False,
                 sample_rows: int = 100_000):
        """Up, verify, down, verify, up on a throwaway copy; the real database is
        untouched. Returns a RehearsalReport (``.ok``, ``.summary()``, ``.steps``)."""
        from .safety.rehearse import rehearse
        return rehearse(self, name, text, allow_data_loss, sample_rows)

    def rehearse_pending(self, allow_data_loss: bool = False):
        """Up, down, up of the pending migration files on a throwaway copy; the
        verdict is recorded per file checksum in this database (what a protected
        environment's upgrade asks for). Returns a RehearsalReport."""
        from .versions.protect import rehearse_pending
        return rehearse_pending(self, allow_data_loss)

    def drift(self):
        """The live schema against the applied migrations replayed on a throwaway
        shadow database of the same engine: a Drift (``.clean``, ``.differences``,
        ``.migration()``: the migration that absorbs it).

        >>> # wb.drift().clean -> True
        """
        from .versions.drift import drift
        return drift(self)

    def absorb(self, drift=None, name: str = "absorb_drift") -> Migration:
        """Record the migration that absorbs the drift (``drift.migration()``) as applied
        without running it: the change is already live; its file is written so other
        databases run it on upgrade, and ``wb.drift()`` is clean afterwards.

        >>> # d = wb.drift(); print(d.migration().up); wb.absorb(d)
        """
        from .versions.drift import absorb
        return absorb(self, drift, name)

    def diff(self, other):
        """Another live database (Workbench or URL) against this one, as a Drift:
        ``.migration()`` turns this schema into the other's.

        >>> # dev.diff(prod_url).differences
        """
        from .versions.drift import diff_databases
        return diff_databases(self, other)

    def _protected(self) -> bool:
        return bool(self.environment is not None and self.environment.protected)

    @reported("listing backups")
    def backups(self):
        """Backup tables as a DataFrame: backup, source, version, rows, created,
        migration, status."""
        import pandas as pd
        from .docs.results import tidy
        from .safety.backups import COLUMNS, list_backups
        return tidy(pd.DataFrame(list_backups(self.backend), columns=COLUMNS), "backups")

    @reported("purging backups")
    def purge_backups(self, version: str | None = None, older_than=None) -> list[dict]:
        """Drop backup tables (all, one version's, or older than a timedelta / days /
        ISO date). Returns what was dropped."""
        from .safety.backups import purge_backups
        return purge_backups(self.backend, self.lock_timeout, version, older_than)

    # -- seed data (dbwork.data) ------------------------------------------------------
    def seed(self, table=None, rows=None, env: str | None = None, key=None,
             reset: bool = False, format: str | None = None):
        """Upsert seed rows (a list of dicts, a DataFrame, a CSV/JSON/YAML path; with
        ``format``, text in it) by primary key or the unique ``key``; no table: every
        set under seeds/[env]/, in foreign-key order. ``reset``: the table's rows
        become exactly the seed (deleted rows are backed up first). -> SeedReport

        >>> # wb.seed("countries", [{"code": "FR", "name": "France"}]).frame
        """
        from .data import seed as seeding
        sets = seeding.gather(self, table, rows, env, key, format)
        return seeding.load(self, sets, reset, env)

    def seed_drift(self, env: str | None = None):
        """Rows that differ from the seed files of ``env`` (missing, extra, changed
        field by field); ``.fix()`` upserts the seed, ``.sql`` is the fix as text."""
        from .data.seed import drift
        return drift(self, env)

    def demo_data(self, tables=None, rows: int = 1000, seed: int = 42,
                  progress: bool | None = None):
        """Generate ``rows`` realistic rows per table from the live schema (types,
        lengths, NOT NULL, simple CHECKs, enums, uniques, foreign keys to existing
        parents), deterministic for ``seed``, through each backend's bulk path."""
        from .data.demo_io import load_demo
        return load_demo(self, tables, rows, seed, progress)

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

    def runbook(self, notebook: str | os.PathLike, out: str | os.PathLike | None = None
                ) -> Path:
        """Write the executed ``notebook`` as a standalone HTML record (beside it, .html
        unless ``out``): its outputs as last saved, this database's event log (when,
        what, by whom, why) and each migration's forward and rollback scripts.

        >>> # wb.runbook("notebooks/02_postgres_runbook.ipynb") -> Path(...html)
        """
        from .docs import runbook as rb
        source = Path(notebook)
        nb, page = rb.export_notebook(source)
        scripts = {r.version: r for r in self.backend.history()}
        entries = tuple(rb.RunbookEntry(
            at=e.at, version=e.version, name=e.name, event=e.event, status=e.status,
            by=(scripts[e.version].extra or {}).get("by", "") if e.version in scripts else "",
            reason=e.reason or "", up=scripts[e.version].up if e.version in scripts else "",
            down=scripts[e.version].down if e.version in scripts else "")
            for e in self.backend.events())
        facts = rb.RunbookFacts(title=rb.notebook_title(nb, source.stem),
                                target=self.display_url, made_at=now_iso(),
                                made_by=rb.current_user(), entries=entries)
        target = Path(out) if out else source.with_suffix(".html")
        target.write_text(rb.with_header(page, rb.header_html(facts)), encoding="utf-8")
        return target

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
        from .execute.live import drop_orphan_backups
        for name in drop_orphan_backups(self.dialect, s, versions):
            if m is not None:
                m.notes.append(f"removed backup {name}, left behind by an interrupted step")

    def _after_change(self, s=None) -> None:
        """After a migration, rollback or upgrade: regenerate the docs if asked."""
        if self.docs_path:
            self._document(s.introspect() if s is not None else self.backend.introspect())


REVERTED_NOTE = ("reverted: rolled back on purpose; upgrade() leaves it alone until it is "
                 "re-approved: wb.reapply('{name}') or upgrade(include_reverted=True)")


class UpgradeResult(list):
    """The migrations an upgrade applied (a plain list), with ``reverted``: the files
    rolled back on purpose that it did not apply again."""

    reverted: list = []
    merge: Migration | None = None  # the merge migration recorded for branches, if any


def _apply_order(events) -> dict[str, float]:
    """version -> the sequence number of its last run (an 'applied' or 'failed' event):
    the run order, which on branches is not the version order. A failed migration is
    as recent as its failure, so a rollback takes it back before anything older."""
    return {e.version: e.seq for e in events if e.event in ("applied", "failed")}


def _blocks_rollback(versions: set[str]):
    """Findings that stop a rollback: any sign that history was edited, and a
    deleted or edited file of a migration being rolled back."""
    from .verify import BLOCKS_ROLLBACK

    def blocks(f) -> bool:
        return f.kind in BLOCKS_ROLLBACK or (
            f.kind in ("file_edited", "file_deleted") and f.version in versions)
    return blocks


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
    irreversible: bool = False  # statements without an inverse run; forward-only record


def _drop_tables_in_order(s, dialect, names: set[str]) -> None:
    """Drop tables ``names``: first every foreign key that references one of them (from
    any table) or that they hold, then the tables; MariaDB's 1451 cannot happen."""
    from .ops.schema_ops import DropConstraint, DropTable
    from .render.sql import render
    names = {n for n in names if not n.startswith(("_dbwork", "dbwork_"))}
    if not names:
        return
    live = s.introspect()
    for t in live.tables.values():
        for fk in t.foreign_keys:
            if fk.name and (t.name in names or fk.ref_table in names):
                for stmt in render(DropConstraint(t.name, fk), live, dialect):
                    s.execute(stmt)
    live = s.introspect()
    for name in sorted(names):
        for stmt in render(DropTable(live.table(name)), live, dialect):
            s.execute(stmt)
    s.commit()


def _undo_on_kept_tables(s, m: Migration, ran: int, dialect) -> None:
    """The inverse of each step that ran on a table that existed before the migration
    (a column or key added to it), last step first: what an explicit down section that
    failed, or forgot them, leaves behind once the new tables are gone. ``ran``: how
    many steps the failed apply ran."""
    from .ops.schema_ops import CreateTable
    from .render.sql import render
    kept = set(m.schema_before.tables)
    schemas = [m.schema_before]
    for st in m.steps[:ran]:
        schemas.append(st.op.apply(schemas[-1]) if st.op is not None else schemas[-1])
    for i in range(ran, 0, -1):
        op = m.steps[i - 1].op
        if op is None or isinstance(op, CreateTable) or not op.tables() or \
                not set(op.tables()) <= kept:
            continue
        live = s.introspect()
        touched = [live.table(t) for t in op.tables() if live.has_table(t)]
        if schemas[i - 1].tables == live.tables or \
                all(t == schemas[i - 1].table(t.name) for t in touched):
            continue  # this step's effect is gone already (the down section undid it)
        for stmt in render(op.reverse(), live, dialect):
            s.execute(stmt)
    s.commit()


def _refuse_forward_only(m: Migration, done: int) -> None:
    """A rollback stops, before anything runs, at a forward-only migration whose
    irreversible steps ran."""
    from .errors import ForwardOnly
    ran = tuple(n for n in m.forward_only if n <= done)
    if ran:
        raise ForwardOnly(m.version, m.name, ran)


def _diagram(schema, tables=None, highlight=()):
    """The ER diagram of a SQL schema, or the document diagram of a MongoDB one."""
    from .model.schema import Schema
    if isinstance(schema, Schema):
        from .graphs.erd import erd
        return erd(schema, tables, highlight=tuple(highlight))
    from .graphs.documents import erd as document_erd
    return document_erd(schema, tables)


def _change_diagram(after, m: Migration):
    """The diagram of the tables ``m`` touched, in ``after``, with its changes marked
    per column (see dbwork.graphs.changes); a MongoDB schema's document diagram."""
    from .model.schema import Schema
    if not isinstance(after, Schema):
        touched = [t for t in m.tables if _has(after, t)]
        return _diagram(after, touched, highlight=m.tables) if touched else None
    from .graphs.changes import change_diagram
    return change_diagram(after, [st.op for st in m.steps], m.tables)


def _planned(m: Migration):
    """The schema ``m`` leads to, simulated from the one it was planned on (pure)."""
    from .graphs.changes import planned_schema
    from .model.schema import Schema
    if not isinstance(m.schema_before, Schema):  # documents: no planned diagram
        return None
    return planned_schema(m.schema_before, [st.op for st in m.steps])


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
            env: str | None = None, **options) -> Workbench:
    """A Workbench for ``url``; with no URL, the embedded default: the SQLite file
    dbwork.sqlite in the current folder, with migrations/ beside it. ``env="staging"``:
    the URL and migrations folder of that environment in dbwork.toml (or
    [tool.dbwork] in pyproject.toml), ``${VAR}`` taken from the environment."""
    if env is not None:
        return _connect_env(env, url, migrations, options)
    if url is None:
        url = f"sqlite:///{DEFAULT_DATABASE}"
        migrations = migrations or DEFAULT_MIGRATIONS
    docs = options.pop("docs", None)
    wb = Workbench(url, migrations, **options)
    wb.docs_path = docs
    return wb


def _connect_env(name: str, url, migrations, options) -> Workbench:
    from .versions.environments import environment
    if url is not None:
        raise ConfigError("give a URL or env=, not both")
    found = environment(name)
    wb = connect(found.resolve_url(), migrations or found.migrations_path(), **options)
    wb.environment = found
    return wb
