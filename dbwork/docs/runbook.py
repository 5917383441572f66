"""An executed notebook as a standalone HTML runbook record.

The record is the notebook's own HTML export (nbconvert's lab template: outputs as they
were seen, diagrams inline) with a header section before it: which database (its URL
without credentials), when the record was made and by whom, every apply, rollback and
failure from the history's event log (when, what, by whom), and each migration's
forward and rollback scripts. The file needs nothing beside it to be read or archived.

The pieces here are pure; :meth:`dbwork.Workbench.runbook` gathers the facts.

>>> facts = RunbookFacts(title="Add posts", target="sqlite:///app.sqlite",
...                      made_at="2026-12-03T10:00:00Z", made_by="ana")
>>> "Add posts" in header_html(facts)
True
"""
from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DbworkError


@dataclass(frozen=True)
class RunbookEntry:
    """One event of the log, with the migration's scripts."""

    at: str
    version: str
    name: str
    event: str           # applied | rolled_back | failed
    status: str
    by: str = ""
    reason: str = ""
    up: str = ""
    down: str = ""


@dataclass(frozen=True)
class RunbookFacts:
    title: str
    target: str          # display URL: never a password
    made_at: str
    made_by: str
    entries: tuple[RunbookEntry, ...] = field(default_factory=tuple)


def notebook_title(notebook: dict, fallback: str) -> str:
    """The first Markdown heading of the notebook, else ``fallback``."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            match = re.search(r"^#+\s+(.+)$", source, re.M)
            if match:
                return match.group(1).strip()
    return fallback


def header_html(facts: RunbookFacts) -> str:
    """The record's header: the target, who made the record and when, the event log
    and each migration's scripts (collapsed)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(x.at)}</td><td><code>{e(x.version)}</code></td><td>{e(x.name)}</td>"
        f"<td>{e(x.event)}</td><td>{e(x.by)}</td><td>{e(x.reason)}</td></tr>"
        for x in facts.entries)
    log = (f"<table><thead><tr><th>at (UTC)</th><th>version</th><th>migration</th>"
           f"<th>event</th><th>by</th><th>reason</th></tr></thead><tbody>{rows}</tbody>"
           "</table>") if facts.entries else "<p><i>no migration ran on this database</i></p>"
    scripts = "".join(_scripts(x) for x in _first_per_version(facts.entries))
    return (f'<section class="dbwork-runbook"><h1>Runbook: {e(facts.title)}</h1>'
            f"<p>Database <code>{e(facts.target)}</code>. Record made {e(facts.made_at)} "
            f"by {e(facts.made_by)} from the notebook as last saved.</p>"
            f"<h2>What ran</h2>{log}{scripts}</section><hr>")


def _first_per_version(entries) -> list[RunbookEntry]:
    seen, out = set(), []
    for x in entries:
        if x.version not in seen and (x.up or x.down):
            seen.add(x.version)
            out.append(x)
    return out


def _scripts(x: RunbookEntry) -> str:
    e = html.escape
    return (f"<details><summary>{e(x.version)} {e(x.name)}: forward and rollback scripts"
            f"</summary><pre>{e(x.up)}</pre><p>rollback</p><pre>{e(x.down or '-- none')}"
            "</pre></details>")


def with_header(page: str, header: str) -> str:
    """``page`` (a whole HTML document) with ``header`` first in its body."""
    match = re.search(r"<body[^>]*>", page)
    if match is None:
        raise DbworkError("the notebook export has no <body>: cannot add the runbook header")
    return page[:match.end()] + header + page[match.end():]


def export_notebook(path: Path) -> tuple[dict, str]:
    """The notebook at ``path`` (as JSON) and its standalone HTML export."""
    if not path.is_file():
        raise DbworkError(f"no notebook at {path}: save it first, or name it "
                          "(%runbook NOTEBOOK.ipynb)")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DbworkError(f"{path} is not a notebook file: {exc}") from None
    import nbformat  # the notebook extra: nbconvert comes with jupyterlab
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nbformat.reads(json.dumps(notebook), as_version=4))
    return notebook, body


def current_user() -> str:
    """Who is running this (the OS login; "unknown" where there is none)."""
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"
