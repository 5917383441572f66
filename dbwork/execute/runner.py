"""Run a migration's steps forward or back, recording history with them.

Apply and dry run share this code: a dry run passes a :class:`Buffer` as the sink,
which records the statements instead of running them, so what a user previews is
byte for byte what runs.

Transactional backends (SQLite, PostgreSQL): every step and the history row commit
together, or nothing does. Others (MySQL/MariaDB, MongoDB): history is written first
as 'running' and then after every step, so a failure leaves status 'failed' with the
number of steps that ran, and a rollback undoes exactly those.
"""
from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable

from ..docs.runbook import current_user
from ..errors import DbworkError, MigrationFailed, RestoreMismatch, StatementFailed
from ..migration import Migration, Step
from .backend import HistoryRow


class Buffer:
    """A sink that records statements: the dry-run side of every session."""

    def __init__(self, transactional: bool = True):
        self.transactional = transactional
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)

    def execute_outside_transaction(self, statement: str) -> None:
        self.statements.append(statement)

    def write_history(self, row: HistoryRow) -> None:
        pass

    def last_event(self):
        return None

    def write_event(self, event) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def history_row(m: Migration, status: str) -> HistoryRow:
    extra = {"warnings": m.warnings, "checks": m.checks, "by": current_user()}
    if m.restores is not None:
        extra["restores"] = m.restores
    if m.reason:
        extra["reason"] = m.reason
    if m.forward_only:
        extra["forward_only"] = list(m.forward_only)
    if m.is_merge:  # the parent column holds the first; the row says it is a merge
        extra["parents"] = list(m.parents)
    if m.replaces:
        extra["replaces"] = list(m.replaces)
    return HistoryRow(version=m.version, name=m.name, status=status, checksum=m.checksum,
                      applied_at=m.applied_at, duration_ms=m.duration_ms, up=m.up,
                      down=m.down, parent=m.parent, dialect=m.dialect,
                      steps_done=m.steps_done, error=m.error,
                      source_checksum=m.source_checksum, extra=extra,
                      group_id=m.group_id)


def record(sink, m: Migration, status: str, event: str | None = None) -> None:
    """Write ``m``'s history row as ``status``; with ``event`` (applied, rolled_back,
    failed) also append that event to the log, chained to the last one."""
    from .integrity import next_event
    row = history_row(m, status)
    sink.write_history(row)
    if event is not None:
        sink.write_event(next_event([e for e in [sink.last_event()] if e], row, event,
                                    m.reason if event == "rolled_back" else None, now_iso()))


def run_up(sink, m: Migration, before_commit=None) -> Migration:
    """Apply every step of ``m`` through ``sink`` and record it as applied.
    ``before_commit`` runs after the last step, inside the transaction where there is
    one (validation); if it raises, the migration is undone like a failed step."""
    return _run(sink, m, m.steps, "forward", "applied", before_commit)


def run_down(sink, m: Migration, steps_done: int | None = None,
             in_flight: bool = False, before_commit=None) -> Migration:
    """Undo ``m``: the reverse of each step that ran, last first. ``before_commit``
    as for :func:`run_up` (the check that the schema is back where it started).

    ``in_flight``: the step after the last one recorded may have run (a migrator killed
    mid-step on an engine without transactional DDL: the server finishes the statement
    it was given, so a backup table can exist that history does not know of). Its
    reverse runs first; if the reverse's first statement fails, the step had not run and
    is skipped (each DDL statement there is atomic, so a step ran from its start or not).
    """
    done = len(m.steps) if steps_done is None else steps_done
    steps = list(reversed(m.steps[:done]))
    if in_flight and done < len(m.steps) and not sink.transactional:
        _undo_in_flight(sink, m, m.steps[done])
    return _run(sink, m, steps, "reverse", "rolled_back", before_commit)


def _undo_in_flight(sink, m: Migration, step: Step) -> None:
    statements = step.reverse
    if not statements or isinstance(sink, Buffer):
        if statements:
            sink.statements += statements
        return
    try:
        _execute(sink, step, statements[0])
    except Exception as e:  # the step's effect is not there: it never ran
        m.notes.append(f"step {step.number} had not run before the crash "
                       f"({_reason(e)}): nothing to undo")
        return
    m.notes.append(f"step {step.number} ran before the crash without being recorded: undone")
    _run_step(sink, m, step, statements[1:], "rolling back")


def _execute(sink, step: Step, statement: str) -> None:
    if step.transactional:
        sink.execute(statement)
    else:
        sink.execute_outside_transaction(statement)


def _run(sink, m: Migration, steps: list[Step], direction: str, final: str,
         before_commit=None) -> Migration:
    phase = "apply" if direction == "forward" else "rolling back"
    with failures_reported(phase, version=m.version, name=m.name):
        return _run_steps(sink, m, steps, direction, final, before_commit)


def _run_steps(sink, m: Migration, steps: list[Step], direction: str, final: str,
               before_commit=None) -> Migration:
    start = time.perf_counter()
    m.steps_done = 0 if direction == "forward" else len(steps)
    if not sink.transactional:
        m.status = "running" if direction == "forward" else m.status
        sink.write_history(history_row(m, m.status))
    for i, step in enumerate(steps, 1):
        statements = step.forward if direction == "forward" else step.reverse
        _run_step(sink, m, step, statements, "apply" if direction == "forward" else "rolling back")
        if direction == "forward":
            m.steps_done = i
        else:
            m.steps_done = len(steps) - i
        if not sink.transactional:
            _progress(sink, m, history_row(m, "running" if direction == "forward" else m.status))
    if before_commit is not None and not isinstance(sink, Buffer):
        try:
            with failures_reported("validating", version=m.version, name=m.name):
                before_commit()
        except Exception:
            if sink.transactional:
                sink.rollback()
            raise
    m.duration_ms = int((time.perf_counter() - start) * 1000)
    m.applied_at = now_iso()
    m.status = final
    m.error = None
    if direction == "reverse":
        m.steps_done = 0
    record(sink, m, final, final)
    sink.commit()
    return m


def _run_step(sink, m: Migration, step: Step, statements: list[str], phase: str) -> None:
    for statement in statements:
        try:
            _execute(sink, step, statement)
        except Exception as e:  # the driver's error: report it with the statement
            reason = _reason(e)
            state = record_failure(sink, m, step.number, reason, e)
            typed = _typed(sink, e, m, step.number, statement, state)
            if typed is not None:
                raise typed from None
            raise _failure(m, step, statement, reason, sink.transactional, phase) from e


def _failure(m: Migration, step: Step, statement: str, reason: str, transactional: bool,
             phase: str):
    """The error for a failed statement; a failed restore check names its backup."""
    from ..render.data import is_verify_statement
    if is_verify_statement(statement):
        import re
        found = re.search(r"_dbwork_bak_\d+_\d+", statement)
        return RestoreMismatch(m.version, statement, reason, step.number, transactional,
                               m.steps_done, found.group(0) if found else "")
    return MigrationFailed(m.version, statement, reason, step.number, transactional,
                           m.steps_done, name=m.name, phase=phase)


def _progress(sink, m: Migration, row: HistoryRow) -> None:
    """Record progress after a step; a connection lost here is reported like a step's."""
    try:
        sink.write_history(row)
    except Exception as e:
        state = record_failure(sink, m, m.steps_done + 1, _reason(e), e)
        typed = _typed(sink, e, m, m.steps_done + 1, "(recording progress in history)", state)
        if typed is None:
            raise
        raise typed from None


def record_failure(sink, m: Migration, step_number: int, reason: str, e: Exception) -> str:
    """Undo (transactional) or record (step by step) a failed step, even when the
    connection is gone; the text says what history now holds."""
    lost = getattr(sink, "connection_lost", lambda e: False)(e)
    if sink.transactional:
        _quietly(sink.rollback)
        if lost:  # end the server side too: its transaction and locks go with it
            _quietly(getattr(sink, "recover_history", lambda row: False), None)
        return "nothing was changed (the transaction was rolled back)"
    m.status, m.error = "failed", f"step {step_number}: {reason}"
    if lost:
        m.error += (f" (the connection was lost: step {step_number} may have completed on "
                    "the server; compare wb.schema() before rolling back)")
    row = history_row(m, "failed")
    written = False
    if not lost:
        try:
            record(sink, m, "failed", "failed")
            written = True
        except Exception:
            lost = True
    if lost:
        written = getattr(sink, "recover_history", lambda row: False)(row)
    done = f"{m.steps_done} step(s) ran before the failure and stay applied"
    if written:
        return f"{done}; history marks migration {m.version} 'failed' after {m.steps_done} step(s)"
    return (f"{done}; history could not be updated (the server is out of reach): it "
            f"still shows 'running' after {m.steps_done} step(s)")


def _typed(sink, e: Exception, m: Migration, step_number: int, statement: str, state: str):
    """The lock / time limit / lost connection error, with migration, step and state."""
    translate = getattr(sink, "translate", None)
    if translate is None:
        return None
    short = " ".join(statement.split())
    short = short if len(short) <= 80 else short[:77] + "..."
    typed = translate(e, f"at step {step_number} of migration {m.version} ({short})")
    if typed is None:
        return None
    typed.version, typed.step, typed.steps_done, typed.state = \
        m.version, step_number, m.steps_done, state
    typed.args = (f"{typed}\n  {state}",)
    return typed


def _quietly(fn, *args) -> None:
    try:
        fn(*args)
    except Exception:  # the connection is gone: the caller reports the first error
        pass


def _reason(e: Exception) -> str:
    from ..url import mask_url
    orig = getattr(e, "orig", None) or e
    text = str(orig).strip().splitlines()
    return mask_url(text[0] if text else type(orig).__name__)


# -- every failure a dbwork error -------------------------------------------------------
# Translators turn a library's exception into a typed dbwork error (a lock or statement
# timeout, a lost connection): ``translator(exc) -> DbworkError | None``. The first that
# answers wins; anything left becomes a StatementFailed naming where it happened.
TRANSLATORS: list[Callable[[BaseException], DbworkError | None]] = []


def as_dbwork_error(e: Exception, *, version: str | None = None, name: str | None = None,
                    step: int | None = None, statement: str | None = None,
                    phase: str = "apply") -> DbworkError:
    """The one mapping from any exception to a dbwork error (a DbworkError is kept).
    The statement is the one given, else the one SQLAlchemy attached to its error.

    >>> e = as_dbwork_error(KeyError("x"), version="1", name="init", step=3)
    >>> type(e).__name__, e.step, e.reason
    ('StatementFailed', 3, "'x'")
    """
    if isinstance(e, DbworkError):
        return e
    for translate in TRANSLATORS:
        found = translate(e)
        if found is not None:
            return found
    statement = statement or getattr(e, "statement", None)
    return StatementFailed(_reason(e), version=version, name=name, step=step,
                           statement=statement if isinstance(statement, str) else None,
                           phase=phase)


def reported(phase: str):
    """A method whose every failure leaves as a dbwork error (:func:`failures_reported`):
    what the Workbench offers outside a migration (lint, verify, schema, history).

    >>> @reported("counting")
    ... def count():
    ...     return 1 / 0
    >>> try:
    ...     count()
    ... except StatementFailed as e:
    ...     print(e)
    dbwork failed while counting
      division by zero
    """
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            with failures_reported(phase):
                return fn(*args, **kwargs)
        return inner
    return wrap


@contextmanager
def failures_reported(phase: str, *, version: str | None = None, name: str | None = None):
    """Inside: any exception that is not a DbworkError leaves as one (as_dbwork_error),
    the original chained as ``__cause__``. KeyboardInterrupt and the like pass."""
    try:
        yield
    except DbworkError:
        raise
    except Exception as e:
        raise as_dbwork_error(e, version=version, name=name, phase=phase) from e
