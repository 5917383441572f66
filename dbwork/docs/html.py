"""HTML pieces every rich output shares, made to survive where notebooks are read.

JupyterLab sanitizes the HTML of an untrusted notebook (every notebook opened from disk)
with an allow-list (@jupyterlab/apputils ``sanitizer.ts``): no ``<svg>`` and no
``<style>`` (their content is dropped or flattened to text), inline ``style`` values only
when plain (hex or rgba colours, lengths, named font families; never ``var(...)``), but
``<img>`` with any ``src``, ``<details>``, ``<pre>`` and classes are kept. So:

- a diagram is an ``<img src="data:image/svg+xml;base64,...">`` (kept as it is);
- theme colours come from a ``<style>`` block with JupyterLab's CSS variables (and
  fallbacks); where it is stripped, JupyterLab's own theme styles ``pre`` and ``code``;
- inline styles use only values both themes can read (mid-tone colours, rgba tints).

Pure; pygments (optional, it ships with IPython) highlights SQL when present.

>>> img = svg_img('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "ER diagram")
>>> img.startswith('<img class="dbwork-diagram" alt="ER diagram" src="data:image/svg+xml;base64,')
True
>>> "<span" in sql_block("SELECT 1;") or "SELECT 1;" in sql_block("SELECT 1;")
True
"""
from __future__ import annotations

import base64
import html
import re

STYLE = """<style>
.dbwork { font-family: var(--jp-ui-font-family, sans-serif); color: var(--jp-content-font-color1, inherit); max-width: 60em; }
.dbwork pre.dbwork-sql { font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 12px);
  background: var(--jp-cell-editor-background, var(--jp-layout-color1, rgba(127,127,127,0.08))); color: var(--jp-content-font-color1, inherit);
  border: 1px solid var(--jp-border-color2, rgba(127,127,127,0.3)); padding: 6px 8px; margin: 4px 0; overflow-x: auto; white-space: pre; }
.dbwork code { font-family: var(--jp-code-font-family, monospace); }
.dbwork summary { cursor: pointer; }
.dbwork table.dbwork-table { border-collapse: collapse; font-size: var(--jp-ui-font-size1, 13px); }
.dbwork table.dbwork-table td, .dbwork table.dbwork-table th { border: 1px solid var(--jp-border-color2, rgba(127,127,127,0.3)); padding: 2px 6px; text-align: left; }
.dbwork img.dbwork-diagram { max-width: 100%; background: #ffffff; border-radius: 4px; padding: 4px; }
.dbwork-sql .k, .dbwork-sql .kd, .dbwork-sql .kn, .dbwork-sql .kr, .dbwork-sql .nb { color: var(--jp-mirror-editor-keyword-color, #008000); font-weight: bold; }
.dbwork-sql .kt { color: var(--jp-mirror-editor-builtin-color, #008000); }
.dbwork-sql .s, .dbwork-sql .s1, .dbwork-sql .s2 { color: var(--jp-mirror-editor-string-color, #ba2121); }
.dbwork-sql .m, .dbwork-sql .mi, .dbwork-sql .mf { color: var(--jp-mirror-editor-number-color, #080); }
.dbwork-sql .c1, .dbwork-sql .cm, .dbwork-sql .c { color: var(--jp-mirror-editor-comment-color, #408080); font-style: italic; }
.dbwork-sql .o { color: var(--jp-mirror-editor-operator-color, #aa22ff); }
</style>"""

# mid-tone colours: readable on a light and on a dark background
STATUS_COLOR = {"applied": "#16a34a", "planned": "#3b82f6", "rolled_back": "#8b5cf6",
                "failed": "#dc2626", "running": "#d97706"}
WARN_COLOR = "#d97706"
ERROR_COLOR = "#dc2626"


def e(text) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def wrap(body: str, kind: str) -> str:
    """The outer ``<div>`` every dbwork output uses, with the theme style block."""
    return f'<div class="dbwork dbwork-{kind}">{STYLE}\n{body}\n</div>'


def svg_img(svg: str, alt: str) -> str:
    """An SVG as an ``<img>`` with a data URI: survives JupyterLab's sanitizer, GitHub
    and nbconvert, and keeps the drawing's own colours on a dark theme."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="dbwork-diagram" alt="{e(alt)}" src="data:image/svg+xml;base64,{data}">'


def sql_block(text: str) -> str:
    """A monospace ``<pre>`` with SQL highlighting (pygments classes; colours come from
    the style block) when pygments is installed, else escaped text."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import SqlLexer
    except ImportError:
        return f'<pre class="dbwork-sql">{e(text)}</pre>'
    body = highlight(text, SqlLexer(), HtmlFormatter(nowrap=True))
    return f'<pre class="dbwork-sql">{body.rstrip()}</pre>'


def details(summary: str, body: str, open_: bool = False) -> str:
    """A collapsible section; ``summary`` is HTML."""
    return f'<details{" open" if open_ else ""}><summary>{summary}</summary>{body}</details>'


def table(header: list[str], rows: list[list]) -> str:
    """A small HTML table of escaped cells."""
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="dbwork-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def diagram_html(diagram, alt: str = "ER diagram") -> str:
    """A diagram (anything with ``_repr_mimebundle_``) as an ``<img>``; its DOT source
    with a hint when Graphviz's ``dot`` is missing."""
    bundle = diagram._repr_mimebundle_()
    if "image/svg+xml" in bundle:
        return svg_img(bundle["image/svg+xml"], alt)
    source = getattr(diagram, "source", None) or bundle.get("text/plain", "")
    return ("<p><i>install Graphviz (the <code>dot</code> program, Debian package "
            "'graphviz') to draw this diagram; its DOT source:</i></p>"
            f'<pre class="dbwork-sql">{e(source)}</pre>')


_TMP = re.compile(r"^\s*CREATE TABLE\s+[\"`]?_alembic_tmp_(\S+?)[\"`]?\s*\(", re.I)
_SWAP = re.compile(r"^\s*ALTER TABLE\s+[\"`]?_alembic_tmp_(\S+?)[\"`]?\s+RENAME TO", re.I)


def summarise_rebuilds(statements: list[str], dialect: str) -> list[str]:
    """For reading: SQLite's table rebuild (create ``_alembic_tmp_<t>``, copy, drop,
    rename) becomes one line; the migration file keeps every statement.

    >>> summarise_rebuilds(["CREATE TABLE _alembic_tmp_posts (id INT)",
    ...     "INSERT INTO _alembic_tmp_posts (id) SELECT id FROM posts", "DROP TABLE posts",
    ...     "ALTER TABLE _alembic_tmp_posts RENAME TO posts", "CREATE INDEX i ON posts (id)"],
    ...     "sqlite")
    ['-- rebuild table posts (SQLite): 4 statements copy its rows into the new shape', 'CREATE INDEX i ON posts (id)']
    """
    out, i = [], 0
    while i < len(statements):
        start = _TMP.match(statements[i])
        end = next((j for j in range(i + 1, len(statements))
                    if start and _SWAP.match(statements[j])
                    and _SWAP.match(statements[j]).group(1) == start.group(1)), None)
        if start and end is not None:
            name = start.group(1)
            label = _engine_label(dialect)
            out.append(f"-- rebuild table {name} ({label}): {end - i + 1} statements "
                       "copy its rows into the new shape")
            i = end + 1
            continue
        out.append(statements[i])
        i += 1
    return out


def _engine_label(dialect: str) -> str:
    """The engine's name as people write it (no dialect: SQLite, dbwork's default)."""
    from ..backends import get_backend
    from ..errors import ConfigError
    try:
        return get_backend(dialect or "sqlite").dialect.display_name or dialect
    except ConfigError:
        return dialect
