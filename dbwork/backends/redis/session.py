"""The Redis backend: a session under a lock key, history and events in the target
database itself, and an executor for the command lines the render layer writes.

- History: the hash ``_dbwork_migrations`` (version -> the row as JSON), rewritten after
  every step (each step is final when it runs).
- Events: the list ``_dbwork_migration_events`` (RPUSH; never rewritten).
- Lock: ``SET _dbwork_lock <token> NX PX <lease>``. The holder renews the lease from a
  daemon thread and before every batch, and releases it with a compare-and-delete
  script, so only the holder can free it; a crashed holder's lock expires by itself.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, fields
from typing import Any

from ...errors import ConfigError, ConnectionFailed, LockTimeout
from ...execute.backend import Event, HistoryRow
from ...execute.integrity import seal, upgrade_legacy_rows
from ...url import DatabaseURL, mask_url

HISTORY = "_dbwork_migrations"
EVENTS = "_dbwork_migration_events"
LOCK = "_dbwork_lock"
_ROW_FIELDS = {f.name for f in fields(HistoryRow)}
_EVENT_FIELDS = {f.name for f in fields(Event)}
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
          "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end")
_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('del', KEYS[1]) else return 0 end")


def database_number(url: DatabaseURL) -> int:
    """The database of ``redis://host:port/N`` (0 when the URL names none).

    >>> database_number(DatabaseURL.parse("redis://127.0.0.1:6379/3"))
    3
    >>> database_number(DatabaseURL.parse("redis://127.0.0.1:6379/cache"))
    Traceback (most recent call last):
    ...
    dbwork.errors.ConfigError: a Redis URL names a database by its number (redis://host:6379/0), not 'cache'
    """
    text = (url.database or "0").strip("/") or "0"
    if not text.isdigit():
        raise ConfigError("a Redis URL names a database by its number "
                          f"(redis://host:6379/0), not {text!r}")
    return int(text)


class RedisBackend:
    """A Redis target: one database number on one server. No I/O here; the clients are
    made on first use (redis-py is imported only then)."""

    def __init__(self, url: str | DatabaseURL, timeouts=None, lock_lease: float = 60.0,
                 batch: int = 500):
        self.url = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
        from .dialect import DIALECT
        self.dialect = DIALECT
        self.display_url = self.url.masked()
        self.db = database_number(self.url)
        self.timeouts = timeouts
        self.lock_lease = lock_lease
        self.batch = batch
        self._clients: dict[int, Any] = {}

    def __repr__(self) -> str:
        return f"<RedisBackend {self.display_url}>"

    def client(self, db: int | None = None):
        """A redis-py client for database ``db`` (this target's by default)."""
        db = self.db if db is None else db
        if db not in self._clients:
            import redis
            connect = getattr(self.timeouts, "connect", 10.0)
            deadline = self.timeouts.client_deadline() if self.timeouts else None
            self._clients[db] = redis.Redis(
                host=self.url.host or "127.0.0.1", port=self.url.port or 6379, db=db,
                username=self.url.username, password=self.url.password,
                ssl=self.url.scheme == "rediss", socket_connect_timeout=connect,
                socket_timeout=deadline)
        return self._clients[db]

    def ping(self) -> None:
        try:
            self.client().ping()
        except Exception as e:  # redis-py's ConnectionError, AuthenticationError, ...
            raise ConnectionFailed(self.display_url, mask_url(str(e).splitlines()[0])) from None

    def introspect(self, only=None):
        from .introspect import introspect
        self.ping()
        return introspect(self.client(), self.db, self.batch)

    def count_rows(self, table: str) -> int:
        return count_keys(self.client(), table, self.batch)

    def history(self) -> list[HistoryRow]:
        self.ping()
        return read_history(self.client())

    def events(self) -> list[Event]:
        self.ping()
        return read_events(self.client())

    @contextmanager
    def session(self, lock_timeout: float = 30.0):
        self.ping()
        lock = KeyLock(self.client(), self.lock_lease)
        lock.acquire(lock_timeout, self.display_url)
        keeper = lock.keep_alive()
        try:
            session = RedisSession(self, lock)
            upgrade_legacy_rows(session)
            yield session
        finally:
            keeper.set()
            lock.release()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


class RedisSession:
    """One locked conversation. Every step is final when it runs
    (``transactional = False``): the runner records progress after each one."""

    transactional = False

    def __init__(self, backend: RedisBackend, lock: "KeyLock"):
        from .execute import Executor
        self.backend = backend
        self.lock = lock
        self.dialect = backend.dialect
        self.r = backend.client()
        self.executor = Executor(backend.client, backend.db, backend.batch,
                                 before_batch=lock.renew)

    def execute(self, statement: str) -> None:
        from .parse import parse_line
        self.lock.renew()
        self.executor.run(parse_line(statement))

    execute_outside_transaction = execute

    def query(self, statement: str) -> list[tuple]:
        """The keys a command acts on, as 1-tuples (read only)."""
        from .parse import parse_line
        return [(key,) for key in self.executor.select(parse_line(statement))]

    def history(self) -> list[HistoryRow]:
        return read_history(self.r)

    def write_history(self, row: HistoryRow) -> None:
        self.r.hset(HISTORY, row.version, json.dumps(asdict(seal(row)), default=str))

    def events(self) -> list[Event]:
        return read_events(self.r)

    def last_event(self) -> Event | None:
        raw = self.r.lindex(EVENTS, -1)
        return _event(raw) if raw else None

    def write_event(self, event: Event) -> None:
        self.r.rpush(EVENTS, json.dumps(asdict(event), default=str))

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def introspect(self, only=None):
        from .introspect import introspect
        return introspect(self.r, self.backend.db, self.backend.batch)

    def count_rows(self, table: str) -> int:
        return count_keys(self.r, table, self.backend.batch)


def count_keys(r, pattern: str, batch: int = 500) -> int:
    """Keys matching ``pattern`` (SCAN); for a backup, the keys it holds."""
    if pattern.startswith("_dbwork_bak_"):
        return int(r.hlen(pattern))
    from .keys import KeyGlob
    glob = KeyGlob(pattern)
    return len({k for k in r.scan_iter(match=pattern, count=batch) if glob.matches(k)})


# -- history --------------------------------------------------------------------------
def read_history(r) -> list[HistoryRow]:
    rows = []
    for raw in r.hvals(HISTORY):
        data = json.loads(raw)
        rows.append(HistoryRow(**{k: v for k, v in data.items() if k in _ROW_FIELDS}))
    return sorted(rows, key=lambda row: row.version)


def read_events(r) -> list[Event]:
    return sorted((_event(raw) for raw in r.lrange(EVENTS, 0, -1)), key=lambda e: e.seq)


def _event(raw) -> Event:
    data = json.loads(raw)
    return Event(**{k: v for k, v in data.items() if k in _EVENT_FIELDS})


# -- the lock -------------------------------------------------------------------------
class KeyLock:
    """The migration lock: a key holding the holder's token, with a lease (PX)."""

    def __init__(self, r, lease: float = 60.0, owner: str | None = None):
        self.r = r
        self.lease_ms = max(int(lease * 1000), 1000)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._last_renew = 0.0

    def acquire(self, timeout: float, where: str = "") -> None:
        deadline = time.monotonic() + max(timeout, 0)
        while not self.r.set(LOCK, self.owner, nx=True, px=self.lease_ms):
            if time.monotonic() >= deadline:
                holder = self.r.get(LOCK)
                left = self.r.pttl(LOCK)
                raise LockTimeout(
                    f"the migration lock {LOCK} on {where}", timeout,
                    f"another migrator ({holder.decode() if holder else '?'})",
                    f"another migrator holds the migration lock; it expires in "
                    f"{max(int(left), 0) / 1000:.0f}s if its holder died")
            time.sleep(0.1)
        self._last_renew = time.monotonic()

    def renew(self) -> None:
        """Extend the lease (at most once a second: called before every batch)."""
        if time.monotonic() - self._last_renew < 1.0:
            return
        self._last_renew = time.monotonic()
        if not self.r.eval(_RENEW, 1, LOCK, self.owner, self.lease_ms):
            raise LockTimeout(f"the migration lock {LOCK}", None, "",
                              "the lock expired and was taken over while this migrator "
                              "ran: stop, and check history before going on")

    def release(self) -> None:
        self.r.eval(_RELEASE, 1, LOCK, self.owner)

    def keep_alive(self) -> threading.Event:
        """Renew the lease from a daemon thread every third of it; the thread dies with
        the process, so a crashed holder's lease still runs out. Set the event to stop."""
        stop = threading.Event()

        def renew_until_stopped():
            while not stop.wait(self.lease_ms / 3000):
                try:
                    self.r.eval(_RENEW, 1, LOCK, self.owner, self.lease_ms)
                except Exception:  # the server went away: the lease will run out
                    return

        threading.Thread(target=renew_until_stopped, name="dbwork-redis-lock",
                         daemon=True).start()
        return stop
