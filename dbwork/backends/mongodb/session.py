"""The MongoDB backend: sessions under a lock document, history in a collection, and
an executor for the rendered command documents (parsed, never evaluated).

- History: ``dbwork_migrations``, one document per version (unique index on
  ``version``), rewritten after every command (no transactional DDL on MongoDB).
- Lock: one document ``{_id: "migrations", owner, expires}`` in ``dbwork_locks``,
  taken by an insert (unique ``_id``) or, once expired, by ``find_one_and_update``
  on the expired document; so a crashed migrator blocks the next one for at most
  one lease. The lease is renewed before every command and released at the end.
- Commands: each statement is one command document in Extended JSON (what the
  render layer writes) or mongosh text (an explicit ``// migrate:down`` section),
  run through pymongo.

>>> to_commands('{"drop": "orders"};', "shop")
[{'drop': 'orders'}]
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, fields

from ...dialects import get_dialect
from ...errors import ConfigError, ConnectionFailed, LockTimeout, ParseError
from ...url import DatabaseURL, mask_url
from ...execute.backend import Event, HistoryRow
from ...execute.integrity import seal, upgrade_legacy_rows

HISTORY = "dbwork_migrations"
EVENTS = "dbwork_migration_events"
LOCKS = "dbwork_locks"
LOCK_ID = "migrations"
_BAD_DB_CHARS = set('/\\. "$*<>:|?\0')
_ROW_FIELDS = {f.name for f in fields(HistoryRow)}
_EVENT_FIELDS = {f.name for f in fields(Event)}


def check_database_name(name) -> str:
    if not name:
        raise ConfigError("a MongoDB URL needs a database: mongodb://host:port/DATABASE")
    if set(name) & _BAD_DB_CHARS or len(name) > 63:
        raise ConfigError(f"invalid MongoDB database name {name!r}: at most 63 characters, "
                          "none of / \\ . space \" $ * < > : | ? or NUL")
    return name


class MongoBackend:
    """A MongoDB target. ``client`` may be given (an already built MongoClient, or an
    in-process stand-in with the same API); otherwise one is made from the URL, lazily
    (no I/O here)."""

    def __init__(self, url: str | DatabaseURL, client=None, lock_lease: float = 300.0,
                 sample: int = 1000):
        self.url = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(url)
        self.dialect = get_dialect("mongodb")
        self.display_url = self.url.masked()
        self.database = check_database_name(self.url.database)
        self.lock_lease = lock_lease
        self.sample = sample
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import pymongo
            raw = self.url.sqlalchemy_url()  # scheme://user:pw@host:port/db?query
            try:
                self._client = pymongo.MongoClient(raw, serverSelectionTimeoutMS=5000,
                                                   tz_aware=True)
            except Exception as e:  # a malformed URL option
                raise ConnectionFailed(self.display_url, mask_url(str(e))) from None
        return self._client

    @property
    def db(self):
        return self.client[self.database]

    def _ping(self) -> None:
        try:
            self.client.admin.command("ping")
        except NotImplementedError:
            pass  # an in-process stand-in
        except Exception as e:
            raise ConnectionFailed(self.display_url, mask_url(str(e).splitlines()[0])) from None

    def __repr__(self) -> str:
        return f"<MongoBackend {self.display_url}>"

    def introspect(self, only=None):
        from .introspect import introspect
        self._ping()
        return introspect(self.db, self.sample, only)

    def count_rows(self, table: str) -> int:
        return self.db[table].count_documents({})

    def history(self) -> list[HistoryRow]:
        self._ping()
        return read_history(self.db)

    def events(self) -> list[Event]:
        self._ping()
        return read_events(self.db)

    @contextmanager
    def session(self, lock_timeout: float = 30.0):
        self._ping()
        lock = DocumentLock(self.db, self.lock_lease)
        lock.acquire(lock_timeout, self.display_url)
        keeper = lock.keep_alive()
        try:
            ensure_history(self.db)
            session = MongoSession(self, lock)
            upgrade_legacy_rows(session)
            yield session
        finally:
            keeper.set()
            lock.release()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class MongoSession:
    """One locked conversation. Every command is final when it runs
    (``transactional = False``): the runner records progress after each one."""

    transactional = False

    def __init__(self, backend: MongoBackend, lock: "DocumentLock"):
        self.backend = backend
        self.lock = lock
        self.dialect = backend.dialect
        self.db = backend.db

    def execute(self, statement: str) -> None:
        for command in to_commands(statement, self.db.name):
            self.lock.renew()
            run_command(self.db, command)

    execute_outside_transaction = execute

    def query(self, statement: str) -> list[tuple]:
        """An ``aggregate`` or ``find`` command; its documents as 1-tuples."""
        (command,) = to_commands(statement, self.db.name)
        name = next(iter(command))
        coll = self.db[command[name]]
        if name == "aggregate":
            return [(doc,) for doc in coll.aggregate(command.get("pipeline", []))]
        if name == "find":
            return [(doc,) for doc in coll.find(command.get("filter", {}),
                                                limit=command.get("limit", 0))]
        raise ParseError(f"query(): only aggregate or find commands, not {name}")

    def history(self) -> list[HistoryRow]:
        return read_history(self.db)

    def write_history(self, row: HistoryRow) -> None:
        doc = asdict(seal(row))
        self.db[HISTORY].replace_one({"version": row.version}, doc, upsert=True)

    def events(self) -> list[Event]:
        return read_events(self.db)

    def last_event(self) -> Event | None:
        docs = list(self.db[EVENTS].find({}).sort("seq", -1).limit(1))
        return _event(docs[0]) if docs else None

    def write_event(self, event: Event) -> None:
        self.db[EVENTS].insert_one(asdict(event))

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def introspect(self, only=None):
        from .introspect import introspect
        return introspect(self.db, self.backend.sample, only)

    def count_rows(self, table: str) -> int:
        return self.db[table].count_documents({})


# -- history --------------------------------------------------------------------------
def ensure_history(db) -> None:
    db[HISTORY].create_index([("version", 1)], unique=True, name="version_1")
    db[EVENTS].create_index([("seq", 1)], unique=True, name="seq_1")


def read_events(db) -> list[Event]:
    return sorted((_event(d) for d in db[EVENTS].find({})), key=lambda e: e.seq)


def _event(doc) -> Event:
    return Event(**{k: v for k, v in doc.items() if k in _EVENT_FIELDS})


def read_history(db) -> list[HistoryRow]:
    rows = []
    for doc in db[HISTORY].find({}):
        rows.append(HistoryRow(**{k: v for k, v in doc.items() if k in _ROW_FIELDS}))
    return sorted(rows, key=lambda r: r.version)


# -- the lock -------------------------------------------------------------------------
class DocumentLock:
    """The migration lock as a document with an owner and an expiry (epoch seconds)."""

    def __init__(self, db, lease: float = 300.0, owner: str | None = None):
        self.coll = db[LOCKS]
        self.lease = lease
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.took_over: str | None = None

    def acquire(self, timeout: float, where: str = "") -> None:
        from pymongo.errors import DuplicateKeyError
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            now = time.time()
            try:
                self.coll.insert_one({"_id": LOCK_ID, "owner": self.owner,
                                      "expires": now + self.lease})
                return
            except DuplicateKeyError:
                pass
            old = self.coll.find_one_and_update(
                {"_id": LOCK_ID, "$or": [{"expires": {"$lt": now}},
                                         {"owner": {"$in": self._dead_holders()}}]},
                {"$set": {"owner": self.owner, "expires": now + self.lease}})
            if old is not None:
                self.took_over = old.get("owner")
                return
            if time.monotonic() >= deadline:
                holder = self.coll.find_one({"_id": LOCK_ID}) or {}
                left = max(0, int(holder.get("expires", now) - now))
                raise LockTimeout(
                    f"the migration lock on {where or self.coll.database.name}", timeout,
                    f"another migrator ({holder.get('owner', '?')})",
                    f"another migrator holds the migration lock; it expires in {left}s if "
                    "its holder died")
            time.sleep(0.1)

    def _dead_holders(self) -> list[str]:
        """The holder, when it is a process of this host that no longer runs (killed
        with -9, its lease still running): its lock is taken over at once instead of
        after the lease. A holder elsewhere, or alive, waits for its expiry."""
        holder = (self.coll.find_one({"_id": LOCK_ID}) or {}).get("owner", "")
        host, _, rest = str(holder).partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
            return []
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return [holder]
        except OSError:          # alive, another user's
            return []
        return []

    def renew(self) -> None:
        self.coll.update_one({"_id": LOCK_ID, "owner": self.owner},
                             {"$set": {"expires": time.time() + self.lease}})

    def release(self) -> None:
        self.coll.delete_one({"_id": LOCK_ID, "owner": self.owner})

    def keep_alive(self) -> threading.Event:
        """Renew the lease from a daemon thread every third of it, so one command
        that runs longer than the lease does not lose the lock; the thread dies with
        the process, so a crashed holder's lease still runs out. Set the returned
        event to stop it."""
        stop = threading.Event()

        def renew_until_stopped():
            while not stop.wait(self.lease / 3):
                try:
                    self.renew()
                except Exception:  # the server went away: the lease will run out
                    return

        threading.Thread(target=renew_until_stopped, name="dbwork-lock-lease",
                         daemon=True).start()
        return stop


# -- commands -------------------------------------------------------------------------
def to_commands(statement: str, database: str) -> list[dict]:
    """A statement (one command document, or mongosh text) -> command documents."""
    text = statement.strip().rstrip(";").strip()
    if not text:
        return []
    if text.startswith("{"):
        from .render import loads
        try:
            command = loads(text)
        except ValueError as e:
            raise ParseError(f"not a command document: {e}") from None
        if not isinstance(command, dict) or not command:
            raise ParseError("a command document must be a non-empty {...}")
        return [command]
    from .parse import command_documents
    return command_documents(text, database)


def run_command(db, command: dict):
    """Run one command document. Commands with a collection method in pymongo go
    through it (same wire command, and write errors raise); others run as given."""
    name = next(iter(command))
    fn = _RUNNERS.get(name)
    if fn is None:
        return db.command(command)
    return fn(db, command)


def _rest(command: dict, *skip: str) -> dict:
    return {k: v for k, v in command.items() if k not in skip}


def _create(db, c):
    from pymongo.database import Database
    kwargs = _rest(c, "create")
    if isinstance(db, Database):
        kwargs["check_exists"] = False
    db.create_collection(c["create"], **kwargs)


def _create_indexes(db, c):
    from pymongo import IndexModel
    models = []
    for spec in c["indexes"]:
        opts = _rest(spec, "key")
        models.append(IndexModel(list(spec["key"].items()), **opts))
    db[c["createIndexes"]].create_indexes(models)


def _drop_indexes(db, c):
    db[c["dropIndexes"]].drop_index(c["index"])


def _drop(db, c):
    db.drop_collection(c["drop"])


def _rename(db, c):
    src_db, _, src = c["renameCollection"].partition(".")
    dst_db, _, dst = c["to"].partition(".")
    if src_db != db.name or dst_db != db.name:
        raise ConfigError("renameCollection across databases is not supported")
    db[src].rename(dst, dropTarget=bool(c.get("dropTarget", False)))


def _update(db, c):
    coll = db[c["update"]]
    for u in c["updates"]:
        kwargs = {k: u[k] for k in ("upsert", "collation", "hint", "let") if k in u}
        if "arrayFilters" in u:
            kwargs["array_filters"] = u["arrayFilters"]
        fn = coll.update_many if u.get("multi") else coll.update_one
        fn(u["q"], u["u"], **kwargs)


def _insert(db, c):
    db[c["insert"]].insert_many(c["documents"], ordered=c.get("ordered", True),
                                bypass_document_validation=c.get("bypassDocumentValidation", False))


def _delete(db, c):
    coll = db[c["delete"]]
    for dl in c["deletes"]:
        (coll.delete_one if dl.get("limit") == 1 else coll.delete_many)(dl["q"])


def _aggregate(db, c):
    kwargs = {}
    if c.get("bypassDocumentValidation"):
        kwargs["bypassDocumentValidation"] = True
    list(db[c["aggregate"]].aggregate(c["pipeline"], **kwargs))


_RUNNERS = {"create": _create, "createIndexes": _create_indexes,
            "dropIndexes": _drop_indexes, "drop": _drop, "renameCollection": _rename,
            "update": _update, "insert": _insert, "delete": _delete, "aggregate": _aggregate}
