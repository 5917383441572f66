"""What a seed run did, and how the database differs from its seed files: result
objects backed by a DataFrame, with an HTML table inline and a stable plain text.

>>> r = SeedReport([TableResult("countries", ("code",), 2, 1, 3, 0)])
>>> print(r)
seed: 2 inserted, 1 updated, 3 unchanged, 0 deleted
  countries (key code): 2 inserted, 1 updated, 3 unchanged, 0 deleted
>>> r.changed
True
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

COUNTS = ("inserted", "updated", "unchanged", "deleted")


@dataclass
class TableResult:
    table: str
    key: tuple[str, ...]
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    backup: str | None = None
    source: str = ""

    def line(self) -> str:
        counts = ", ".join(f"{getattr(self, c)} {c}" for c in COUNTS)
        bak = f"; deleted rows backed up in {self.backup}" if self.backup else ""
        return f"{self.table} (key {', '.join(self.key)}): {counts}{bak}"


@dataclass
class SeedReport:
    """Per table: inserted, updated, unchanged, deleted, and the backup of deleted
    rows (reset). ``report.frame`` is the DataFrame; ``report.changed`` says whether
    the run changed anything."""

    tables: list[TableResult] = field(default_factory=list)
    env: str | None = None

    @property
    def changed(self) -> bool:
        return any(t.inserted or t.updated or t.deleted for t in self.tables)

    def total(self, what: str) -> int:
        return sum(getattr(t, what) for t in self.tables)

    @property
    def backups(self) -> list[str]:
        return [t.backup for t in self.tables if t.backup]

    @property
    def frame(self):
        import pandas as pd
        cols = ["table", "key", *COUNTS, "backup"]
        return pd.DataFrame([{"table": t.table, "key": ", ".join(t.key),
                              **{c: getattr(t, c) for c in COUNTS}, "backup": t.backup}
                             for t in self.tables], columns=cols)

    def to_dict(self) -> dict:
        return {"env": self.env, "changed": self.changed,
                "tables": [{"table": t.table, "key": list(t.key), "source": t.source,
                            **{c: getattr(t, c) for c in COUNTS}, "backup": t.backup}
                           for t in self.tables]}

    def __repr__(self) -> str:
        env = f" ({self.env})" if self.env else ""
        head = f"seed{env}: " + ", ".join(f"{self.total(c)} {c}" for c in COUNTS)
        return "\n".join([head] + [f"  {t.line()}" for t in self.tables])

    def _repr_html_(self) -> str:
        env = f" <i>({html.escape(self.env)})</i>" if self.env else ""
        state = "changed" if self.changed else "nothing changed"
        return (f"<b>seed</b>{env}: {state}" +
                self.frame.to_html(index=False, na_rep="", escape=True))


@dataclass(frozen=True)
class Difference:
    """One row that differs: ``kind`` is missing (in the seed, not the database),
    extra (in the database, not the seed) or changed (one entry per field)."""

    table: str
    key: tuple
    kind: str
    column: str | None = None
    database: object = None
    seed: object = None


@dataclass
class SeedDrift:
    """Rows in the database that differ from the seed files, field by field.
    ``drift.fix()`` upserts the seed (``fix(reset=True)`` also deletes the extra
    rows, backed up first); ``drift.sql`` is the fixing upsert as text."""

    differences: list[Difference]
    sql: str = ""
    env: str | None = None
    _fix: object = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.differences)

    def fix(self, reset: bool = False):
        """Apply the seed so the database matches it; returns the SeedReport."""
        return self._fix(reset)

    @property
    def frame(self):
        import pandas as pd
        cols = ["table", "key", "kind", "column", "database", "seed"]
        return pd.DataFrame([{"table": d.table, "key": _key(d.key), "kind": d.kind,
                              "column": d.column, "database": _text(d.database, d.kind, "db"),
                              "seed": _text(d.seed, d.kind, "seed")}
                             for d in self.differences], columns=cols)

    def to_dict(self) -> dict:
        return {"env": self.env, "drift": bool(self),
                "differences": self.frame.to_dict(orient="records"), "sql": self.sql}

    def __repr__(self) -> str:
        env = f" ({self.env})" if self.env else ""
        if not self.differences:
            return f"seed drift{env}: none, the database matches the seed files"
        lines = [f"seed drift{env}: {len(self.differences)} difference(s)"]
        for d in self.differences:
            what = f" {d.column}: {d.database!r} in the database, {d.seed!r} in the seed" \
                if d.kind == "changed" else ""
            lines.append(f"  {d.table} {_key(d.key)}: {d.kind}{what}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if not self.differences:
            return "<b>seed drift</b>: none, the database matches the seed files"
        sql = f"<details><summary>fix</summary><pre>{html.escape(self.sql)}</pre></details>"
        return (f"<b>seed drift</b>: {len(self.differences)} difference(s)" +
                self.frame.to_html(index=False, na_rep="", escape=True) + sql)


def _key(k: tuple) -> str:
    return ", ".join(str(v) for v in k)


def _text(v, kind: str, side: str):
    if kind == "missing" and side == "db" or kind == "extra" and side == "seed":
        return None
    return repr(v) if v is not None else "NULL"
