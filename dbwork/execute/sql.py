"""The SQL backend: a SQLAlchemy engine, a locked session, and the history table.

No I/O happens in the constructor; the engine is made on first use.
"""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from ..dialects import get_dialect
from ..hooks import overridable
from ..errors import ConfigError, ConnectionFailed, DbworkError, HistoryCorrupt
from ..introspect.sql import introspect
from ..plan.concurrency import is_concurrent_statement
from ..url import DatabaseURL, check_query_options, mask_url, scrub
from . import faults, locks
from .backend import Event, HistoryRow, Timeouts
from .integrity import seal, upgrade_legacy_rows

HISTORY_TABLE = "dbwork_migrations"
EVENTS_TABLE = "dbwork_migration_events"
_HISTORY_COLUMNS = ("version", "name", "status", "checksum", "applied_at", "duration_ms",
                    "up_script", "down_script", "parent", "dialect", "steps_done", "error",
                    "source_checksum", "extra", "row_checksum", "group_id")
_LATER_COLUMNS = ("row_checksum", "group_id")   # ALTER TABLE ... ADD COLUMN by ensure_history
_EVENT_COLUMNS = ("seq", "version", "name", "event", "status", "at", "duration_ms",
                  "steps_done", "reason", "checksum", "prev_hash", "hash")


def history_ddl(dialect_name: str) -> str:
    text = get_dialect(dialect_name).long_text
    return (
        f"CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} ("
        "version VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL, "
        "status VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, "
        "applied_at VARCHAR(32), duration_ms INTEGER, "
        f"up_script {text}, down_script {text}, parent VARCHAR(32), dialect VARCHAR(16), "
        f"steps_done INTEGER NOT NULL DEFAULT 0, error {text}, "
        f"source_checksum VARCHAR(64), extra {text}, row_checksum VARCHAR(64), "
        "group_id VARCHAR(64))"
    )


def events_ddl(dialect_name: str) -> str:
    """The event log: one row per apply, rollback or failure, never rewritten."""
    text = get_dialect(dialect_name).long_text
    return (
        f"CREATE TABLE IF NOT EXISTS {EVENTS_TABLE} ("
        "seq INTEGER NOT NULL PRIMARY KEY, version VARCHAR(32) NOT NULL, "
        "name VARCHAR(128) NOT NULL, event VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, "
        "at VARCHAR(32) NOT NULL, duration_ms INTEGER, steps_done INTEGER NOT NULL DEFAULT 0, "
        f"reason {text}, checksum VARCHAR(64), prev_hash VARCHAR(64), hash VARCHAR(64) NOT NULL)"
    )


class SqlBackend:
    """One SQL database. ``SqlBackend(DatabaseURL.parse(url))``."""

    def __init__(self, url: DatabaseURL, timeouts: Timeouts | None = None):
        self.url = url
        self.dialect = get_dialect(url.dialect)
        self.display_url = url.masked()
        self.timeouts = (timeouts or Timeouts()).checked()
        self._engine: sa.Engine | None = None

    # -- connection ------------------------------------------------------------------
    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = _make_engine(self.url, self.timeouts)
        return self._engine

    @contextmanager
    def connect(self):
        """A connection; a lost connection or an expired lock or time limit inside the
        block comes out as a dbwork error (never the driver's)."""
        try:
            conn = self.engine.connect()
        except sa.exc.DBAPIError as e:
            raise ConnectionFailed(self.display_url, self._why(e)) from None
        except ModuleNotFoundError as e:
            raise ConfigError(f"the driver for {self.dialect.name} is not installed ({e.name}): "
                              f"pip install 'dbwork[{self.dialect.name}]'") from None
        except OSError as e:  # socket-level, before the driver wraps it
            raise ConnectionFailed(self.display_url, scrub(str(e), self.url.password)) from None
        try:
            yield conn
        except (sa.exc.DBAPIError, OSError) as e:
            typed = self.translate(e, conn)
            if typed is None:
                raise
            raise typed from None
        finally:
            _quietly(conn.close)

    def _why(self, e: Exception) -> str:
        orig = getattr(e, "orig", None) or e
        reason = scrub(faults.first_line(orig), self.url.password)
        if getattr(orig, "args", None) and orig.args[0] == 2013:  # PyMySQL, at the greeting
            return (f"the server accepted the connection but sent no greeting within "
                    f"{self.timeouts.connect:g} s (connect_timeout)")
        return f"{reason} (connect_timeout {self.timeouts.connect:g} s)" if \
            "timeout" in reason.lower() or "timed out" in reason.lower() else reason

    def translate(self, e: BaseException, conn=None, during: str = "",
                  raw_id: int | None = None) -> DbworkError | None:
        """The dbwork error for a driver error on ``conn`` (see faults)."""
        if raw_id is None and conn is not None:
            raw_id = _raw_id(conn)
        kind = faults.classify(getattr(e, "orig", None) or e)
        holder = ""
        if kind == "lock" and conn is not None:
            _quietly(conn.rollback)
            holder = faults.lock_holders(conn, self.dialect.name)
        typed = faults.translate_driver_error(
            e, self.display_url, lock_timeout=self._lock_wait(conn),
            statement_timeout=self.timeouts.statement, during=during,
            password=self.url.password, holder=holder)
        silent = raw_id is not None and _SILENT.pop(raw_id, None)
        if isinstance(typed, ConnectionFailed) and silent:
            typed = ConnectionFailed(self.display_url, f"the server sent no answer for "
                                     f"{silent:g} s ({typed.reason})", typed.during or
                                     "while waiting for an answer")
        return typed

    def _lock_wait(self, conn) -> float:
        return (_info(conn).get("dbwork_lock_timeout") if conn is not None else None) or \
            self.timeouts.lock

    def end_lost_session(self, backend_id) -> bool:
        """From a fresh connection, end the server side of a connection this process
        gave up on (its statement, its transaction and its locks go with it)."""
        end = end_session_sql(self.dialect, backend_id) if backend_id is not None else None
        if end is None:
            return False
        try:
            with self.connect() as conn:
                conn.exec_driver_sql(end)
                conn.commit()
            return True
        except Exception:  # gone already, or the server is out of reach too
            return False

    def write_history_elsewhere(self, row: HistoryRow) -> bool:
        """Record ``row`` on a fresh connection (the session's own is gone)."""
        try:
            with self.connect() as conn:
                s = SqlSession(conn, self.dialect)
                s.write_history(row)
                conn.commit()
            return True
        except Exception:
            return False

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- reads -----------------------------------------------------------------------
    def introspect(self):
        with self.connect() as conn:
            schema = introspect(conn, self.dialect)
            conn.rollback()
            return schema

    def count_rows(self, table: str) -> int:
        with self.connect() as conn:
            return _count(conn, table, self.dialect)

    def history(self) -> list[HistoryRow]:
        with self.connect() as conn:
            if not _has_history(conn, self.dialect):
                return []
            rows = _read_history(conn)
            conn.rollback()
            return rows

    def events(self) -> list[Event]:
        with self.connect() as conn:
            if not _has_history(conn, self.dialect, EVENTS_TABLE):
                return []
            out = _read_events(conn)
            conn.rollback()
            return out

    # -- the locked session ----------------------------------------------------------
    @contextmanager
    def session(self, lock_timeout: float | None = None):
        lock_timeout = self.timeouts.lock if lock_timeout is None else lock_timeout
        with self.connect() as conn, locks.file_lock(self.url, lock_timeout):
            s = SqlSession(conn, self.dialect, self)
            with locks.hold(conn, self.dialect, lock_timeout, self.timeouts):
                s.backend_id = _backend_id(conn, self.dialect)
                s.begin()
                s.ensure_history()
                try:
                    yield s
                except BaseException:
                    _quietly(s.rollback)  # on a lost connection: keep the real error
                    raise
                else:
                    s.commit()


class SqlSession:
    """Statements, queries and history on one connection, under the migration lock."""

    def __init__(self, conn: sa.Connection, dialect, backend: "SqlBackend | None" = None):
        self.conn = conn
        self.dialect = dialect
        self.transactional = dialect.transactional_ddl
        self.backend = backend
        self.backend_id = None   # the server's id for this connection (pid, CONNECTION_ID)
        self.raw_id = _raw_id(conn)

    def translate(self, e: BaseException, during: str = "") -> DbworkError | None:
        """A lock, time-limit or lost-connection error as a dbwork error, or None."""
        if self.backend is None:
            return None
        return self.backend.translate(e, self.conn, during, self.raw_id)

    def connection_lost(self, e: BaseException) -> bool:
        return faults.classify(getattr(e, "orig", None) or e) == "gone"

    def recover_history(self, row: HistoryRow) -> bool:
        """The connection is gone: end its server side (so a statement still running
        there cannot finish later, and its locks go) and record ``row`` afresh."""
        if self.backend is None:
            return False
        self.backend.end_lost_session(self.backend_id)
        return self.backend.write_history_elsewhere(row)

    def begin(self) -> None:
        begin_session(self.dialect, self.conn)

    def ensure_history(self) -> None:
        """Create the history and event tables, or bring an older history table
        forward in place (the row_checksum column; rows re-sealed). Idempotent."""
        self.execute(history_ddl(self.dialect.name))
        self.execute(events_ddl(self.dialect.name))
        present = _columns(self.conn)
        for column in _LATER_COLUMNS:  # added after the first release
            if column not in present:
                self.execute(f"ALTER TABLE {HISTORY_TABLE} ADD COLUMN {column} VARCHAR(64)")
        if not self.transactional:
            self.commit()
        if upgrade_legacy_rows(self):
            self.commit()

    def execute(self, statement: str) -> None:
        if self.dialect.concurrent_index and is_concurrent_statement(statement) and \
                not self.conn.connection.dbapi_connection.autocommit:
            # read back from a script, a step forgets it must run outside the transaction
            return self.execute_outside_transaction(statement)
        raw = self.conn.connection.dbapi_connection
        cur = raw.cursor()
        try:
            with _deadline(self.conn, raw):
                cur.execute(statement)
        except Exception:
            if self.dialect.transactional_ddl and not self.transactional:
                self._abort()  # step by step: undo the failed step, keep the ones before
            raise
        finally:
            cur.close()

    def _abort(self) -> None:
        """Roll back the open transaction at both levels (statements run on a raw
        cursor, which SQLAlchemy's rollback does not see)."""
        self.conn.rollback()
        raw = self.conn.connection.dbapi_connection
        if not getattr(raw, "autocommit", False):
            raw.rollback()

    def execute_outside_transaction(self, statement: str) -> None:
        """For statements a transaction refuses (CREATE INDEX CONCURRENTLY)."""
        self.commit()
        raw = self.conn.connection.dbapi_connection
        raw.commit()  # statements ran on a raw cursor: end the driver-level transaction too
        raw.autocommit = True
        try:
            cur = raw.cursor()
            try:
                with _deadline(self.conn, raw):
                    cur.execute(statement)
            finally:
                cur.close()
        finally:
            _quietly(setattr, raw, "autocommit", False)

    def query(self, statement: str, params: dict | None = None) -> list[tuple]:
        return [tuple(r) for r in self.conn.execute(sa.text(statement), params or {})]

    def introspect(self, only: set[str] | None = None):
        return introspect(self.conn, self.dialect, only=only)

    def count_rows(self, table: str) -> int:
        return _count(self.conn, table, self.dialect)

    def history(self) -> list[HistoryRow]:
        return _read_history(self.conn)

    def write_history(self, row: HistoryRow) -> None:
        seal(row)
        values = dict(version=row.version, name=row.name, status=row.status,
                      checksum=row.checksum, applied_at=row.applied_at,
                      duration_ms=row.duration_ms, up_script=row.up, down_script=row.down,
                      parent=row.parent, dialect=row.dialect, steps_done=row.steps_done,
                      error=row.error, source_checksum=row.source_checksum,
                      extra=json.dumps(row.extra, sort_keys=True, default=str),
                      row_checksum=row.row_checksum, group_id=row.group_id)
        self.conn.execute(sa.text(f"DELETE FROM {HISTORY_TABLE} WHERE version = :v"),
                          {"v": row.version})
        cols = ", ".join(_HISTORY_COLUMNS)
        binds = ", ".join(f":{c}" for c in _HISTORY_COLUMNS)
        self.conn.execute(sa.text(f"INSERT INTO {HISTORY_TABLE} ({cols}) VALUES ({binds})"),
                          values)
        if not self.transactional:
            self.commit()

    def events(self) -> list[Event]:
        return _read_events(self.conn)

    def last_event(self) -> Event | None:
        rows = _read_events(self.conn, last=True)
        return rows[-1] if rows else None

    def write_event(self, event: Event) -> None:
        cols = ", ".join(_EVENT_COLUMNS)
        binds = ", ".join(f":{c}" for c in _EVENT_COLUMNS)
        self.conn.execute(sa.text(f"INSERT INTO {EVENTS_TABLE} ({cols}) VALUES ({binds})"),
                          {c: getattr(event, c) for c in _EVENT_COLUMNS})
        if not self.transactional:
            self.commit()

    def commit(self) -> None:
        self.conn.commit()
        self.begin()   # a begin that takes a lock (SQLite's) keeps it until the session ends

    def rollback(self) -> None:
        self.conn.rollback()
        self.begin()


@overridable
def begin_session(dialect, conn) -> None:
    """Start the locked session's transaction where the engine needs it started by
    hand (SQLite's BEGIN IMMEDIATE takes the write lock); by default nothing."""


@overridable
def session_id_sql(dialect) -> str | None:
    """The query of the server's id for this connection (so a lost session can be
    ended from another one); None where there is none."""
    return None


@overridable
def end_session_sql(dialect, backend_id) -> str | None:
    """The statement that ends the server side of connection ``backend_id``; None
    where there is none."""
    return None


def _has_history(conn, dialect, table: str = HISTORY_TABLE) -> bool:
    """Is there a history table where unqualified names resolve (PostgreSQL's
    search_path, set by ?schema=; the inspector looks only in the server's default)?"""
    return has_table_here(dialect, conn, table)


@overridable
def has_table_here(dialect, conn, table: str) -> bool:
    """Is ``table`` where unqualified names resolve? By default the inspector's answer."""
    return sa.inspect(conn).has_table(table)


def _read_events(conn, last: bool = False) -> list[Event]:
    cols = ", ".join(_EVENT_COLUMNS)
    order = "seq DESC LIMIT 1" if last else "seq"
    rows = conn.execute(sa.text(f"SELECT {cols} FROM {EVENTS_TABLE} ORDER BY {order}")).all()
    return [Event(**dict(zip(_EVENT_COLUMNS, r))) for r in rows]


def _read_history(conn) -> list[HistoryRow]:
    present = _columns(conn)  # an older table lacks the later columns until brought forward
    names = tuple(c for c in _HISTORY_COLUMNS if c in present or c not in _LATER_COLUMNS)
    cols = ", ".join(names)
    rows = conn.execute(sa.text(f"SELECT {cols} FROM {HISTORY_TABLE} ORDER BY version")).all()
    return [_history_row(dict(zip(names, r))) for r in rows]


def _history_row(d: dict) -> HistoryRow:
    """One stored row, checked: a damaged field is a HistoryCorrupt naming it."""
    version = str(d["version"])
    extra = _extra(version, d["extra"])
    for name in ("duration_ms", "steps_done"):
        if d[name] is not None and not isinstance(d[name], int):
            raise HistoryCorrupt(version, name, f"{str(d[name])[:40]!r} is not a whole number")
    return HistoryRow(
        version=version, name=d["name"], status=d["status"], checksum=d["checksum"],
        applied_at=d["applied_at"], duration_ms=d["duration_ms"], up=d["up_script"] or "",
        down=d["down_script"] or "", parent=d["parent"], dialect=d["dialect"] or "",
        steps_done=d["steps_done"] or 0, error=d["error"],
        source_checksum=d["source_checksum"] or "", extra=extra,
        row_checksum=d.get("row_checksum") or "", group_id=d.get("group_id"))


def _extra(version: str, text) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (ValueError, TypeError, RecursionError) as e:
        raise HistoryCorrupt(version, "extra", f"not JSON: {type(e).__name__}") from None
    if not isinstance(value, dict):
        raise HistoryCorrupt(version, "extra", f"JSON {type(value).__name__}, not an object")
    return value


def _has_column(conn, column: str) -> bool:
    return column in _columns(conn)


def _columns(conn) -> set[str]:
    """The history table's columns, where unqualified names resolve."""
    result = conn.exec_driver_sql(f"SELECT * FROM {HISTORY_TABLE} WHERE 1 = 0")
    try:
        return {k.lower() for k in result.keys()}
    finally:
        result.close()


def _count(conn, table: str, dialect) -> int:
    from ..render.data import quote
    return int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {quote(table, dialect)}").scalar())


def _make_engine(url: DatabaseURL, timeouts: Timeouts | None = None) -> sa.Engine:
    """The engine, with every wait bounded (see Timeouts). Options are checked, and the
    password's encoding, before anything touches the network."""
    timeouts = timeouts or Timeouts()
    check_query_options(url)
    url = _without_dbwork_options(url)
    return make_engine(url.dialect, url, timeouts)


@overridable
def make_engine(dialect, url: DatabaseURL, timeouts: Timeouts) -> sa.Engine:
    """A server's engine: connection arguments, session limits on every connection,
    the ``?schema=`` namespace, and what else the backend listens for."""
    namespace, url = schema_option(url)
    args = connect_args(dialect, url, timeouts)
    engine = sa.create_engine(url.sqlalchemy_url(), poolclass=NullPool, connect_args=args)
    event.listen(engine, "connect", _session_limits(url.dialect, timeouts))
    if namespace:
        event.listen(engine, "connect", _search_path(namespace))
    listen_for_deadline(dialect, engine, timeouts)
    return engine


@overridable
def listen_for_deadline(dialect, engine: sa.Engine, timeouts: Timeouts) -> None:
    """Bound a silent server where the driver has no read timeout of its own
    (PostgreSQL's: a timer cuts the connection); by default nothing."""


def _without_dbwork_options(url: DatabaseURL) -> DatabaseURL:
    from dataclasses import replace
    from urllib.parse import parse_qsl, urlencode
    pairs = parse_qsl(url.query or "", keep_blank_values=True)
    keep = [(k, v) for k, v in pairs if k not in ("connect_timeout", "lock_timeout",
                                                   "statement_timeout")]
    return replace(url, query=urlencode(keep)) if len(keep) != len(pairs) else url


@overridable
def connect_args(dialect, url: DatabaseURL, t: Timeouts) -> dict:
    """The driver's connection arguments (time limits, checks of the credentials'
    encoding); by default none."""
    return {}


def _check_latin1(url: DatabaseURL, part: str, value: str | None) -> None:
    try:
        (value or "").encode("latin-1")
    except UnicodeEncodeError:
        raise ConfigError(f"the {part} of {url.masked()} has characters outside latin-1, "
                          "which the MySQL driver (PyMySQL) cannot send; use a "
                          f"{part} of latin-1 characters") from None


def _session_limits(dialect_name: str, t: Timeouts):
    """Every new connection gets the lock and statement limits (a session can lower or
    raise the lock wait: locks.hold)."""
    def connect(dbapi_conn, record):
        record.info["dbwork_lock_timeout"] = t.lock
        record.info["dbwork_deadline"] = t.client_deadline()
        cur = dbapi_conn.cursor()
        try:
            apply_limits(dialect_name, dbapi_conn, cur,
                         locks.limit_statements(dialect_name, t.lock, t.statement), t)
        finally:
            cur.close()
    return connect


@overridable
def apply_limits(dialect, dbapi_conn, cur, statements: list[str], t: Timeouts) -> None:
    """Run the session-limit ``statements`` on a new connection; by default a variable
    this server does not have is passed over (MySQL/MariaDB differ by version)."""
    for sql in statements:
        try:
            cur.execute(sql)
        except Exception:  # a variable this server does not have (MySQL/MariaDB)
            pass


def _info(conn) -> dict:
    try:
        return conn.connection.info if hasattr(conn, "connection") else conn.info
    except Exception:
        return {}


def _arm(conn, cursor, statement, parameters, context, executemany):
    _start_deadline(conn, conn.connection.dbapi_connection)


def _disarm(conn, *args):
    timer = _info(conn).pop("dbwork_timer", None) if conn is not None else None
    if timer is not None:
        timer.cancel()


def _start_deadline(conn, raw) -> None:
    info = _info(conn)
    seconds = info.get("dbwork_deadline")
    if not seconds or not hasattr(raw, "pgconn"):
        return
    _SILENT.pop(id(raw), None)
    timer = threading.Timer(seconds, _cut, (raw, seconds))
    timer.daemon = True
    info["dbwork_timer"] = timer
    timer.start()


_SILENT: dict[int, float] = {}   # id(driver connection) -> the deadline that cut it


def _raw_id(conn) -> int | None:
    try:
        return id(conn.connection.dbapi_connection)
    except Exception:
        return None


def _cut(raw, seconds: float) -> None:
    """No answer in time: shut the socket, so the blocked read returns an error."""
    import os
    import socket
    _SILENT[id(raw)] = seconds
    try:
        sock = socket.socket(fileno=os.dup(raw.pgconn.socket))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.close()
    except Exception:  # already closed
        pass


@contextmanager
def _deadline(conn, raw):
    """PostgreSQL's driver has no read timeout: a timer cuts a silent connection.
    (PyMySQL's read_timeout does it for MySQL/MariaDB.)"""
    _start_deadline(conn, raw)
    try:
        yield
    finally:
        _disarm(conn)


def _backend_id(conn, dialect):
    sql = session_id_sql(dialect)
    if sql is None:
        return None
    value = conn.exec_driver_sql(sql).scalar()
    conn.commit()
    return value


def _quietly(fn, *args) -> None:
    try:
        fn(*args)
    except Exception:  # the connection is gone: the caller reports the first error
        pass


def schema_option(url: DatabaseURL) -> tuple[str | None, DatabaseURL]:
    """``?schema=app`` on a PostgreSQL URL: the schema (namespace) dbwork works in, and
    the URL without the option (the driver does not know it).

    >>> schema_option(DatabaseURL.parse("postgresql://h/db?schema=app&sslmode=disable"))[0]
    'app'
    """
    from dataclasses import replace
    from urllib.parse import parse_qsl, urlencode
    pairs = parse_qsl(url.query or "", keep_blank_values=True)
    names = [v for k, v in pairs if k == "schema"]
    if not names:
        return None, url
    if not get_dialect(url.dialect).schema_option:
        raise ConfigError(f"?schema= is a PostgreSQL option; for {url.dialect} name the "
                          "database in the URL instead")
    name = names[-1]
    if not name or len(name) > 63 or not all(ch.isalnum() or ch in "_$" for ch in name):
        raise ConfigError(f"schema name {name!r} is not a plain identifier")
    rest = urlencode([(k, v) for k, v in pairs if k != "schema"])
    return name, replace(url, query=rest)


def _search_path(namespace: str):
    """Every connection works in ``namespace`` first (public stays reachable for
    extensions' functions); an absent schema is a clear error, not a silent miss."""
    def connect(dbapi_conn, record):
        cur = dbapi_conn.cursor()
        try:
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (namespace,))
            if cur.fetchone() is None:
                dbapi_conn.rollback()
                raise ConfigError(f"schema {namespace} does not exist in this database: "
                                  f"create it first (CREATE SCHEMA {namespace})")
            cur.execute(f'SET search_path TO "{namespace}", public')
            dbapi_conn.commit()
        finally:
            cur.close()
    return connect


def _reason(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
    return mask_url(text)
