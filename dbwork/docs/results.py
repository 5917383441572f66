"""Results that read as results in a notebook: the schema, lint findings, history,
backups and the schema document, each with HTML that survives JupyterLab's sanitizer
(see docs.html) and a short stable text form. Pure; pandas is imported only by the
frames that are already DataFrames.

>>> from dbwork.model import Column, PrimaryKey, Schema, Table
>>> s = Schema.of(Table("t", (Column("id", "INTEGER", False),), PrimaryKey(("id",))))
>>> print(schema_text(s))
schema: 1 table(s)
  t (1 column(s); PK id)
>>> print(repr(Findings([])))
no findings
"""
from __future__ import annotations

import os
from pathlib import Path

from .html import ERROR_COLOR, WARN_COLOR, e, table, wrap

_SEVERITY_COLOR = {"error": ERROR_COLOR, "warning": WARN_COLOR, "info": "#3b82f6"}


# -- schema --------------------------------------------------------------------------
def schema_text(schema) -> str:
    """One line per table: columns, primary key, references."""
    lines = [f"schema: {len(schema.tables)} table(s)"]
    for name in sorted(schema.tables):
        t = schema.tables[name]
        bits = [f"{len(t.columns)} column(s)"]
        if t.primary_key:
            bits.append("PK " + ", ".join(t.primary_key.columns))
        refs = sorted({fk.ref_table for fk in t.foreign_keys})
        if refs:
            bits.append("refs " + ", ".join(refs))
        lines.append(f"  {name} ({'; '.join(bits)})")
    return "\n".join(lines)


def schema_html(schema) -> str:
    """Every table as a collapsed section with its columns, keys and indexes."""
    parts = [f"<h4 style=\"margin:4px 0\">schema: {len(schema.tables)} table(s)</h4>"]
    for name in sorted(schema.tables):
        t = schema.tables[name]
        pk = set(t.primary_key.columns) if t.primary_key else set()
        refs = {c: f"{fk.ref_table}.{fk.ref_columns[i] if i < len(fk.ref_columns) else '?'}"
                for fk in t.foreign_keys for i, c in enumerate(fk.columns)}
        rows = [[c.name, c.type, "" if c.nullable else "NOT NULL",
                 "PK" if c.name in pk else ("FK → " + refs[c.name] if c.name in refs else ""),
                 "" if c.default is None else c.default] for c in t.columns]
        body = table(["column", "type", "null", "key", "default"], rows)
        if t.indexes:
            body += "<p>indexes: " + ", ".join(
                f"<code>{e(i.name)}</code> ({e(', '.join(i.columns))}{', unique' if i.unique else ''})"
                for i in t.indexes) + "</p>"
        parts.append(f"<details><summary><b>{e(name)}</b> "
                     f"<small>{len(t.columns)} column(s)</small></summary>{body}</details>")
    return wrap("\n".join(parts), "schema")


# -- lint ----------------------------------------------------------------------------
class Findings(list):
    """Lint findings: a list of ``Finding`` with a table display (rule, severity, what,
    why, the safer way) and one line each as text."""

    def __repr__(self) -> str:
        return "\n".join(str(f) for f in self) if self else "no findings"

    def _repr_html_(self) -> str:
        if not self:
            return wrap("<p>no findings</p>", "lint")
        rows = "".join(
            f"<tr><td><code>{e(f.rule)}</code></td>"
            f'<td style="color:{_SEVERITY_COLOR.get(f.severity, "#6b7280")}"><b>{e(f.severity)}</b></td>'
            f"<td>{e(f.message)}{'' if not f.step else f' <small>(operation {f.step})</small>'}"
            f"<br><small>{e(f.explanation)}</small></td><td>{e(f.alternative)}</td></tr>"
            for f in self)
        head = "<tr><th>rule</th><th>severity</th><th>what and why</th><th>safer way</th></tr>"
        return wrap(f'<b>{len(self)} finding(s)</b><table class="dbwork-table"><thead>{head}'
                    f"</thead><tbody>{rows}</tbody></table>", "lint")

    def _repr_markdown_(self) -> str:
        if not self:
            return "no findings"
        lines = ["| rule | severity | what | safer way |", "|---|---|---|---|"]
        lines += [f"| {f.rule} | {f.severity} | {_md(f.message)} | {_md(f.alternative)} |"
                  for f in self]
        return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# -- history and backups -------------------------------------------------------------
def tidy_frame(df, shorten=("checksum",)):
    """A display copy of a DataFrame: long hashes shortened to 12 characters and the
    columns that are empty in every row hidden."""
    view = df.copy()
    for col in shorten:
        if col in view:
            view[col] = view[col].map(lambda v: v[:12] if isinstance(v, str) else v)
    keep = [c for c in view.columns if not view[c].isna().all()
            and not (view[c].astype(str) == "").all()]
    return view[keep] if len(view) else view


def frame_class(kind: str):
    """A pandas DataFrame subclass whose notebook display is the tidy view (the data
    itself is untouched; derived frames are plain DataFrames)."""
    import pandas as pd

    class Frame(pd.DataFrame):
        @property
        def _constructor(self):
            return pd.DataFrame

        def _repr_html_(self):
            if not len(self):
                return wrap(f"<p>no {kind}</p>", kind)
            return wrap(pd.DataFrame._repr_html_(tidy_frame(pd.DataFrame(self))), kind)

        def __repr__(self):
            if not len(self):
                return f"no {kind}"
            return repr(tidy_frame(pd.DataFrame(self)))

    Frame.__name__ = Frame.__qualname__ = f"{kind.title()}Frame"
    return Frame


def tidy(df, kind: str):
    """``df`` as a frame of ``kind`` ("history", "backups") with the tidy display."""
    return frame_class(kind)(df)


# -- the schema document -------------------------------------------------------------
class SchemaDocument(type(Path())):
    """The path of the written schema documentation, displayed as that document
    (Markdown) in a notebook. It is a ``pathlib.Path``."""

    def _markdown(self) -> str:
        text = Path(os.fspath(self)).read_text()
        # the diagram's image is beside the file, not beside the notebook: say where
        return "\n".join(f"*(ER diagram: {line[len('![ER diagram]('):-1]} beside the document)*"
                         if line.startswith("![ER diagram](") else line
                         for line in text.splitlines())

    def _repr_markdown_(self) -> str:
        return self._markdown()

    def __repr__(self) -> str:
        return f"schema documentation written to {os.fspath(self)}"


# -- rehearsal -----------------------------------------------------------------------
def rehearsal_html(report) -> str:
    """A rehearsal as a result: the verdict, each check with ok / FAILED, what differed,
    the steps with their time, and the sampled tables.

    >>> from types import SimpleNamespace as NS
    >>> r = NS(name="add_bio", dialect="sqlite", mode="up-down-up", ok=True,
    ...        schema_restored=True, rows_restored=True, reapplied=True, differences=[],
    ...        steps=[{"step": "up", "seconds": 0.01, "result": "ok"}], sampled={})
    >>> "passed" in rehearsal_html(r) and "<td>up</td>" in rehearsal_html(r)
    True
    """
    from .html import details
    verdict = ("#16a34a", "passed") if report.ok else (ERROR_COLOR, "FAILED")
    checks = [("schema after down equals before", report.schema_restored),
              ("row checksums after down equal before", report.rows_restored),
              ("applies again after the rollback", report.reapplied)]
    rows = "".join(f"<tr><td>{e(what)}</td><td style=\"color:{'#16a34a' if ok else ERROR_COLOR}\">"
                   f"<b>{'ok' if ok else 'FAILED'}</b></td></tr>" for what, ok in checks)
    parts = [f'<h4 style="margin:4px 0">rehearsal of {e(report.name)} on a copy '
             f'<span style="color:{verdict[0]}">[{verdict[1]}]</span> '
             f"<small>{e(report.dialect)}, {e(report.mode)}</small></h4>",
             f'<table class="dbwork-table"><tbody>{rows}</tbody></table>']
    if report.differences:
        items = "".join(f"<li>{e(d)}</li>" for d in report.differences)
        parts.append(f'<div style="color:{ERROR_COLOR}"><b>differences</b><ul>{items}</ul></div>')
    if report.steps:
        parts.append(details("<b>steps</b>", table(
            ["step", "seconds", "result"],
            [[s["step"], f"{s['seconds']:.3f}", s["result"]] for s in report.steps])))
    if report.sampled:
        parts.append("<p><small>sampled: " + e(", ".join(
            f"{t} {n}" for t, n in report.sampled.items())) + "</small></p>")
    return wrap("\n".join(parts), "rehearsal")
