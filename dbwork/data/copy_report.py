"""What a cross-database copy did, per table or collection: rows read, written and
rejected, whether the checksums on both sides agree, and how long it took. Pure values
with a DataFrame, an HTML table inline and a stable plain text; shared by every copy
direction (SQL to SQL, SQL to MongoDB, MongoDB to SQL).

>>> r = CopyReport("sqlite", "postgresql", [TableCopy("users", read=3, written=3,
...                checksum_match=True, seconds=0.25)])
>>> print(r)
copy sqlite -> postgresql: 1 table, 3 rows read, 3 written, 0 rejected; checksums match
  users: 3 read, 3 written, 0 rejected, checksum match, 0.25 s
>>> r.ok
True
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

COUNTS = ("read", "written", "rejected")


@dataclass
class TableCopy:
    """One table or collection of a copy. ``rejected_keys`` names the keys of rows the
    target refused (with ``errors`` saying why); ``checksum_match`` is None until the
    validation ran."""

    name: str
    read: int = 0
    written: int = 0
    rejected: int = 0
    checksum_match: bool | None = None
    seconds: float = 0.0
    target_name: str | None = None
    resumed_from: int = 0
    rejected_keys: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.rejected == 0 and self.checksum_match is not False
                and self.written + self.resumed_from >= self.read)

    def line(self) -> str:
        counts = ", ".join(f"{getattr(self, c)} {c}" for c in COUNTS)
        check = {True: "checksum match", False: "CHECKSUM DIFFERS",
                 None: "not validated"}[self.checksum_match]
        into = f" -> {self.target_name}" if self.target_name and self.target_name != self.name else ""
        return f"{self.name}{into}: {counts}, {check}, {self.seconds:.2f} s"


@dataclass
class CopyReport:
    """The result of ``dbwork.copy``: ``report.tables`` (one TableCopy each),
    ``report.ok`` (every row written and validated), ``report.frame`` (a DataFrame),
    ``report.scripts`` (name -> text: export scripts, validation queries)."""

    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    scripts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def total(self, what: str) -> int:
        return sum(getattr(t, what) for t in self.tables)

    def table(self, name: str) -> TableCopy:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def frame(self):
        import pandas as pd
        cols = ["table", "target", *COUNTS, "checksum_match", "seconds"]
        return pd.DataFrame([{"table": t.name, "target": t.target_name or t.name,
                              **{c: getattr(t, c) for c in COUNTS},
                              "checksum_match": t.checksum_match,
                              "seconds": round(t.seconds, 3)} for t in self.tables],
                            columns=cols)

    def to_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "ok": self.ok,
                "warnings": list(self.warnings),
                "tables": [{"table": t.name, "target": t.target_name or t.name,
                            **{c: getattr(t, c) for c in COUNTS},
                            "checksum_match": t.checksum_match, "seconds": t.seconds,
                            "resumed_from": t.resumed_from,
                            "rejected_keys": [list(k) if isinstance(k, tuple) else k
                                              for k in t.rejected_keys],
                            "errors": list(t.errors)} for t in self.tables]}

    def _summary(self) -> str:
        n = len(self.tables)
        counts = ", ".join(f"{self.total(c)} {'rows ' if c == 'read' else ''}{c}"
                           for c in COUNTS)
        checks = [t.checksum_match for t in self.tables]
        state = ("checksums match" if checks and all(c is True for c in checks) else
                 "CHECKSUMS DIFFER" if any(c is False for c in checks) else "not validated")
        return (f"copy {self.source} -> {self.target}: {n} table{'s' * (n != 1)}, "
                f"{counts}; {state}")

    def __repr__(self) -> str:
        lines = [self._summary()] + [f"  {t.line()}" for t in self.tables]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        return (f"<b>{html.escape(self._summary())}</b>"
                + self.frame.to_html(index=False, na_rep="", escape=True)
                + (f"<ul>{warn}</ul>" if warn else ""))
