"""The DynamoDB backend: a client from the URL, sessions under a lock item, history
and events in DynamoDB tables, and the executor of rendered statements.

- URL: ``dynamodb://HOST:PORT?region=R`` (an endpoint: DynamoDB Local, moto; HTTP on
  loopback, else HTTPS; ``tls=1``/``tls=0`` decides) or ``dynamodb://?region=R`` (AWS's
  endpoint). ``prefix=P``: only tables named ``P...`` are this target's, and the
  bookkeeping tables are ``Pdbwork_*``. ``profile=NAME``: an AWS profile.
  ``wait_timeout`` (seconds, default 300): the longest wait for a table or index to
  become ACTIVE or go away. Credentials come from boto3's chain, never from the URL.
- History: ``dbwork_migrations`` (key ``version``), the row as JSON; events in
  ``dbwork_migration_events`` (key ``seq``).
- Lock: the item ``lock_id = "migrations"`` in ``dbwork_locks``, put only if absent or
  expired (a conditional put), renewed while the session runs and deleted at its end;
  a crashed holder blocks the next migrator for at most one lease.

>>> b = DynamoBackend("dynamodb://127.0.0.1:8000?region=eu-west-1&prefix=app_")
>>> b.endpoint, b.region, b.display_url
('http://127.0.0.1:8000', 'eu-west-1', 'dynamodb://127.0.0.1:8000?region=eu-west-1&prefix=app_')
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

from ...dialects import get_dialect
from ...errors import ConfigError, ConnectionFailed, DbworkError, LockTimeout
from ...execute.backend import Event, HistoryRow
from ...execute.integrity import seal
from ...url import DatabaseURL, check_query_options, scrub

HISTORY, EVENTS, LOCKS = "dbwork_migrations", "dbwork_migration_events", "dbwork_locks"
LOCK_ID = "migrations"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_ROW_FIELDS = {f.name for f in fields(HistoryRow)}
_EVENT_FIELDS = {f.name for f in fields(Event)}


class WaitTimeout(DbworkError):
    """A table or index did not reach the state a step waits for in time.

    >>> print(WaitTimeout("index orders.by_status", "ACTIVE", 300))
    index orders.by_status did not become ACTIVE within 300 s (wait_timeout); it may still get there: look at it with DescribeTable, then roll back or re-run
    """

    def __init__(self, what: str, state: str, waited: float):
        self.what, self.state, self.waited = what, state, waited
        super().__init__(f"{what} did not become {state} within {waited:g} s (wait_timeout); "
                         "it may still get there: look at it with DescribeTable, then roll "
                         "back or re-run")


def _number(options: dict, name: str, default: float) -> float:
    try:
        value = float(options.get(name, default))
    except ValueError:
        raise ConfigError(f"{name} in a DynamoDB URL is a number of seconds") from None
    if not 0 < value <= 86400:
        raise ConfigError(f"{name} in a DynamoDB URL is between 0 and 86400 seconds")
    return value


class DynamoBackend:
    """A DynamoDB target. ``client`` may be given (a boto3 DynamoDB client); else one is
    made from the URL on first use (no I/O here)."""

    def __init__(self, url, timeouts=None, client=None):
        self.url = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
        if self.url.username or self.url.password:
            raise ConfigError("a DynamoDB URL carries no credentials: set AWS_ACCESS_KEY_ID "
                              "and AWS_SECRET_ACCESS_KEY in the environment, or name a "
                              "profile (?profile=NAME)")
        if self.url.database:
            raise ConfigError("a DynamoDB URL has no path: dynamodb://HOST:PORT?region=R "
                              "(tables are named in the cells; scope them with ?prefix=)")
        options = check_query_options(self.url)
        self.dialect = get_dialect("dynamodb")
        self.timeouts = timeouts
        self.prefix = options.get("prefix", "")
        self.profile = options.get("profile") or None
        self.region = options.get("region") or os.environ.get("AWS_REGION") or \
            os.environ.get("AWS_DEFAULT_REGION") or ("us-east-1" if self.url.host else None)
        self.endpoint = self._endpoint(options.get("tls"))
        self.wait_timeout = _number(options, "wait_timeout", 300.0)
        self.lock_lease = _number(options, "lock_lease", 300.0)
        shown = [f"region={self.region}"] if self.region else []
        shown += [f"prefix={self.prefix}"] if self.prefix else []
        where = f"{self.url.host}:{self.url.port}" if self.url.port else (self.url.host or "")
        self.display_url = f"dynamodb://{where}" + (f"?{'&'.join(shown)}" if shown else "")
        self._client = client

    def _endpoint(self, tls: str | None) -> str | None:
        if not self.url.host:
            return None
        if tls not in (None, "", "0", "1", "true", "false"):
            raise ConfigError("tls in a DynamoDB URL is 1 or 0")
        secure = tls in ("1", "true") if tls not in (None, "") else \
            self.url.host not in LOOPBACK
        port = f":{self.url.port}" if self.url.port else ""
        return f"{'https' if secure else 'http'}://{self.url.host}{port}"

    @property
    def client(self):
        if self._client is None:
            import boto3  # type: ignore[import-untyped]
            from botocore.config import Config  # type: ignore[import-untyped]
            connect = getattr(self.timeouts, "connect", 10.0) or 10.0
            config = Config(connect_timeout=connect, read_timeout=60,
                            retries={"max_attempts": 4, "mode": "standard"})
            try:
                session = boto3.session.Session(profile_name=self.profile,
                                                region_name=self.region)
                self._client = session.client("dynamodb", endpoint_url=self.endpoint,
                                              config=config)
            except Exception as e:  # no region, an unknown profile
                raise ConnectionFailed(self.display_url, _reason(e)) from None
        return self._client

    def _ping(self) -> None:
        try:
            self.client.list_tables(Limit=1)
        except DbworkError:
            raise
        except Exception as e:
            raise ConnectionFailed(self.display_url, _reason(e)) from None

    def __repr__(self) -> str:
        return f"<DynamoBackend {self.display_url}>"

    def table_name(self, name: str) -> str:
        """The physical name of one of dbwork's own tables (history, lock, backups)."""
        return self.prefix + name

    def introspect(self, only=None):
        from .introspect import introspect
        self._ping()
        return introspect(self.client, self.prefix, only)

    def count_rows(self, table: str) -> int:
        from .items import count_items
        return count_items(self.client, table)

    def history(self) -> list[HistoryRow]:
        self._ping()
        return read_history(self.client, self.table_name(HISTORY))

    def events(self) -> list[Event]:
        self._ping()
        return read_events(self.client, self.table_name(EVENTS))

    @contextmanager
    def session(self, lock_timeout: float = 30.0):
        self._ping()
        for name, key, kind in ((HISTORY, "version", "S"), (EVENTS, "seq", "N"),
                                (LOCKS, "lock_id", "S")):
            ensure_table(self.client, self.table_name(name), key, kind, self.wait_timeout)
        lock = ItemLock(self.client, self.table_name(LOCKS), self.lock_lease)
        lock.acquire(lock_timeout, self.display_url)
        keeper = lock.keep_alive()
        try:
            yield DynamoSession(self, lock)
        finally:
            keeper.set()
            lock.release()

    def close(self) -> None:
        self._client = None


def _reason(e: Exception) -> str:
    """One line about ``e`` with anything secret-looking masked."""
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return scrub(text, os.environ.get("AWS_SECRET_ACCESS_KEY"))


class DynamoSession:
    """One locked conversation. Every statement is final when it runs
    (``transactional = False``): the runner records progress after each step."""

    transactional = False

    def __init__(self, backend: DynamoBackend, lock: "ItemLock"):
        self.backend = backend
        self.lock = lock
        self.dialect = backend.dialect
        self.client = backend.client

    def execute(self, statement: str) -> None:
        from .execute import run_statement
        self.lock.renew()
        run_statement(self, statement)

    execute_outside_transaction = execute

    def query(self, statement: str) -> list[tuple]:
        """A table's items (``statement`` is its name), each as a 1-tuple."""
        from .items import scan_items
        return [(item,) for item in scan_items(self.client, statement.strip())]

    def history(self) -> list[HistoryRow]:
        return read_history(self.client, self.backend.table_name(HISTORY))

    def write_history(self, row: HistoryRow) -> None:
        self.client.put_item(TableName=self.backend.table_name(HISTORY), Item={
            "version": {"S": row.version}, "row": {"S": json.dumps(asdict(seal(row)))}})

    def events(self) -> list[Event]:
        return read_events(self.client, self.backend.table_name(EVENTS))

    def last_event(self) -> Event | None:
        events = self.events()
        return events[-1] if events else None

    def write_event(self, event: Event) -> None:
        self.client.put_item(
            TableName=self.backend.table_name(EVENTS),
            Item={"seq": {"N": str(event.seq)}, "event": {"S": json.dumps(asdict(event))}},
            ConditionExpression="attribute_not_exists(seq)")

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def introspect(self, only=None):
        from .introspect import introspect
        return introspect(self.client, self.backend.prefix, only)

    def count_rows(self, table: str) -> int:
        return self.backend.count_rows(table)


# -- bookkeeping tables ---------------------------------------------------------------
def ensure_table(client, name: str, key: str, kind: str, wait: float) -> None:
    """Create one of dbwork's tables (on demand) unless it exists; wait until ACTIVE."""
    try:
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": key, "AttributeType": kind}])
    except client.exceptions.ResourceInUseException:
        pass   # there already, or another migrator is creating it
    from .execute import wait_table
    wait_table(client, name, "ACTIVE", wait)


def _scan_all(client, table: str) -> list[dict]:
    from .items import scan_items
    try:
        return list(scan_items(client, table))
    except client.exceptions.ResourceNotFoundException:
        return []


def read_history(client, table: str) -> list[HistoryRow]:
    rows = [json.loads(item["row"]["S"]) for item in _scan_all(client, table)]
    return sorted((HistoryRow(**{k: v for k, v in r.items() if k in _ROW_FIELDS})
                   for r in rows), key=lambda r: r.version)


def read_events(client, table: str) -> list[Event]:
    docs = [json.loads(item["event"]["S"]) for item in _scan_all(client, table)]
    return sorted((Event(**{k: v for k, v in d.items() if k in _EVENT_FIELDS})
                   for d in docs), key=lambda e: e.seq)


# -- the lock -------------------------------------------------------------------------
class ItemLock:
    """The migration lock as an item with an owner and an expiry (epoch seconds)."""

    def __init__(self, client, table: str, lease: float = 300.0, owner: str | None = None):
        self.client = client
        self.table = table
        self.lease = lease
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.took_over: str | None = None

    def _key(self) -> dict:
        return {"lock_id": {"S": LOCK_ID}}

    def try_acquire(self) -> bool:
        """Put the lock item if there is none or it expired; True when it is ours."""
        now = time.time()
        try:
            answer = self.client.put_item(
                TableName=self.table, ReturnValues="ALL_OLD",
                Item={**self._key(), "owner": {"S": self.owner},
                      "expires": {"N": f"{now + self.lease:.3f}"}},
                ConditionExpression="attribute_not_exists(lock_id) OR #e < :now",
                ExpressionAttributeNames={"#e": "expires"},
                ExpressionAttributeValues={":now": {"N": f"{now:.3f}"}})
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        old = answer.get("Attributes") or {}
        self.took_over = old.get("owner", {}).get("S")
        return True

    def holder(self) -> dict:
        item = self.client.get_item(TableName=self.table, Key=self._key(),
                                    ConsistentRead=True).get("Item") or {}
        return {"owner": item.get("owner", {}).get("S", "?"),
                "expires": float(item.get("expires", {}).get("N", time.time()))}

    def acquire(self, timeout: float, where: str = "") -> None:
        deadline = time.monotonic() + max(timeout, 0)
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                holder = self.holder()
                left = max(0, int(holder["expires"] - time.time()))
                raise LockTimeout(
                    f"the migration lock on {where or self.table}", timeout,
                    f"another migrator ({holder['owner']})",
                    f"another migrator holds the migration lock; it expires in {left}s if "
                    "its holder died")
            time.sleep(0.2)

    def renew(self) -> None:
        try:
            self.client.update_item(
                TableName=self.table, Key=self._key(),
                UpdateExpression="SET #e = :e", ConditionExpression="#o = :me",
                ExpressionAttributeNames={"#e": "expires", "#o": "owner"},
                ExpressionAttributeValues={":e": {"N": f"{time.time() + self.lease:.3f}"},
                                           ":me": {"S": self.owner}})
        except self.client.exceptions.ConditionalCheckFailedException:
            raise LockTimeout(f"the migration lock ({self.table})", None, "",
                              "the lease ran out and another migrator took the lock; "
                              "stopped before the next statement") from None

    def release(self) -> None:
        try:
            self.client.delete_item(
                TableName=self.table, Key=self._key(), ConditionExpression="#o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues={":me": {"S": self.owner}})
        except Exception:  # not ours any more, or the server went away: it expires
            pass

    def keep_alive(self) -> threading.Event:
        """Renew the lease every third of it from a daemon thread (which dies with the
        process, so a crashed holder's lease still runs out). Set the event to stop."""
        stop = threading.Event()

        def renew_until_stopped():
            while not stop.wait(self.lease / 3):
                try:
                    self.renew()
                except Exception:
                    return

        threading.Thread(target=renew_until_stopped, name="dbwork-dynamodb-lease",
                         daemon=True).start()
        return stop
