"""Text, HTML and DataFrame forms of a Detection. Every string shown here is masked.

>>> from dbwork.detect.model import Detection
>>> to_html(Detection(".", [], [], [], [])).count("no database configuration found")
1
"""
from __future__ import annotations

from html import escape

from .sources import redact

COLUMNS = ["kind", "name", "file", "line", "evidence", "confidence"]
EMPTY = "no database configuration found"


def to_text(d) -> str:
    """A stable text form: no object addresses, no timestamps, no passwords.

    >>> from dbwork.detect.model import Detection
    >>> to_text(Detection('.', [], [], [], []))
    "Detection of '.': no database configuration found"
    """
    head = f"Detection of {d.path!r}"
    if d.empty:
        return f"{head}: {EMPTY}" + _notes_text(d)
    lines = [f"{head}: {_count(len(d.technologies), 'technology', 'technologies')}, "
             f"{_count(len(d.tools), 'tool', 'tools')}, {_count(len(d.targets), 'target', 'targets')}",
             f"  technologies: {', '.join(d.technologies) or '-'}",
             f"  tools: {', '.join(d.tools) or '-'}"]
    if d.targets:
        lines.append("  targets (best first):" + ("  [ambiguous: the best targets tie]"
                                                   if d.is_ambiguous else ""))
        for i, t in enumerate(d.targets, 1):
            lines.append(f"    {i}. {redact(t.name)} [{t.technology}] {t.display_url} "
                         f"({t.confidence}; {', '.join(f.where for f in t.evidence)})")
    else:
        lines.append("  targets: none (no connectable database found)")
    lines.append(f"  findings: {len(d.findings)} (see .findings or .to_frame())")
    return "\n".join(lines) + _notes_text(d)


def _notes_text(d) -> str:
    if not d.notes:
        return ""
    return "\n  skipped:\n" + "\n".join(f"    {redact(n)}" for n in d.notes)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def to_frame(d):
    """Findings as a DataFrame with the columns ``COLUMNS``.

    >>> from dbwork.detect.model import Detection
    >>> list(to_frame(Detection('.', [], [], [], [])).columns) == COLUMNS
    True
    """
    import pandas as pd
    rows = [[f.kind, f.name, f.file, f.line, redact(f.evidence), f.confidence]
            for f in d.findings]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def to_html(d) -> str:
    """An HTML card: technologies, tools, targets (masked URLs) and evidence.

    >>> from dbwork.detect.model import Detection
    >>> to_html(Detection('.', [], [], [], [])).startswith("<div class='dbwork-detect'>")
    True
    """
    e = lambda s: escape(redact(str(s)))  # noqa: E731
    title = f"<h4>Detection of <code>{escape(d.path)}</code></h4>"
    if d.empty:
        return f"<div class='dbwork-detect'>{title}<p>{EMPTY}</p>{_notes_html(d, e)}</div>"
    parts = [title,
             f"<p><b>Technologies:</b> {e(', '.join(d.technologies) or '-')}<br>"
             f"<b>Tools:</b> {e(', '.join(d.tools) or '-')}</p>"]
    if d.is_ambiguous:
        parts.append("<p><b>Ambiguous:</b> the best targets tie; pick one with "
                     "<code>.target(name)</code>.</p>")
    rows = "".join(f"<tr><td>{i}</td><td>{e(t.name)}</td><td>{e(t.technology)}</td>"
                   f"<td><code>{e(t.display_url)}</code></td><td>{e(t.confidence)}</td>"
                   f"<td>{e(', '.join(f.where for f in t.evidence))}</td></tr>"
                   for i, t in enumerate(d.targets, 1))
    parts.append(_table(["#", "target", "technology", "url", "confidence", "evidence"], rows)
                 if rows else "<p>No connectable database found.</p>")
    rows = "".join("<tr>" + "".join(f"<td>{e('' if v is None else v)}</td>" for v in
                                    (f.kind, f.name, f.where, f.evidence, f.confidence))
                   + "</tr>" for f in d.findings)
    parts.append(_table(["kind", "name", "where", "evidence", "confidence"], rows))
    parts.append(_notes_html(d, e))
    return "<div class='dbwork-detect'>" + "".join(parts) + "</div>"


def _table(headers: list[str], rows: str) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _notes_html(d, e) -> str:
    if not d.notes:
        return ""
    return "<p><b>Skipped:</b></p><ul>" + "".join(f"<li>{e(n)}</li>" for n in d.notes) + "</ul>"
