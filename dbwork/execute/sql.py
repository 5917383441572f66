"""The SQL backend: a SQLAlchemy engine, a locked session, and the history table.

No I/O happens in the constructor; the engine is made on first use.
"""
from __future__ import annotations

import json
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from ..dialects import get_dialect
from ..errors import ConfigError, ConnectionFailed, LockTimeout
from ..introspect.sql import introspect
from ..passes import is_concurrent_statement
from ..url import DatabaseURL, mask_url
from . import locks
from .backend import Event, HistoryRow
from .integrity import seal, upgrade_legacy_rows

HISTORY_TABLE = "dbwork_migrations"
EVENTS_TABLE = "dbwork_migration_events"
_HISTORY_COLUMNS = ("version", "name", "status", "checksum", "applied_at", "duration_ms",
                    "up_script", "down_script", "parent", "dialect", "steps_done", "error",
                    "source_checksum", "extra", "row_checksum")
_EVENT_COLUMNS = ("seq", "version", "name", "event", "status", "at", "duration_ms",
                  "steps_done", "reason", "checksum", "prev_hash", "hash")


def history_ddl(dialect_name: str) -> str:
    text = "LONGTEXT" if dialect_name == "mysql" else "TEXT"
    return (
        f"CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} ("
        "version VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL, "
        "status VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, "
        "applied_at VARCHAR(32), duration_ms INTEGER, "
        f"up_script {text}, down_script {text}, parent VARCHAR(32), dialect VARCHAR(16), "
        f"steps_done INTEGER NOT NULL DEFAULT 0, error {text}, "
        f"source_checksum VARCHAR(64), extra {text}, row_checksum VARCHAR(64))"
    )


def events_ddl(dialect_name: str) -> str:
    """The event log: one row per apply, rollback or failure, never rewritten."""
    text = "LONGTEXT" if dialect_name == "mysql" else "TEXT"
    return (
        f"CREATE TABLE IF NOT EXISTS {EVENTS_TABLE} ("
        "seq INTEGER NOT NULL PRIMARY KEY, version VARCHAR(32) NOT NULL, "
        "name VARCHAR(128) NOT NULL, event VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, "
        "at VARCHAR(32) NOT NULL, duration_ms INTEGER, steps_done INTEGER NOT NULL DEFAULT 0, "
        f"reason {text}, checksum VARCHAR(64), prev_hash VARCHAR(64), hash VARCHAR(64) NOT NULL)"
    )


class SqlBackend:
    """One SQL database. ``SqlBackend(DatabaseURL.parse(url))``."""

    def __init__(self, url: DatabaseURL):
        self.url = url
        self.dialect = get_dialect(url.dialect)
        self.display_url = url.masked()
        self._engine: sa.Engine | None = None

    # -- connection ------------------------------------------------------------------
    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = _make_engine(self.url)
        return self._engine

    @contextmanager
    def connect(self):
        try:
            conn = self.engine.connect()
        except sa.exc.DBAPIError as e:
            raise ConnectionFailed(self.display_url, _reason(e)) from None
        except ModuleNotFoundError as e:
            raise ConfigError(f"the driver for {self.dialect.name} is not installed ({e.name}): "
                              f"pip install 'dbwork[{self.dialect.name}]'") from None
        try:
            yield conn
        finally:
            conn.close()

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
    def session(self, lock_timeout: float = 30.0):
        with self.connect() as conn, locks.file_lock(self.url, lock_timeout):
            s = SqlSession(conn, self.dialect)
            with locks.hold(conn, self.dialect, lock_timeout):
                s.begin()
                s.ensure_history()
                try:
                    yield s
                except BaseException:
                    s.rollback()
                    raise
                else:
                    s.commit()


class SqlSession:
    """Statements, queries and history on one connection, under the migration lock."""

    def __init__(self, conn: sa.Connection, dialect):
        self.conn = conn
        self.dialect = dialect
        self.transactional = dialect.transactional_ddl

    def begin(self) -> None:
        if self.dialect.name == "sqlite":
            if self.conn.in_transaction():
                self.conn.rollback()
            self.conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
            try:
                self.conn.exec_driver_sql("SELECT 1")  # autobegins: takes the write lock
            except sa.exc.OperationalError as e:
                raise LockTimeout(f"another migrator holds the SQLite database lock ({_reason(e)})") from None

    def ensure_history(self) -> None:
        """Create the history and event tables, or bring an older history table
        forward in place (the row_checksum column; rows re-sealed). Idempotent."""
        self.execute(history_ddl(self.dialect.name))
        self.execute(events_ddl(self.dialect.name))
        if "row_checksum" not in _columns(self.conn):
            self.execute(f"ALTER TABLE {HISTORY_TABLE} ADD COLUMN row_checksum VARCHAR(64)")
        if not self.transactional:
            self.commit()
        if upgrade_legacy_rows(self):
            self.commit()

    def execute(self, statement: str) -> None:
        if self.dialect.concurrent_index and is_concurrent_statement(statement) and \
                not self.conn.connection.dbapi_connection.autocommit:
            # read back from a script, a step forgets it must run outside the transaction
            return self.execute_outside_transaction(statement)
        cur = self.conn.connection.dbapi_connection.cursor()
        try:
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
                cur.execute(statement)
            finally:
                cur.close()
        finally:
            raw.autocommit = False

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
                      row_checksum=row.row_checksum)
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
        if self.dialect.name == "sqlite":  # keep the write lock until the session ends
            self.begin()

    def rollback(self) -> None:
        self.conn.rollback()
        if self.dialect.name == "sqlite":
            self.begin()


def _has_history(conn, dialect, table: str = HISTORY_TABLE) -> bool:
    """Is there a history table where unqualified names resolve (PostgreSQL's
    search_path, set by ?schema=; the inspector looks only in the server's default)?"""
    if dialect.name == "postgresql":
        return conn.exec_driver_sql(f"SELECT to_regclass('{table}')").scalar() is not None
    return sa.inspect(conn).has_table(table)


def _read_events(conn, last: bool = False) -> list[Event]:
    cols = ", ".join(_EVENT_COLUMNS)
    order = "seq DESC LIMIT 1" if last else "seq"
    rows = conn.execute(sa.text(f"SELECT {cols} FROM {EVENTS_TABLE} ORDER BY {order}")).all()
    return [Event(**dict(zip(_EVENT_COLUMNS, r))) for r in rows]


def _read_history(conn) -> list[HistoryRow]:
    names = _HISTORY_COLUMNS
    if not _has_column(conn, "row_checksum"):  # an older table, read before it is brought forward
        names = _HISTORY_COLUMNS[:-1]
    cols = ", ".join(names)
    rows = conn.execute(sa.text(f"SELECT {cols} FROM {HISTORY_TABLE} ORDER BY version")).all()
    out = []
    for r in rows:
        d = dict(zip(names, r))
        out.append(HistoryRow(
            version=d["version"], name=d["name"], status=d["status"], checksum=d["checksum"],
            applied_at=d["applied_at"], duration_ms=d["duration_ms"], up=d["up_script"] or "",
            down=d["down_script"] or "", parent=d["parent"], dialect=d["dialect"] or "",
            steps_done=d["steps_done"] or 0, error=d["error"],
            source_checksum=d["source_checksum"] or "",
            extra=json.loads(d["extra"]) if d["extra"] else {},
            row_checksum=d.get("row_checksum") or ""))
    return out


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


def _make_engine(url: DatabaseURL) -> sa.Engine:
    if url.dialect == "sqlite":
        engine = sa.create_engine(url.sqlalchemy_url(), poolclass=NullPool)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kw = {}
    if url.dialect == "postgresql":
        kw["connect_args"] = {"connect_timeout": 5}
    elif url.dialect == "mysql":
        kw["connect_args"] = {"connect_timeout": 5}
    namespace, url = schema_option(url)
    engine = sa.create_engine(url.sqlalchemy_url(), poolclass=NullPool, **kw)
    if namespace:
        event.listen(engine, "connect", _search_path(namespace))
    return engine


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
    if url.dialect != "postgresql":
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


def _sqlite_connect(dbapi_conn, record):
    # take transaction control away from the sqlite3 module, so DDL is transactional
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA busy_timeout = 5000")


def _sqlite_begin(conn):
    conn.exec_driver_sql(conn.info.get("sqlite_begin", "BEGIN"))


def _reason(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
    return mask_url(text)
