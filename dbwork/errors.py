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
    """The database could not be reached, or stopped answering (a dead or frozen server,
    a terminated backend). ``url`` is masked; ``during`` says what was going on when
    the connection was lost (empty while connecting)."""

    def __init__(self, url: str, reason: str, during: str = ""):
        self.url = url
        self.reason = reason
        self.during = during
        if during:
            super().__init__(f"lost the connection to {url} {during}: {reason}")
        else:
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
                       if x)
        where = f" at step {self.step}" if self.step is not None else ""
        where += "" if self.phase == "apply" else f" while {self.phase}"
        what = f": {self.statement.strip()}" if self.statement else ""
        tail = f"\n  {detail}" if detail else ""
        # outside a migration (lint, verify, reading the schema) no migration is named
        head = f"migration {who}" if who else "dbwork"
        return f"{head} failed{where}{what}\n  {self.reason}{tail}"


class MigrationFailed(StatementFailed):
    """A statement failed while applying. Says which, and what state is left."""

    def __init__(self, version: str, statement: str, reason: str, step: int,
                 transactional: bool, steps_done: int = 0, name: str | None = None,
                 phase: str = "apply", undone: bool = False):
        self.transactional = transactional
        self.steps_done = steps_done
        self.undone = undone
        if undone:
            state = ("the steps that ran were undone (tables a failed step left first, "
                     "referencing keys before the tables they reference): the database "
                     "is as it was")
        elif transactional:
            state = "nothing was changed (the transaction was rolled back)"
        else:
            state = (f"{steps_done} step(s) ran before the failure and stay applied; "
                     f"the migration is marked 'failed': %rollback undoes exactly those")
        super().__init__(reason, version=version, name=name, step=step,
                         statement=statement, phase=phase, detail=state)


class ForwardOnly(DbworkError):
    """A rollback reached a migration recorded as forward-only (applied with
    ``irreversible=True``): it names the migration and the steps that have no inverse."""

    def __init__(self, version: str, name: str, steps: tuple[int, ...]):
        self.version, self.name, self.steps = version, name, tuple(steps)
        super().__init__(
            f"migration {name} ({version}) is forward-only (applied with irreversible=True): "
            f"step(s) {', '.join(map(str, steps))} have no rollback. Nothing was rolled "
            "back; undo it by hand with a new migration, or roll back to a later version")


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
    """A lock was not granted in time: the migration lock (another migrator holds it)
    or a table or row lock a statement waited for. ``lock`` names it, ``holder``
    says who holds it when the engine tells (empty otherwise), ``waited`` in seconds.

    >>> print(LockTimeout("the MySQL lock 'dbwork_migrations'", 5, "connection 12 (root)"))
    timed out after 5 s waiting for the MySQL lock 'dbwork_migrations', held by connection 12 (root)
    """

    def __init__(self, lock: str, waited: float | None = None, holder: str = "",
                 detail: str = ""):
        self.lock = lock
        self.waited = waited
        self.holder = holder
        self.detail = detail
        after = f" after {waited:g} s" if waited is not None else ""
        by = f", held by {holder}" if holder else ""
        more = f"\n  {detail}" if detail else ""
        super().__init__(f"timed out{after} waiting for {lock}{by}{more}")


class StatementTimeout(DbworkError):
    """A statement ran longer than ``statement_timeout`` and the server stopped it."""

    def __init__(self, limit: float | None, detail: str = ""):
        self.limit = limit
        self.detail = detail
        limit_text = f" ({limit:g} s)" if limit else ""
        more = f"\n  {detail}" if detail else ""
        super().__init__(f"a statement ran longer than statement_timeout{limit_text} and was "
                         f"stopped; pass a larger statement_timeout= to allow it{more}")


class HistoryCorrupt(DbworkError):
    """A history row holds a value dbwork cannot read (hand-edited or damaged)."""

    def __init__(self, version: str, field: str, problem: str):
        self.version = version
        self.field = field
        self.problem = problem
        super().__init__(f"history row {version}: field '{field}' is not readable "
                         f"({problem}); restore the row from a backup or repair it by hand")


class DataCheckFailed(DbworkError):
    """Live data would violate the change (duplicates, orphans, NULLs...)."""

    def __init__(self, problem: str, count: int, examples: list, detail: str = ""):
        self.problem = problem
        self.count = count
        self.examples = examples
        ex = f"; e.g. {examples[:3]}" if examples else ""
        super().__init__(f"{problem}: {count} row(s) {detail}{ex}".rstrip())


class SeedError(DbworkError):
    """A seed set cannot be loaded: names the source file, line and column (1-based
    line in the file; column is the field name). Nothing of the set was kept.

    >>> print(SeedError("no such column", source="seeds/dev/users.csv", line=3, column="emial"))
    seeds/dev/users.csv, line 3, column 'emial': no such column
    """

    def __init__(self, message: str, source: str | None = None, line: int | None = None,
                 column: str | None = None, table: str | None = None):
        self.source, self.line, self.column, self.table = source, line, column, table
        where = [source] if source else []
        where += [f"line {line}"] if line is not None else []
        where += [f"column '{column}'"] if column else []
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class TamperDetected(MigrationConflict):
    """Files or history were changed outside dbwork (an edited, deleted or added file,
    an edited or deleted history row). ``findings``: the verify findings, each naming
    the file or the row; ``wb.verify()`` / ``dbwork verify`` lists them."""

    def __init__(self, action: str, findings: list):
        self.findings = findings
        lines = "\n".join(f"  - {f.subject}: {f.message}" for f in findings)
        super().__init__(f"{action} refused: files or history changed outside dbwork "
                         f"({len(findings)} finding(s)):\n{lines}")


class RollbackMismatch(DbworkError):
    """A rollback ran but the schema is not what the migration started from (a down
    script that undoes nothing, or the wrong thing)."""

    def __init__(self, version: str, name: str, problems: list[str], undone: bool):
        self.version, self.name, self.problems = version, name, problems
        state = ("the rollback was undone: the migration stays applied" if undone else
                 "its statements ran and stay (no transactional DDL): the migration is "
                 "marked 'failed'; repair the schema by hand, then roll back again")
        super().__init__(f"rollback of {version} {name} did not restore the schema it "
                         f"started from: {'; '.join(problems)}. {state}")


class CopyRefused(DbworkError):
    """A copy that cannot be done as asked, refused before anything is written: a column
    type the target cannot hold, a target table that already holds rows. Names the
    table (and column and type, where one is the reason)."""

    def __init__(self, table: str, column: str | None = None, type_: str | None = None,
                 target: str | None = None, reason: str = ""):
        self.table, self.column, self.type, self.target = table, column, type_, target
        where = f"{table}.{column}" if column else table
        why = reason or (f"{target} has no type that holds {type_}" if type_ else "")
        super().__init__(f"cannot copy {where}: {why}")


class CopyFailed(DbworkError):
    """A copy stopped part way (a lost connection, a failed statement). What was written
    is checkpointed: the same call with resume=True goes on from there. ``table`` and
    ``key`` say where it stopped."""

    def __init__(self, table: str, reason: str, key=None):
        self.table, self.reason, self.key = table, reason, key
        at = f" at key {key!r}" if key is not None else ""
        super().__init__(f"copy of {table} stopped{at}: {reason}")


class DesignError(DbworkError):
    """A document design change that cannot be made: an unknown table, no foreign key
    between the two tables, an embedding that would make a cycle. ``table`` names it.

    >>> print(DesignError("no foreign key from 'users' to 'orders'", table="users"))
    no foreign key from 'users' to 'orders'
    """

    def __init__(self, message: str, table: str | None = None):
        self.table = table
        super().__init__(message)


class DocumentCopyRefused(DbworkError):
    """A copy between SQL and MongoDB refused before anything was written: a target
    collection or table that holds data this copy did not write, a design that changed
    since the copy began, a table it cannot key. ``name`` is the table or collection."""

    def __init__(self, message: str, name: str | None = None):
        self.name = name

# -- several targets (dbwork.multi) -------------------------------------------------------
class GroupFailed(DbworkError):
    """One change over several targets failed on ``target``; the targets that had
    applied it were rolled back (``undone``: target -> version) or could not be
    (``not_undone``: target -> why). ``cause`` is the failing target's error.

    >>> print(GroupFailed("add_events", "backup", "duplicate key", {"main": "20261203"}, {}))
    add_events failed on backup: duplicate key. Undone: main (20261203 rolled back). Nothing of it remains applied.
    """

    def __init__(self, name: str, target: str, cause, undone: dict, not_undone: dict,
                 partial_steps: int = 0):
        self.name, self.target, self.cause = name, target, cause
        self.undone, self.not_undone = dict(undone), dict(not_undone)
        self.partial_steps = partial_steps   # steps that ran on ``target`` itself, undone
        said = ", ".join(f"{t} ({v} rolled back)" for t, v in undone.items()) or "nothing"
        if partial_steps:
            said += f"; and the {partial_steps} step(s) that ran on {target}"
        tail = (" Nothing of it remains applied." if not not_undone else
                " NOT undone: " + "; ".join(f"{t}: {why}" for t, why in not_undone.items()))
        super().__init__(f"{name} failed on {target}: {str(cause).splitlines()[0]}. "
                         f"Undone: {said}.{tail}")


class PlanRefused(DbworkError):
    """Services' pending migrations cannot be ordered: a requirement names no known
    service or migration, or requirements form a cycle (``cycle``: the chain)."""

    def __init__(self, message: str, cycle: tuple = ()):
        self.cycle = tuple(cycle)
        super().__init__(message)


class VersionCollision(MigrationConflict):
    """Two migration files share one version (made on two machines in the same second
    with the same suffix, or copied by hand). ``version``; ``paths``: the files."""

    def __init__(self, version: str, paths: list[str]):
        self.version, self.paths = version, list(paths)
        super().__init__(f"two migration files have version {version}: "
                         f"{', '.join(self.paths)} ... give one of them a new version "
                         "(rename the file and its '-- version:' line) before upgrading")


class BrokenGraph(ConfigError):
    """The migration files do not form a graph: a parent that no file has, or a cycle
    (a hand-edited ``-- parent:`` line). ``problem``: "missing_parent" or "cycle";
    ``versions``: the files involved."""

    def __init__(self, problem: str, versions: list[str], message: str):
        self.problem, self.versions = problem, list(versions)
        super().__init__(message)


class MergeConflict(MigrationConflict):
    """Two branches of migrations touch the same objects, so their order matters and
    dbwork will not pick one. ``first`` and ``second``: "VERSION_NAME" of a migration
    on each side; ``shared``: the objects both touch ("column users.email"). Nothing
    was applied. Resolve with ``wb.merge(order=[...])`` / ``%merge --order``."""

    def __init__(self, first: str, second: str, shared: list[str], heads: list[str]):
        self.first, self.second, self.shared, self.heads = first, second, list(shared), list(heads)
        super().__init__(
            f"branches conflict: {first} and {second} both touch {', '.join(self.shared)}; "
            f"nothing was applied. Choose the order: wb.merge(order=[{heads[0]!r}, "
            f"{heads[1]!r}]) (or %merge --order / dbwork merge --order), then upgrade()")


class OutOfOrder(MigrationConflict):
    """Migration files not applied yet that would run before migrations already applied
    (a branch made before the applied head, or an older version added late). Nothing
    ran; ``upgrade(allow_out_of_order=True)`` / ``--allow-out-of-order`` applies them.
    ``versions``: the files' versions; ``reasons``: why each is late."""

    def __init__(self, late: list[tuple[str, str, str]]):
        self.versions = [v for v, _, _ in late]
        self.reasons = [why for _, _, why in late]
        lines = "\n".join(f"  - {path}: {why}" for _, path, why in late)
        super().__init__(f"upgrade refused: {len(late)} file(s) out of order (nothing ran):"
                         f"\n{lines}\nupgrade(allow_out_of_order=True) "
                         "(--allow-out-of-order) applies them anyway")


class ProtectedEnvironment(DbworkError):
    """A protected environment (``protected = true`` in dbwork.toml) refused a change:
    it needs an explicit confirmation and a passed rehearsal of the same files."""

