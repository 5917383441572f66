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

import time
from datetime import datetime, timezone

from ..errors import MigrationFailed
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

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def history_row(m: Migration, status: str) -> HistoryRow:
    return HistoryRow(version=m.version, name=m.name, status=status, checksum=m.checksum,
                      applied_at=m.applied_at, duration_ms=m.duration_ms, up=m.up,
                      down=m.down, parent=m.parent, dialect=m.dialect,
                      steps_done=m.steps_done, error=m.error,
                      source_checksum=m.source_checksum,
                      extra={"warnings": m.warnings, "checks": m.checks})


def run_up(sink, m: Migration, before_commit=None) -> Migration:
    """Apply every step of ``m`` through ``sink`` and record it as applied.
    ``before_commit`` runs after the last step, inside the transaction where there is
    one (validation); if it raises, the migration is undone like a failed step."""
    return _run(sink, m, m.steps, "forward", "applied", before_commit)


def run_down(sink, m: Migration, steps_done: int | None = None) -> Migration:
    """Undo ``m``: the reverse of each step that ran, last first."""
    done = len(m.steps) if steps_done is None else steps_done
    steps = list(reversed(m.steps[:done]))
    return _run(sink, m, steps, "reverse", "rolled_back")


def _run(sink, m: Migration, steps: list[Step], direction: str, final: str,
         before_commit=None) -> Migration:
    start = time.perf_counter()
    m.steps_done = 0 if direction == "forward" else len(steps)
    if not sink.transactional:
        m.status = "running" if direction == "forward" else m.status
        sink.write_history(history_row(m, m.status))
    for i, step in enumerate(steps, 1):
        statements = step.forward if direction == "forward" else step.reverse
        _run_step(sink, m, step, statements, i)
        if direction == "forward":
            m.steps_done = i
        else:
            m.steps_done = len(steps) - i
        if not sink.transactional:
            _progress(sink, m, history_row(m, "running" if direction == "forward" else m.status))
    if before_commit is not None and not isinstance(sink, Buffer):
        try:
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
    sink.write_history(history_row(m, final))
    sink.commit()
    return m


def _run_step(sink, m: Migration, step: Step, statements: list[str], index: int) -> None:
    for statement in statements:
        try:
            if step.transactional:
                sink.execute(statement)
            else:
                sink.execute_outside_transaction(statement)
        except Exception as e:  # the driver's error: report it with the statement
            reason = _reason(e)
            state = record_failure(sink, m, step.number, reason, e)
            typed = _typed(sink, e, m, step.number, statement, state)
            if typed is not None:
                raise typed from None
            raise MigrationFailed(m.version, statement, reason, step.number,
                                  sink.transactional, m.steps_done) from None


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
            sink.write_history(row)
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
