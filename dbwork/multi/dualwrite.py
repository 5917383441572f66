"""Dual writes: a generated, documented Python snippet that writes to a SQL database and
its MongoDB mirror (SQLAlchemy + pymongo, the transactional outbox pattern), and the
backfill of rows that exist already, through :func:`dbwork.copy`.

The outbox: the application writes the row **and** an outbox entry in one SQL
transaction; a relay reads unsent entries in order, upserts each document into MongoDB
by key (so a replay changes nothing) and marks the entry sent. Neither database ever
holds a change the other will not eventually receive, and no distributed transaction
is needed.

>>> from dbwork.model.schema import Column, PrimaryKey, Table
>>> t = Table("events", (Column("id", "INTEGER", nullable=False), Column("kind", "TEXT")),
...           primary_key=PrimaryKey(("id",)))
>>> s = dual_write_snippet(t)
>>> s.outbox_table, "def relay(" in s.code, "events_outbox" in s.outbox_ddl("postgresql")
('events_outbox', True, True)
"""
from __future__ import annotations

import html
from dataclasses import dataclass

FAILURE_MODES = [
    ("The process dies after the SQL commit, before MongoDB is written",
     "The outbox entry was committed with the row; the next relay() run sends it."),
    ("MongoDB is down or slow",
     "Writes keep succeeding on SQL; relay() raises, the entries stay unsent and are "
     "retried; the backlog (SELECT COUNT(*) ... WHERE sent_at IS NULL) is the lag to watch."),
    ("An entry is delivered twice (relay died after the MongoDB write, before marking it sent)",
     "The relay re-reads the row by key and upserts the whole document (or deletes it when "
     "the row is gone), so a replay writes the same document again: idempotent."),
    ("Two changes of the same row race",
     "Entries are relayed in outbox order (seq) by one relay process, and each sends the "
     "row's current state: the last write wins on both sides. Run two relays and an older "
     "state can overwrite a newer one: keep it to one."),
    ("Writing to both databases directly from the application (no outbox)",
     "Not done here on purpose: the second write can fail after the first committed, and "
     "the two diverge silently."),
    ("A row deleted in SQL",
     "delete_row() enqueues the key; the relay finds no row and deletes the document."),
    ("Rows that existed before dual writes began",
     "Backfill them once (backfill(group, table)), then run group.check(table, key=...) "
     "on a schedule (`dbwork check`, exit 1 on a difference)."),
]


@dataclass
class DualWriteSnippet:
    """The generated code (``code``), the outbox table's DDL per dialect
    (``outbox_ddl(dialect)``) and the explanation (``explanation``, Markdown)."""

    table: str
    key: str
    columns: tuple
    collection: str

    @property
    def outbox_table(self) -> str:
        return f"{self.table}_outbox"

    def outbox_ddl(self, dialect: str = "postgresql") -> str:
        seq = {"postgresql": "BIGSERIAL PRIMARY KEY", "mysql": "BIGINT AUTO_INCREMENT PRIMARY KEY"}
        from ..dialects import get_dialect
        d = get_dialect(dialect)
        table, index = d.quote(self.outbox_table), d.quote(d.fit(f"ix_{self.outbox_table}_unsent"))
        return (f"CREATE TABLE {table} (\n"
                f"    seq {seq.get(dialect, 'INTEGER PRIMARY KEY')},\n"
                "    doc_key TEXT NOT NULL,\n"
                "    sent_at VARCHAR(40)\n);\n"
                f"CREATE INDEX {index} ON {table} (sent_at);")

    @property
    def code(self) -> str:
        cols = ", ".join(self.columns)
        binds = ", ".join(f":{c}" for c in self.columns)
        return _TEMPLATE.format(table=self.table, key=self.key, cols=cols, binds=binds,
                                outbox=self.outbox_table, collection=self.collection)

    @property
    def explanation(self) -> str:
        lines = [f"## Dual writes: `{self.table}` to SQL and MongoDB `{self.collection}`", "",
                 "The row and an outbox entry commit in **one SQL transaction**; `relay()` "
                 "moves entries to MongoDB in order, upserting by "
                 f"`{self.key}` (as `_id`, as the mirror and `dbwork.copy` write it), and marks them sent. URLs come from the environment "
                 "(`MAIN_URL`, `BACKUP_URL`): no credentials in code.", "",
                 "| failure | what happens |", "|---|---|"]
        lines += [f"| {what} | {how} |" for what, how in FAILURE_MODES]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.code

    def _repr_markdown_(self) -> str:
        return f"{self.explanation}\n\n```python\n{self.code}```\n"

    def _repr_html_(self) -> str:
        return (f"<pre>{html.escape(self.explanation)}</pre>"
                f"<pre><code>{html.escape(self.code)}</code></pre>")


def dual_write_snippet(table, collection: str | None = None, key: str | None = None):
    """The snippet for a neutral Table (``group["main"].schema().table("events")``);
    ``key`` defaults to its single-column primary key."""
    from ..errors import ConfigError
    if key is None:
        pk = table.primary_key.columns if table.primary_key else ()
        if len(pk) != 1:
            raise ConfigError(f"{table.name}: name the key to write by (key=...): it has no "
                              "single-column primary key")
        key = pk[0]
    columns = tuple(c.name for c in table.columns)
    if key not in columns:
        raise ConfigError(f"{table.name} has no column {key!r}")
    return DualWriteSnippet(table.name, key, columns, collection or table.name)


def backfill(group, table: str, source: str | None = None, target: str | None = None,
             **options):
    """Copy the rows ``table`` holds on ``source`` (default: the group's first target)
    into ``target`` (default: the second) through :func:`dbwork.copy`; a CopyReport."""
    from ..data.copy import copy   # dbwork.copy (the data-movement package)
    names = group.targets
    src, dst = group[source or names[0]], group[target or names[1]]
    return copy(src, dst, tables=[table], **options)


_TEMPLATE = '''"""Dual writes for {table}: SQL first, MongoDB through the outbox {outbox}.
Generated by dbwork. Run relay() in one process (a loop, cron or a worker).
MAIN_URL: a SQLAlchemy URL (postgresql+psycopg://...); BACKUP_URL: a MongoDB URL with
its database (mongodb://host/db). Both from the environment: no credentials in code."""
import datetime
import decimal
import json
import os

import bson
import pymongo
import sqlalchemy as sa

engine = sa.create_engine(os.environ["MAIN_URL"])
mongo = pymongo.MongoClient(os.environ["BACKUP_URL"])
collection = mongo.get_default_database()["{collection}"]


def write_row(row: dict) -> None:
    """Insert or replace one row and its outbox entry in ONE SQL transaction."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM {table} WHERE {key} = :{key}"), row)
        conn.execute(sa.text("INSERT INTO {table} ({cols}) VALUES ({binds})"), row)
        _enqueue(conn, row["{key}"])


def delete_row(key) -> None:
    """Delete one row; the relay deletes its document."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM {table} WHERE {key} = :k"), {{"k": key}})
        _enqueue(conn, key)


def _enqueue(conn, key) -> None:
    conn.execute(sa.text("INSERT INTO {outbox} (doc_key) VALUES (:k)"), {{"k": json.dumps(key)}})


def _document(row) -> dict:
    """The row as a document, with BSON's types (dates as dates, decimals exact); the
    key is _id, as the mirror and dbwork.copy have it."""
    out = {{}}
    for name, value in dict(row._mapping).items():
        if isinstance(value, decimal.Decimal):
            value = bson.Decimal128(value)
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = datetime.datetime(value.year, value.month, value.day)
        out["_id" if name == "{key}" else name] = value
    return out


def relay(batch: int = 500) -> int:
    """Send unsent entries to MongoDB in order, mark them sent; returns how many.
    Each entry sends the row as it is NOW (re-read by key), or deletes the document
    when the row is gone, so a replay or an out-of-date entry changes nothing wrong.
    An error leaves the rest unsent for the next run."""
    sent = 0
    with engine.begin() as conn:
        entries = conn.execute(sa.text("SELECT seq, doc_key FROM {outbox} "
                                       "WHERE sent_at IS NULL ORDER BY seq LIMIT :n"),
                               {{"n": batch}}).all()
        for seq, doc_key in entries:
            key = json.loads(doc_key)
            row = conn.execute(sa.text("SELECT {cols} FROM {table} WHERE {key} = :k"),
                               {{"k": key}}).first()
            if row is None:
                collection.delete_one({{"_id": key}})
            else:
                collection.replace_one({{"_id": key}}, _document(row), upsert=True)
            conn.execute(sa.text("UPDATE {outbox} SET sent_at = :t WHERE seq = :s"),
                         {{"t": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                          "s": seq}})
            sent += 1
    return sent
'''
