"""One typed hierarchy of errors, rooted at :class:`DbworkError`.

Every error carries the data a caller needs (the statement, its line and column, the
table name) as attributes, and a one-line message a person can act on. The notebook
layer alone turns these into a short rendered message.

>>> try:
...     raise UnknownObjectError("table", "users")
... except DbworkError as e:
...     print(e)
unknown table 'users'
"""
from __future__ import annotations


class DbworkError(Exception):
    """Root of every error dbwork raises on purpose."""


class ConfigError(DbworkError):
    """A URL, path, option or name is not usable (raised before any connection)."""


class ConnectionFailed(DbworkError):
    """The database could not be reached. The URL in the message is masked."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"cannot connect to {url}: {reason}")


class ParseError(DbworkError):
    """The cell's text could not be understood. Carries line and column (1-based)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 statement: str | None = None):
        self.line = line
        self.column = column
        self.statement = statement
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{message}{where}")


class UnknownObjectError(DbworkError):
    """A statement names a table, column, index or constraint that does not exist."""

    def __init__(self, kind: str, name: str, table: str | None = None):
        self.kind = kind
        self.name = name
        self.table = table
        where = f" in table '{table}'" if table else ""
        super().__init__(f"unknown {kind} '{name}'{where}")


class ObjectExistsError(DbworkError):
    """A statement creates something that already exists."""

    def __init__(self, kind: str, name: str, table: str | None = None):
        self.kind = kind
        self.name = name
        self.table = table
        where = f" in table '{table}'" if table else ""
        super().__init__(f"{kind} '{name}' already exists{where}")


class IrreversibleError(DbworkError):
    """No rollback can be generated for a statement and none was given."""

    def __init__(self, statement: str, reason: str = ""):
        self.statement = statement
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"cannot generate a rollback for: {statement.strip()}{why}. "
            "Add an explicit '-- migrate:down' section to the cell."
        )


class UnsupportedError(DbworkError):
    """The operation cannot be expressed for this dialect."""


class MigrationConflict(DbworkError):
    """A migration of that name exists with other content, or history and files disagree."""


class DataLossRefused(DbworkError):
    """A change would destroy data and allow_data_loss was not given."""

    def __init__(self, losses: list[str]):
        self.losses = losses
        what = "; ".join(losses)
        super().__init__(
            f"refused: this change would destroy data ({what}). "
            "Pass allow_data_loss=True (or --allow-data-loss) to proceed."
        )


class StatementFailed(DbworkError):
    """Something went wrong while dbwork planned, applied or rolled back a migration:
    names the migration (``version``, ``name``), the ``step`` (1-based; None while
    planning or validating) and the ``statement`` that failed (credentials masked),
    with the driver's one-line ``reason``. The original exception is ``__cause__``.

    >>> e = StatementFailed("no such table: Order", version="20260101120000",
    ...                     name="add_orders", step=2, statement="SELECT COUNT(*) FROM Order")
    >>> print(e)
    migration add_orders (20260101120000) failed at step 2: SELECT COUNT(*) FROM Order
      no such table: Order
    """

    def __init__(self, reason: str, *, version: str | None = None, name: str | None = None,
                 step: int | None = None, statement: str | None = None,
                 phase: str = "apply", detail: str = ""):
        from .url import mask_url
        self.reason = mask_url(reason)
        self.version, self.name, self.step, self.phase = version, name, step, phase
        self.statement = mask_url(statement) if statement else statement
        super().__init__(self._message(detail))

    def _message(self, detail: str) -> str:
        who = " ".join(x for x in (self.name, f"({self.version})" if self.version else "")
                       if x) or "?"
        where = f" at step {self.step}" if self.step is not None else ""
        where += "" if self.phase == "apply" else f" while {self.phase}"
        what = f": {self.statement.strip()}" if self.statement else ""
        tail = f"\n  {detail}" if detail else ""
        return f"migration {who} failed{where}{what}\n  {self.reason}{tail}"


class MigrationFailed(StatementFailed):
    """A statement failed while applying. Says which, and what state is left."""

    def __init__(self, version: str, statement: str, reason: str, step: int,
                 transactional: bool, steps_done: int = 0, name: str | None = None,
                 phase: str = "apply"):
        self.transactional = transactional
        self.steps_done = steps_done
        if transactional:
            state = "nothing was changed (the transaction was rolled back)"
        else:
            state = (f"{steps_done} step(s) ran before the failure and stay applied; "
                     f"the migration is marked 'failed': %rollback undoes exactly those")
        super().__init__(reason, version=version, name=name, step=step,
                         statement=statement, phase=phase, detail=state)


class RestoreMismatch(MigrationFailed):
    """A rollback restored values that differ from their backup: the backup is kept."""

    def __init__(self, version: str, statement: str, reason: str, step: int,
                 transactional: bool, steps_done: int = 0, backup: str = ""):
        super().__init__(version, statement, reason, step, transactional, steps_done)
        self.backup = backup
        undone = ("the rollback was undone" if transactional else
                  "the steps before it stay undone")
        self.args = (f"rollback of {version} refused at step {step}: the restored values "
                     f"differ from backup table {backup}, so the backup is kept (not "
                     f"dropped) and {undone}. Compare the table with {backup}, fix the "
                     f"column types, and roll back again.\n  {reason}",)

    def __str__(self) -> str:
        return self.args[0]


class LockTimeout(DbworkError):
    """Another migrator holds the migration lock."""


class DataCheckFailed(DbworkError):
    """Live data would violate the change (duplicates, orphans, NULLs...)."""

    def __init__(self, problem: str, count: int, examples: list, detail: str = ""):
        self.problem = problem
        self.count = count
        self.examples = examples
        ex = f"; e.g. {examples[:3]}" if examples else ""
        super().__init__(f"{problem}: {count} row(s) {detail}{ex}".rstrip())
