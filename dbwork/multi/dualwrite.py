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
     "Each document is upserted by its key with the whole row, so a replay writes the same "
     "document again: idempotent."),
    ("Two changes of the same row race",
     "Entries are relayed in outbox order (seq), one relay at a time (SELECT ... FOR UPDATE "
     "SKIP LOCKED on PostgreSQL / a single relay process): the last write wins on both sides."),
    ("Writing to both databases directly from the application (no outbox)",
     "Not done here on purpose: the second write can fail after the first committed, and "
     "the two diverge silently."),
    ("A row deleted in SQL",
     "delete_row() writes a 'delete' entry; the relay deletes the document by key."),
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
        return (f"CREATE TABLE {self.outbox_table} (\n"
                f"    seq {seq.get(dialect, 'INTEGER PRIMARY KEY')},\n"
                "    op VARCHAR(8) NOT NULL,\n"
                "    doc_key TEXT NOT NULL,\n"
                "    payload TEXT NOT NULL,\n"
                "    sent_at VARCHAR(32)\n);\n"
                f"CREATE INDEX ix_{self.outbox_table}_unsent ON {self.outbox_table} (sent_at);")

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
                 f"`{self.key}`, and marks them sent. URLs come from the environment "
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
Generated by dbwork. Run relay() in one process (a loop, cron or a worker)."""
import datetime
import json
import os

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
        conn.execute(sa.text("INSERT INTO {outbox} (op, doc_key, payload) "
                             "VALUES ('upsert', :k, :p)"),
                     {{"k": json.dumps(row["{key}"]), "p": json.dumps(row, default=str)}})


def delete_row(key) -> None:
    """Delete one row; the relay deletes its document."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM {table} WHERE {key} = :k"), {{"k": key}})
        conn.execute(sa.text("INSERT INTO {outbox} (op, doc_key, payload) "
                             "VALUES ('delete', :k, '{{}}')"), {{"k": json.dumps(key)}})


def relay(batch: int = 500) -> int:
    """Send unsent entries to MongoDB in order (idempotent upserts by key), mark them
    sent; returns how many were sent. An error leaves the rest unsent for the next run."""
    sent = 0
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT seq, op, doc_key, payload FROM {outbox} "
                                    "WHERE sent_at IS NULL ORDER BY seq LIMIT :n"),
                            {{"n": batch}}).all()
        for seq, op, doc_key, payload in rows:
            key = json.loads(doc_key)
            if op == "delete":
                collection.delete_one({{"{key}": key}})
            else:
                collection.replace_one({{"{key}": key}}, json.loads(payload), upsert=True)
            conn.execute(sa.text("UPDATE {outbox} SET sent_at = :t WHERE seq = :s"),
                         {{"t": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                          "s": seq}})
            sent += 1
    return sent
'''
