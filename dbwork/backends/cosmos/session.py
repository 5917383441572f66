"""The Cosmos DB backend: sessions under a lock item, history and events in
containers, and an executor for the rendered command documents (JSON, never code).

- History: ``dbwork_migrations`` (partition key ``/id``, id = version), rewritten
  after every step (no transactions across containers on Cosmos DB).
- Events: ``dbwork_migration_events`` (id = the zero-padded sequence number).
- Lock: one item ``{id: "migrations", owner, expires}`` in ``dbwork_locks``, taken by
  a create (the id is unique) or, once expired, by a replace conditioned on the etag
  read (so two migrators cannot both take over); a crashed holder blocks the next one
  for at most one lease. The lease is renewed before every command.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import asdict, fields

from ...dialects import get_dialect
from ...errors import ConnectionFailed, LockTimeout, ParseError
from ...execute.backend import Event, HistoryRow
from ...execute.integrity import seal, upgrade_legacy_rows
from ...url import DatabaseURL, scrub
from . import items as item_ops
from .connection import account_of
from .introspect import introspect_database

HISTORY = "dbwork_migrations"
EVENTS = "dbwork_migration_events"
LOCKS = "dbwork_locks"
LOCK_ID = "migrations"
_ROW_FIELDS = {f.name for f in fields(HistoryRow)}
_EVENT_FIELDS = {f.name for f in fields(Event)}


class CosmosBackend:
    """A Cosmos DB database. The client is made on first use (no I/O here)."""

    def __init__(self, url, timeouts=None, lock_lease: float = 120.0, sample: int = 1000):
        self.url = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
        self.dialect = get_dialect("cosmos")
        self.display_url = self.url.masked()
        self.account = account_of(self.url)
        self.lock_lease = lock_lease
        self.sample = sample
        self.connect_timeout = getattr(timeouts, "connect", 10.0) if timeouts else 10.0
        self._client = None
        self._db = None

    def __repr__(self) -> str:
        return f"<CosmosBackend {self.display_url}>"

    @property
    def client(self):
        if self._client is None:
            from azure.cosmos import CosmosClient
            extra = {} if self.account.verify else {"transport": unverified_transport()}
            self._client = CosmosClient(self.account.endpoint, credential=self.account.key,
                                        connection_verify=self.account.verify,
                                        connection_timeout=self.connect_timeout,
                                        retry_total=2, **extra)
        return self._client

    @property
    def db(self):
        """The database client, the database created when it does not exist yet."""
        if self._db is None:
            try:
                self._db = self._database()
            except Exception as e:  # the SDK's transport or HTTP error
                raise ConnectionFailed(self.display_url,
                                       scrub(str(e).splitlines()[0], self.account.key)) from None
        return self._db

    def _database(self):
        from azure.cosmos.exceptions import CosmosResourceExistsError
        try:
            return self.client.create_database_if_not_exists(self.account.database)
        except CosmosResourceExistsError:   # another migrator made it a moment ago
            return self.client.get_database_client(self.account.database)

    def introspect(self, only=None):
        return introspect_database(self.db, self.sample, only)

    def count_rows(self, table: str) -> int:
        return item_ops.count(self.db.get_container_client(table))

    def history(self) -> list[HistoryRow]:
        return read_history(self.db)

    def events(self) -> list[Event]:
        return read_events(self.db)

    def consistency(self) -> str:
        """The account's default consistency level ("" when the server does not say)."""
        try:
            policy = self.client.get_database_account().ConsistencyPolicy or {}
            return str(policy.get("defaultConsistencyLevel", ""))
        except Exception:  # an emulator without the account route
            return ""

    @contextmanager
    def session(self, lock_timeout: float = 30.0):
        db = self.db
        ensure_system_containers(db)
        lock = ItemLock(db.get_container_client(LOCKS), self.lock_lease)
        lock.acquire(lock_timeout, self.display_url)
        keeper = lock.keep_alive()
        try:
            session = CosmosSession(self, db, lock)
            upgrade_legacy_rows(session)
            yield session
        finally:
            keeper.set()
            lock.release()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
            self._db = None


class CosmosSession:
    """One locked conversation. Every command is final when it runs
    (``transactional = False``): the runner records progress after each one."""

    transactional = False

    def __init__(self, backend: CosmosBackend, db, lock: "ItemLock"):
        self.backend = backend
        self.dialect = backend.dialect
        self.db = db
        self.lock = lock

    def execute(self, statement: str) -> None:
        for command in to_commands(statement, self):
            self.lock.renew()
            item_ops.run_command(self.db, command)

    execute_outside_transaction = execute

    def query(self, statement: str) -> list[tuple]:
        """``{"query": CONTAINER, "sql": "SELECT ..."}``: the results as 1-tuples."""
        command = json.loads(statement)
        container = self.db.get_container_client(command["query"])
        return [(r,) for r in container.query_items(command["sql"],
                                                   enable_cross_partition_query=True)]

    def history(self) -> list[HistoryRow]:
        return read_history(self.db)

    def write_history(self, row: HistoryRow) -> None:
        doc = {**asdict(seal(row)), "id": row.version}
        self.db.get_container_client(HISTORY).upsert_item(doc)

    def events(self) -> list[Event]:
        return read_events(self.db)

    def last_event(self) -> Event | None:
        events = read_events(self.db)
        return events[-1] if events else None

    def write_event(self, event: Event) -> None:
        doc = {**asdict(event), "id": f"{event.seq:012d}"}
        self.db.get_container_client(EVENTS).create_item(doc)

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def introspect(self, only=None):
        return introspect_database(self.db, self.backend.sample, only)

    def count_rows(self, table: str) -> int:
        return item_ops.count(self.db.get_container_client(table))


def to_commands(statement: str, session: CosmosSession | None = None) -> list[dict]:
    """A statement -> command documents: a rendered JSON command, or (an explicit
    down section) commands of the cell language, parsed against the live containers.

    >>> to_commands('{"deleteContainer": "orders"}')
    [{'deleteContainer': 'orders'}]
    """
    text = statement.strip().rstrip(";").strip()
    if not text:
        return []
    if text.startswith("{"):
        try:
            command = json.loads(text)
        except ValueError as e:
            raise ParseError(f"not a Cosmos command document: {e}") from None
        if not isinstance(command, dict) or not command:
            raise ParseError("a Cosmos command document must be a non-empty {...}")
        return [command]
    if session is None:
        raise ParseError(f"not a Cosmos command document: {text[:60]!r}")
    from .language import COSMOS
    from .render import render
    schema = session.introspect()
    out = []
    for op in COSMOS.parse(text, session.dialect, schema).ops:
        out += [json.loads(s) for s in render(op, schema)]
        schema = op.apply(schema)
    return out


def unverified_transport():
    """A transport for ``?verify=false`` (the local emulator's self-signed certificate):
    one TLS context made once, instead of the system's CA bundle loaded again for every
    new connection (the emulator closes each one), and no InsecureRequestWarning."""
    import ssl

    import requests
    import urllib3
    from azure.core.pipeline.transport import RequestsTransport
    from requests.adapters import HTTPAdapter

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)

    class _Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["ssl_context"] = context
            return super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("https://", _Adapter())
    return RequestsTransport(session=session, session_owner=True)


# -- history --------------------------------------------------------------------------
def ensure_system_containers(db) -> None:
    from azure.cosmos import PartitionKey
    from azure.cosmos.exceptions import CosmosResourceExistsError
    for name in (HISTORY, EVENTS, LOCKS):
        try:
            db.create_container_if_not_exists(name, PartitionKey("/id"))
        except CosmosResourceExistsError:   # another migrator made it a moment ago
            pass


def _system_items(db, name: str) -> list[dict]:
    from azure.cosmos.exceptions import CosmosResourceNotFoundError
    try:
        return list(db.get_container_client(name).read_all_items())
    except CosmosResourceNotFoundError:
        return []


def read_history(db) -> list[HistoryRow]:
    rows = [HistoryRow(**{k: v for k, v in d.items() if k in _ROW_FIELDS})
            for d in _system_items(db, HISTORY)]
    return sorted(rows, key=lambda r: r.version)


def read_events(db) -> list[Event]:
    events = [Event(**{k: v for k, v in d.items() if k in _EVENT_FIELDS})
              for d in _system_items(db, EVENTS)]
    return sorted(events, key=lambda e: e.seq)


# -- the lock -------------------------------------------------------------------------
class ItemLock:
    """The migration lock as an item with an owner and an expiry (epoch seconds)."""

    def __init__(self, container, lease: float = 120.0, owner: str | None = None):
        self.container = container
        self.lease = lease
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.took_over: str | None = None

    def acquire(self, timeout: float, where: str = "") -> None:
        deadline = time.monotonic() + max(timeout, 0)
        while not self._try_take():
            if time.monotonic() >= deadline:
                holder = self._read() or {}
                left = max(0, int(holder.get("expires", time.time()) - time.time()))
                raise LockTimeout(
                    f"the migration lock on {where}", timeout,
                    f"another migrator ({holder.get('owner', '?')})",
                    f"another migrator holds the migration lock; it expires in {left}s if "
                    "its holder died")
            time.sleep(0.1)

    def _try_take(self) -> bool:
        """Create the lock item, or replace an expired one on its etag: True if taken."""
        from azure.core import MatchConditions
        from azure.cosmos.exceptions import (CosmosAccessConditionFailedError,
                                             CosmosHttpResponseError,
                                             CosmosResourceExistsError)
        mine = {"id": LOCK_ID, "owner": self.owner, "expires": time.time() + self.lease}
        try:
            self.container.create_item(mine)
            return True
        except CosmosResourceExistsError:
            pass
        try:
            held = self._read()
        except CosmosHttpResponseError:
            # the npm emulator answers a read of an item deleted a moment ago with a
            # server error instead of 404: the holder just released it; try again
            return False
        if held is None or held.get("expires", 0) >= time.time():
            return False
        try:
            self.container.replace_item(LOCK_ID, mine, etag=held["_etag"],
                                        match_condition=MatchConditions.IfNotModified)
        except CosmosAccessConditionFailedError:
            return False   # another migrator took it over first
        self.took_over = held.get("owner")
        return True

    def _read(self) -> dict | None:
        from azure.cosmos.exceptions import CosmosResourceNotFoundError
        try:
            return self.container.read_item(LOCK_ID, partition_key=LOCK_ID)
        except CosmosResourceNotFoundError:
            return None

    def renew(self) -> None:
        """Push the expiry a lease ahead (if the lock is still ours). The keep-alive
        thread and the session renew it both: a lost etag race is read and tried again."""
        from azure.core import MatchConditions
        from azure.cosmos.exceptions import CosmosAccessConditionFailedError
        for _ in range(3):
            held = self._read()
            if held is None or held.get("owner") != self.owner:
                return
            renewed = {"id": LOCK_ID, "owner": self.owner, "expires": time.time() + self.lease}
            try:
                self.container.replace_item(LOCK_ID, renewed, etag=held["_etag"],
                                            match_condition=MatchConditions.IfNotModified)
                return
            except CosmosAccessConditionFailedError:
                continue

    def release(self) -> None:
        held = self._read()
        if held is not None and held.get("owner") == self.owner:
            self.container.delete_item(LOCK_ID, partition_key=LOCK_ID)

    def keep_alive(self) -> threading.Event:
        """Renew the lease every third of it from a daemon thread (which dies with the
        process, so a crashed holder's lease still runs out). Set the event to stop."""
        stop = threading.Event()

        def renew_until_stopped():
            while not stop.wait(self.lease / 3):
                try:
                    self.renew()
                except Exception:  # the server went away: the lease will run out
                    return

        threading.Thread(target=renew_until_stopped, name="dbwork-cosmos-lease",
                         daemon=True).start()
        return stop
