"""Consistency checks between two targets: the same table (or collection) read on both
sides and compared by key: ids present in one and not the other, field values that
differ, and counts. Values are compared in a normal form (numbers by value, datetimes
in UTC to the millisecond, as MongoDB keeps them; JSON by content).

>>> r = compare_rows("events", "id", ("main", "backup"),
...                  [{"id": 1, "kind": "a"}, {"id": 2, "kind": "b"}],
...                  [{"id": 1, "kind": "a"}, {"id": 2, "kind": "B"}, {"id": 3, "kind": "c"}])
>>> print(r)
events by id, main vs backup: 2 vs 3 rows; 1 only in backup; 1 value(s) differ
  only in backup: 3
  2.kind: main 'b', backup 'B'
>>> r.ok
False
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from ..errors import ConfigError

FRAME_COLUMNS = ["kind", "key", "field", "left", "right"]


def normal(value):
    """One comparable form for a value read from any engine.

    >>> normal(2.0), normal(Decimal("1.50")), normal(datetime(2026, 1, 1, 12, 0, 0, 123456))
    (2, 1.5, '2026-01-01T12:00:00.123')
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return int(number) if number.is_integer() else number
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)   # ObjectId, UUID, ...


@dataclass
class ConsistencyReport:
    """``ok``, ``counts`` (target -> rows), ``only_in`` (target -> keys found only
    there), ``differences`` (dicts: key, field, and each side's value), ``fields``
    compared, ``frame`` (a DataFrame, one row per finding), ``to_dict()``."""

    table: str
    key: str
    targets: tuple
    counts: dict = field(default_factory=dict)
    only_in: dict = field(default_factory=dict)
    differences: list = field(default_factory=list)
    fields: tuple = ()
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.only_in.values()) and not self.differences

    @property
    def frame(self):
        import pandas as pd
        left, right = self.targets
        rows = [{"kind": f"only in {t}", "key": k, "field": None, left: None, right: None}
                for t in self.targets for k in self.only_in.get(t, [])]
        rows += [{"kind": "differs", "key": d["key"], "field": d["field"],
                  left: d[left], right: d[right]} for d in self.differences]
        return pd.DataFrame(rows, columns=["kind", "key", "field", left, right])

    def summary(self) -> str:
        left, right = self.targets
        parts = [f"{len(v)} only in {t}" for t, v in self.only_in.items() if v]
        if self.differences:
            parts.append(f"{len(self.differences)} value(s) differ")
        state = "; ".join(parts) if parts else "consistent"
        return (f"{self.table} by {self.key}, {left} vs {right}: {self.counts[left]} vs "
                f"{self.counts[right]} rows; {state}")

    def __str__(self) -> str:
        left, right = self.targets
        lines = [self.summary()]
        lines += [f"  only in {t}: {', '.join(map(str, keys[:20]))}" +
                  (f" (+{len(keys) - 20} more)" if len(keys) > 20 else "")
                  for t, keys in self.only_in.items() if keys]
        lines += [f"  {d['key']}.{d['field']}: {left} {d[left]!r}, {right} {d[right]!r}"
                  for d in self.differences[:20]]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "green" if self.ok else "firebrick"
        head = f"<p style='color:{colour}'><b>{html.escape(self.summary())}</b></p>"
        notes = "".join(f"<p><i>{html.escape(n)}</i></p>" for n in self.notes)
        return head + notes + ("" if self.ok else self.frame.head(50).to_html(index=False))

    def to_dict(self) -> dict:
        return {"table": self.table, "key": self.key, "targets": list(self.targets),
                "ok": self.ok, "counts": self.counts,
                "only_in": {t: list(v) for t, v in self.only_in.items()},
                "differences": self.differences, "fields": list(self.fields),
                "notes": self.notes}


def compare_rows(table: str, key: str, targets: tuple, left_rows: list, right_rows: list,
                 fields=None) -> ConsistencyReport:
    """The report for two lists of rows (dicts), pure."""
    left, right = targets
    a, b = _keyed(left_rows, key, left), _keyed(right_rows, key, right)
    cols_a = {c for r in left_rows for c in r} - {key, "_id"}
    cols_b = {c for r in right_rows for c in r} - {key, "_id"}
    report = ConsistencyReport(table, key, targets, {left: len(a), right: len(b)})
    if fields is None:
        compared = sorted(cols_a & cols_b) if left_rows and right_rows else sorted(cols_a | cols_b)
        for t, extra in ((left, cols_a - cols_b), (right, cols_b - cols_a)):
            if extra and left_rows and right_rows:
                report.notes.append(f"field(s) only in {t}, not compared: {', '.join(sorted(extra))}")
    else:
        compared = list(fields)
    report.fields = tuple(compared)
    report.only_in = {left: _sorted(set(a) - set(b)), right: _sorted(set(b) - set(a))}
    for k in _sorted(set(a) & set(b)):
        for f in compared:
            va, vb = normal(a[k].get(f)), normal(b[k].get(f))
            if va != vb:
                report.differences.append({"key": k, "field": f, left: va, right: vb})
    return report


def _keyed(rows: list, key: str, target: str) -> dict:
    out = {}
    for r in rows:
        if key not in r:
            raise ConfigError(f"{target}: a row has no {key!r} field to compare by")
        out[normal(r[key])] = r
    return out


def _sorted(keys: set) -> list:
    return sorted(keys, key=lambda k: (str(type(k)), k))


def read_rows(wb, table: str, fields=None, key: str = "id") -> list[dict]:
    """Every row of ``table`` on ``wb``'s database as dicts (the key and ``fields``, or
    all columns): SQL through SQLAlchemy, MongoDB through pymongo."""
    if not wb.dialect.relational:
        projection = None if fields is None else {f: 1 for f in ["_id", key, *fields]}
        return [_keyed_by_id(doc, key) for doc in wb.backend.db[table].find({}, projection)]
    import sqlalchemy as sa
    schema = wb.schema()
    if not schema.has_table(table):
        from ..errors import UnknownObjectError
        raise UnknownObjectError("table", table)
    columns = [c.name for c in schema.table(table).columns]
    wanted = columns if fields is None else [key, *fields]
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise ConfigError(f"{table} on {wb.display_url} has no column(s) {', '.join(missing)}")
    stmt = sa.select(*[sa.column(c) for c in wanted]).select_from(sa.table(table))
    with wb.backend.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def _keyed_by_id(doc: dict, key: str) -> dict:
    """A document without the key field has it as ``_id`` (the SQL primary key copied
    into ``_id``, as the mirror and dbwork.copy write it)."""
    if key not in doc and "_id" in doc:
        doc[key] = doc.pop("_id")
    return doc


def check(group, table: str, key: str = "id", fields=None, targets=None) -> ConsistencyReport:
    """Read ``table`` on two of the group's targets (default: the first two) and compare."""
    names = tuple(targets) if targets else tuple(group.targets[:2])
    if len(names) != 2:
        raise ConfigError("a consistency check compares two targets: pass targets=(a, b)")
    if fields is not None and (isinstance(fields, str) or not all(isinstance(f, str) for f in fields)):
        raise ConfigError("fields must be a list of field names")
    rows = [read_rows(group[t], table, fields, key) for t in names]
    return compare_rows(table, key, names, rows[0], rows[1], fields)
