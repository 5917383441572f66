"""Fleets: the same migrations over many tenant databases, each under its own lock
with its own history; a report per tenant; stop at the first failure or carry on; a
re-run finishes only what is left. Runs in a thread pool, or on a Dask distributed
cluster when a ``distributed.Client`` is passed.

>>> import tempfile, os, dbwork
>>> d = tempfile.mkdtemp(); os.mkdir(f"{d}/m")
>>> f = dbwork.fleet([f"sqlite:///{d}/a.sqlite", f"sqlite:///{d}/b.sqlite"], migrations=f"{d}/m")
>>> f.tenants
['a', 'b']
"""
from __future__ import annotations

import glob
import html
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..errors import ConfigError, DbworkError
from ..hooks import overridable
from ..url import DatabaseURL

COLUMNS = ["tenant", "url", "status", "applied", "versions", "error"]
STATUSES = ("upgraded", "up to date", "failed", "skipped")


def fleet(targets, migrations="migrations", **options) -> "Fleet":
    """A fleet: ``targets`` is a list of URLs, or one URL whose file or database name is
    a pattern (``sqlite:///tenants/*.sqlite``, ``postgresql://h/tenant_*``, or
    ``postgresql://h/app?schema=tenant_*`` for every matching schema). ``migrations``:
    the one folder every tenant takes; ``options`` go to each :func:`dbwork.connect`."""
    if isinstance(targets, str):
        urls = expand(targets)
    elif isinstance(targets, (list, tuple)) and targets and all(isinstance(u, str) for u in targets):
        urls = list(targets)
    else:
        raise ConfigError("fleet() needs a non-empty list of URLs or one URL pattern")
    if not os.path.isdir(migrations):
        raise ConfigError(f"migrations folder {migrations} does not exist")
    return Fleet(urls, str(migrations), options)


def is_pattern(text: str) -> bool:
    return any(ch in text for ch in "*?[%")


def expand(pattern: str) -> list[str]:
    """The URLs a pattern matches, sorted (files by glob; PostgreSQL and MariaDB
    databases, or PostgreSQL schemas, by name). A pattern matching nothing is an error."""
    url = DatabaseURL.parse(pattern)
    schema = _schema_pattern(url)
    if _is_file(url):
        found = [f"sqlite:///{p}" for p in sorted(glob.glob(url.database))] \
            if is_pattern(url.database) else [pattern]
    elif schema:
        found = [pattern.replace(f"schema={schema}", f"schema={name}")
                 for name in _server_names(url, schema, "schemas")]
    elif is_pattern(url.database or ""):
        base = pattern.split("?", 1)[0].rsplit("/", 1)[0]
        query = "?" + pattern.split("?", 1)[1] if "?" in pattern else ""
        found = [f"{base}/{name}{query}" for name in _server_names(url, url.database, "databases")]
    else:
        found = [pattern]
    if not found:
        raise ConfigError(f"no database matches {url.masked()}")
    return found


def _schema_pattern(url: DatabaseURL) -> str | None:
    from urllib.parse import parse_qsl
    schema = dict(parse_qsl(url.query or "")).get("schema")
    return schema if schema and is_pattern(schema) else None


def _like(pattern: str) -> str:
    return pattern.replace("_", r"\_").replace("*", "%").replace("?", "_")


def _server_names(url: DatabaseURL, pattern: str, kind: str) -> list[str]:
    """Database (or schema) names on the server that match ``pattern`` (``*``, ``?``)."""
    import sqlalchemy as sa
    from ..execute.sql import _make_engine
    like = _like(pattern) if "%" not in pattern else pattern
    admin, sql = server_names_query(url.dialect, url, kind)
    engine = _make_engine(admin)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.text(sql), {"p": like})]
    finally:
        engine.dispose()


@overridable
def server_names_query(dialect, url: DatabaseURL, kind: str) -> tuple[DatabaseURL, str]:
    """The URL to ask on, and the query (``:p`` a LIKE pattern) of the server's database
    names (``kind`` "databases"; "schemas" where the backend has them): by default
    information_schema's schemata, which MySQL/MariaDB call databases."""
    from dataclasses import replace
    return (replace(url, database="information_schema", query=""),
            "SELECT schema_name FROM information_schema.schemata "
            "WHERE schema_name LIKE :p ORDER BY 1")


def _is_file(url: DatabaseURL) -> bool:
    from ..backends import get_backend
    return get_backend(url.dialect).local_file


def tenant_name(url: str) -> str:
    """The tenant's short name: the file's stem, the schema, or the database.

    >>> tenant_name("sqlite:///t/acme.sqlite"), tenant_name("postgresql://h/app?schema=t1")
    ('acme', 't1')
    """
    u = DatabaseURL.parse(url)
    from urllib.parse import parse_qsl
    schema = dict(parse_qsl(u.query or "")).get("schema") if not _is_file(u) else None
    if schema:
        return schema
    if _is_file(u):
        return os.path.splitext(os.path.basename(u.database))[0]
    return u.database


def upgrade_one(url: str, migrations: str, options: dict, dry_run: bool = False,
                allow_data_loss: bool = False) -> dict:
    """Upgrade one tenant (its own lock and history) -> its report row. Errors are part
    of the row, so the call can run anywhere (a thread, a Dask worker) and be gathered."""
    from ..workbench import connect
    row = {"tenant": tenant_name(url), "url": DatabaseURL.parse(url).masked(),
           "status": "failed", "applied": 0, "versions": "", "error": None}
    try:
        wb = connect(url, migrations, **options)
    except DbworkError as e:
        row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        return row
    try:
        done = wb.upgrade(dry_run=dry_run, allow_data_loss=allow_data_loss)
        row.update(status="upgraded" if done else "up to date", applied=len(done),
                   versions=" ".join(m.version for m in done))
    except DbworkError as e:
        row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
    finally:
        wb.close()
    return row


@dataclass
class FleetReport:
    """One row per tenant (``frame``: tenant, url, status, applied, versions, error);
    ``ok`` when none failed; ``failed`` / ``skipped``: the tenants' names."""

    rows: list = field(default_factory=list)

    @property
    def frame(self):
        import pandas as pd
        return pd.DataFrame(self.rows, columns=COLUMNS)

    def names(self, status: str) -> list[str]:
        return [r["tenant"] for r in self.rows if r["status"] == status]

    @property
    def failed(self) -> list[str]:
        return self.names("failed")

    @property
    def skipped(self) -> list[str]:
        return self.names("skipped")

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped

    def counts(self) -> dict:
        return {s: len(self.names(s)) for s in STATUSES if self.names(s)}

    def __repr__(self) -> str:
        head = ", ".join(f"{n} {s}" for s, n in self.counts().items())
        lines = [f"fleet: {len(self.rows)} tenant(s): {head}"]
        lines += [f"  {r['tenant']}: {r['error']}" for r in self.rows if r["error"]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(repr(self).splitlines()[0])}</b></p>" + \
            self.frame.to_html(index=False)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "counts": self.counts(), "tenants": self.rows}


class Fleet:
    """Tenants that take the same migrations folder (``fleet.tenants``)."""

    def __init__(self, urls: list[str], migrations: str, options: dict):
        self.urls, self.migrations, self.options = urls, migrations, dict(options)
        names = [tenant_name(u) for u in urls]
        if len(set(names)) != len(names):
            raise ConfigError("two tenants share a name: " +
                              ", ".join(sorted({n for n in names if names.count(n) > 1})))

    @property
    def tenants(self) -> list[str]:
        return [tenant_name(u) for u in self.urls]

    def __repr__(self) -> str:
        return f"<Fleet {len(self.urls)} tenant(s), migrations={self.migrations}>"

    def upgrade(self, workers: int = 8, stop_at_first_failure: bool = True,
                dry_run: bool = False, allow_data_loss: bool = False,
                client=None) -> FleetReport:
        """Upgrade every tenant, ``workers`` at a time (or on the Dask ``client``'s
        cluster). With ``stop_at_first_failure`` no tenant starts after one failed (they
        are reported "skipped"); a re-run applies only what is still pending."""
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise ConfigError(f"workers must be a whole number of 1 or more, not {workers!r}")
        args = (self.migrations, self.options, dry_run, allow_data_loss)
        if client is not None:
            rows = _on_dask(client, self.urls, args, stop_at_first_failure)
        else:
            rows = _in_threads(self.urls, args, workers, stop_at_first_failure)
        return FleetReport(rows)


def _skipped(url: str) -> dict:
    return {"tenant": tenant_name(url), "url": DatabaseURL.parse(url).masked(),
            "status": "skipped", "applied": 0, "versions": "",
            "error": None}


def _in_threads(urls, args, workers: int, stop: bool) -> list[dict]:
    failed = threading.Event()

    def one(url):
        if stop and failed.is_set():
            return _skipped(url)
        row = upgrade_one(url, *args)
        if row["status"] == "failed":
            failed.set()
        return row

    with ThreadPoolExecutor(max_workers=min(workers, len(urls))) as pool:
        return list(pool.map(one, urls))


def _on_dask(client, urls, args, stop: bool) -> list[dict]:
    """Each tenant a task on the cluster; after a failure (with ``stop``) the tasks
    not yet started are cancelled and reported skipped."""
    from distributed import as_completed
    futures = {client.submit(upgrade_one, url, *args, pure=False): url for url in urls}
    rows: dict[str, dict] = {}
    for future in as_completed(list(futures)):
        url = futures[future]
        if future.cancelled():
            rows[url] = _skipped(url)
            continue
        row = future.result()
        rows[url] = row
        if stop and row["status"] == "failed":
            for other in futures:
                if not other.done():
                    other.cancel()
    return [rows.get(u) or _skipped(u) for u in urls]
