"""Widgets for the notebook layer. They call only the public API, and their logic is
testable in plain pytest (``Button.click()`` runs the handlers synchronously)."""
from __future__ import annotations

import importlib
import sys
from typing import Callable


def have_widgets() -> bool:
    """Can ipywidgets be imported? Widgets are optional: without them the magics
    degrade to text (the error message, which still fails the cell). The import is
    tried, not only looked up: an ipywidgets whose own dependency is missing (``comm``)
    is found by ``find_spec`` yet fails to import, and must count as absent too.

    >>> isinstance(have_widgets(), bool)
    True
    """
    if "ipywidgets" in sys.modules:  # imported, or hidden with sys.modules[...] = None
        return sys.modules["ipywidgets"] is not None
    try:
        importlib.import_module("ipywidgets")
    except ImportError:
        return False
    return True


def target_chooser(detection, on_choose: Callable) -> "object":
    """A dropdown of the detected databases (masked URLs) and a Connect button.

    ``on_choose(target)`` is called with the chosen :class:`dbwork.detect.Target`.
    """
    import ipywidgets as w

    options = [(f"{t.name}: {t.technology} {t.display_url}", i)
               for i, t in enumerate(detection.targets)]
    dropdown = w.Dropdown(options=options, description="database")
    button = w.Button(description="Connect", button_style="primary")
    status = w.HTML(value="<i>several databases found: choose one</i>")

    def clicked(_):
        target = detection.targets[dropdown.value]
        on_choose(target)
        status.value = f"connected to <code>{target.display_url}</code>"

    button.on_click(clicked)
    box = w.VBox([status, w.HBox([dropdown, button])])
    box.dropdown, box.button, box.status = dropdown, button, status
    return box


def consent_widget(refusal, apply: Callable) -> "object":
    """The refusal of a destructive change, with what would be lost and a button that
    applies it anyway (a backup is kept), then shows the migration's card.
    ``apply()`` runs the migration with allow_data_loss=True and returns the Migration."""
    import html

    import ipywidgets as w

    class Consent(_Fallback, w.VBox):
        pass

    losses = "".join(f"<li>{html.escape(x)}</li>" for x in refusal.losses)
    question = (f"<b>This change destroys data:</b><ul>{losses}</ul>"
                "<i>dbwork keeps a backup; %rollback restores it.</i>")
    box = Consent()
    box.status = w.HTML(value=question)
    box.button = w.Button(description="Apply anyway", button_style="danger", icon="warning")
    box.out, box.result, box.error = w.Output(), [], None

    def clicked(_):
        box.button.disabled = True
        try:
            m = apply()
        except Exception as error:  # noqa: BLE001 - shown inside the widget
            from dbwork.errors import DbworkError
            if not isinstance(error, DbworkError):
                raise
            box.error, box.button.disabled = error, False
            box.status.value = question + _error_html(error)
            return
        box.result.append(m)
        box.status.value = (f"applied <code>{html.escape(m.version)} {html.escape(m.name)}"
                            f"</code> [{html.escape(m.status)}] with data loss allowed")
        _show(box.out, m)
        box.saved_view_changed()

    def static_html():
        from dbwork.docs.html import wrap
        if box.result:
            return wrap(box.status.value, "consent") + box.result[-1]._repr_html_()
        return wrap(question + "<p><small><i>not applied: the cell failed on purpose; "
                    "re-run it with --allow-data-loss, or click Apply anyway in a live "
                    "notebook</i></small></p>", "consent")

    box.static_html = static_html
    box.static_text = lambda: (f"applied {box.result[-1].name} with data loss allowed"
                               if box.result else "refused: this change would destroy data ("
                               + "; ".join(refusal.losses) + ")")
    box.button.on_click(clicked)
    box.children = [box.status, box.button, box.out]
    return box


# -- static fallbacks ----------------------------------------------------------------
class _Fallback:
    """A widget whose saved output reads well without a kernel or a widget manager:
    its MIME bundle adds text/html (the static view) and a short text/plain to the
    widget view. JupyterLab with a kernel shows the widget; untrusted, on GitHub,
    nbviewer or in an nbconvert export, the HTML."""

    def static_html(self) -> str:  # pragma: no cover - each widget says
        raise NotImplementedError

    def static_text(self) -> str:  # pragma: no cover - each widget says
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.static_text()
        data["text/html"] = self.static_html()
        return data

    def __repr__(self) -> str:
        return self.static_text()

    def _ipython_display_(self):
        """Shown as a display with an id (not a cell result), so that after each action
        the saved view is brought up to date (``saved_view_changed``): a notebook saved
        after clicking shows what the widget shows, not what it showed first."""
        from IPython.display import display
        self._display = display(self._repr_mimebundle_(), raw=True, display_id=True)

    def saved_view_changed(self) -> None:
        handle = getattr(self, "_display", None)
        if handle is not None:
            handle.update(self._repr_mimebundle_(), raw=True)


def _show(out, obj) -> None:
    """Replace what the Output widget shows by ``obj`` (testable without a front end:
    ``with out:`` needs one)."""
    out.outputs = ()
    if obj is not None:
        out.append_display_data(obj)


def _error_html(error: Exception) -> str:
    import html
    first, *rest = str(error).splitlines() or [""]
    more = "".join(f"<br>{html.escape(x)}" for x in rest)
    return (f'<div style="color:#dc2626"><b>{html.escape(type(error).__name__)}:</b> '
            f"{html.escape(first)}{more}</div>")


def _html_of(obj) -> str:
    """The HTML a result shows (a card, a report), or its text in a <pre>."""
    import html
    if hasattr(obj, "_repr_html_"):
        return obj._repr_html_()
    return f"<pre>{html.escape(str(obj))}</pre>"


# -- the migration panel -------------------------------------------------------------
def migration_panel(wb, name: str = "", text: str = ""):
    """A panel over one Workbench: its migrations with their status, a change to write
    (name and statements) and Plan (dry run), Rehearse (up, down, up on a copy), Apply
    and Roll back buttons. A change that destroys data asks for confirmation, then shows
    the card; Roll back first shows what it would run, then asks. Errors show inside.

    >>> # panel = migration_panel(dbwork.connect()); panel.name.value = "add_bio"
    """
    import ipywidgets as w

    class MigrationPanel(_Fallback, w.VBox):
        pass

    panel = MigrationPanel()
    panel.wb, panel.last, panel.error = wb, None, None
    panel.listing = w.HTML()
    panel.name = w.Text(value=name, description="name", placeholder="add_bio")
    panel.text = w.Textarea(value=text, placeholder="ALTER TABLE users ADD COLUMN bio TEXT;",
                            layout=w.Layout(width="100%", height="7em"))
    panel.plan = w.Button(description="Plan", icon="search", tooltip="dry run: change nothing")
    panel.rehearse = w.Button(description="Rehearse", icon="refresh",
                              tooltip="up, down, up on a throwaway copy")
    panel.apply = w.Button(description="Apply", button_style="primary", icon="check")
    panel.rollback = w.Button(description="Roll back", button_style="warning", icon="undo",
                              tooltip="undo the last migration (asks first)")
    panel.confirm = w.Button(description="", button_style="danger", icon="warning",
                             layout=w.Layout(display="none"))
    panel.cancel = w.Button(description="Cancel", layout=w.Layout(display="none"))
    panel.question = w.HTML()
    panel.out = w.Output()
    panel.pending_action = None
    _wire_panel(panel)
    panel.children = [panel.listing, panel.name, panel.text,
                      w.HBox([panel.plan, panel.rehearse, panel.apply, panel.rollback]),
                      panel.question, w.HBox([panel.confirm, panel.cancel]), panel.out]
    _refresh_listing(panel)
    return panel


def _wire_panel(panel) -> None:
    from dbwork.docs.panels import migrations_html, migrations_text
    panel.static_html = lambda: migrations_html(
        _rows(panel), panel.wb.display_url, _html_of(panel.last) if panel.last else "")
    panel.static_text = lambda: migrations_text(_rows(panel))

    def safely(action):
        def run(_=None):
            panel.error = None
            try:
                action()
            except Exception as error:  # noqa: BLE001 - shown inside the widget
                from dbwork.errors import DbworkError
                if not isinstance(error, DbworkError):
                    raise
                panel.error = error
                _ask(panel, None)
                _result(panel, None, _error_html(error))
            _refresh_listing(panel)
            panel.saved_view_changed()
        return run

    # Plan and Rehearse change nothing, so a destructive change is planned with its
    # losses listed on the card; only Apply asks before it runs
    panel.plan.on_click(safely(lambda: _result(panel, panel.wb.migrate(
        *_change(panel), dry_run=True, allow_data_loss=True))))
    panel.rehearse.on_click(safely(lambda: _result(panel, panel.wb.rehearse(
        *_change(panel), allow_data_loss=True))))
    panel.apply.on_click(safely(lambda: _apply(panel)))
    panel.rollback.on_click(safely(lambda: _rollback_asked(panel)))
    panel.confirm.on_click(safely(lambda: _confirmed(panel)))
    panel.cancel.on_click(safely(lambda: (_ask(panel, None), _result(panel, None, "<i>cancelled"
                                                                     "</i>"))))


def _change(panel) -> tuple[str, str]:
    from dbwork.errors import ConfigError
    name, text = panel.name.value.strip(), panel.text.value
    if not name:
        raise ConfigError("give the migration a name (letters, digits, _ and -)")
    return name, text


def _apply(panel) -> None:
    from dbwork.errors import DataLossRefused
    name, text = _change(panel)
    try:
        _result(panel, panel.wb.migrate(name, text))
    except DataLossRefused as refusal:
        import html
        losses = "".join(f"<li>{html.escape(x)}</li>" for x in refusal.losses)
        _ask(panel, ("apply", name, text), f"<b>This change destroys data:</b><ul>{losses}</ul>"
             "<i>dbwork keeps a backup first; Roll back restores it.</i>", "Apply anyway")
        _result(panel, None, "")


def _rollback_asked(panel) -> None:
    preview = panel.wb.rollback(dry_run=True)
    if not preview:
        _result(panel, None, "<i>nothing to roll back</i>")
        return
    m = preview[0]
    import html
    _ask(panel, ("rollback",), f"<b>Roll back {html.escape(m.version)} {html.escape(m.name)}?"
         "</b> Below is what it would run; its data comes back from backups.", "Roll back")
    _result(panel, m)


def _confirmed(panel) -> None:
    action, panel.pending_action = panel.pending_action, None
    _ask(panel, None)
    if action is None:
        return
    if action[0] == "apply":
        _result(panel, panel.wb.migrate(action[1], action[2], allow_data_loss=True))
    else:
        done = panel.wb.rollback()
        _result(panel, done[0] if done else None, "" if done else "<i>nothing to roll back</i>")


def _ask(panel, action, question: str = "", label: str = "") -> None:
    """Show (or, with no action, hide) the confirmation question and its buttons."""
    panel.pending_action = action
    panel.question.value = question if action else ""
    panel.confirm.description = label
    shown = "inline-flex" if action else "none"
    panel.confirm.layout.display = panel.cancel.layout.display = shown


def _result(panel, obj, message_html: str = "") -> None:
    """Show a result (a card, a report) or a message below the buttons."""
    import ipywidgets as w
    panel.last = obj
    _show(panel.out, obj if obj is not None else (w.HTML(message_html) if message_html else None))
    if obj is None and message_html:  # keep it for the saved view too
        panel.last = _Message(message_html)


class _Message:
    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def _rows(panel) -> list[dict]:
    from dbwork.docs.panels import migration_rows
    frame = panel.wb.history()
    history = frame[["version", "name", "status", "applied_at"]].to_dict("records") \
        if len(frame) else []
    return migration_rows(history, panel.wb.pending())


def _refresh_listing(panel) -> None:
    from dbwork.docs.panels import migrations_table
    panel.rows = _rows(panel)
    panel.listing.value = migrations_table(panel.rows)


# -- the schema browser --------------------------------------------------------------
def schema_browser(wb, table: str | None = None):
    """Tables (or collections) on the left; the selected one's columns, keys, indexes
    and the ER diagram of its neighbourhood on the right. Refresh reads the schema again.

    >>> # browser = schema_browser(wb); browser.select.value = "posts"
    """
    import ipywidgets as w
    from dbwork.docs.panels import browser_html, browser_text, object_names

    class SchemaBrowser(_Fallback, w.VBox):
        pass

    b = SchemaBrowser()
    b.wb, b.schema, b.error = wb, wb.schema(), None
    names = object_names(b.schema)
    if table is not None and table not in names:
        from dbwork.errors import UnknownObjectError
        raise UnknownObjectError("collection" if hasattr(b.schema, "collections") else "table",
                                 table)
    b.select = w.Select(options=names, value=table if table in names else (names[0] if names
                                                                              else None),
                        rows=min(12, max(3, len(names))), layout=w.Layout(width="14em"))
    b.details, b.diagram = w.HTML(), w.HTML()
    b.refresh = w.Button(description="Refresh", icon="refresh")
    b.static_html = lambda: browser_html(b.schema, b.select.value, b.diagram.value)
    b.static_text = lambda: browser_text(b.schema, b.select.value)
    b.select.observe(lambda change: (_browse(b), b.saved_view_changed()), names="value")
    b.refresh.on_click(lambda _: (_reread(b), b.saved_view_changed()))
    b.children = [w.HBox([w.VBox([b.select, b.refresh]), w.VBox([b.details, b.diagram])])]
    _browse(b)
    return b


def _browse(b) -> None:
    from dbwork.docs.html import diagram_html
    from dbwork.docs.panels import object_html
    name = b.select.value
    if name is None:
        b.details.value, b.diagram.value = "<i>no tables yet</i>", ""
        return
    try:
        b.details.value = object_html(b.schema, name)
        b.diagram.value = diagram_html(b.wb.erd([name]), f"ER diagram around {name}")
        b.error = None
    except Exception as error:  # noqa: BLE001 - shown inside the widget
        from dbwork.errors import DbworkError
        if not isinstance(error, DbworkError):
            raise
        b.error = error
        b.details.value, b.diagram.value = _error_html(error), ""


def _reread(b) -> None:
    from dbwork.docs.panels import object_names
    b.schema = b.wb.schema()
    names = object_names(b.schema)
    keep = b.select.value if b.select.value in names else (names[0] if names else None)
    b.select.options = names
    b.select.value = keep
    _browse(b)


# -- the detection view --------------------------------------------------------------
def detection_view(detection, connect: Callable | None = None):
    """What detection found: the databases (masked URLs) with their confidence, the
    evidence for the chosen one (file:line and the text seen), the tools; with
    ``connect(target)``, a Connect button that hands the chosen target over.

    >>> # view = detection_view(dbwork.detect("."), connect=lambda t: dbwork.connect(t.url))
    """
    import ipywidgets as w

    class DetectionView(_Fallback, w.VBox):
        pass

    v = DetectionView()
    v.detection, v.connected, v.error = detection, None, None
    options = [(f"{t.name}: {t.technology} {t.display_url} ({t.confidence})", i)
               for i, t in enumerate(detection.targets)]
    v.select = w.Dropdown(options=options, description="database",
                          layout=w.Layout(width="100%"))
    v.evidence, v.status = w.HTML(), w.HTML()
    v.button = w.Button(description="Connect", button_style="primary",
                        disabled=connect is None or not options)
    v.static_html = detection._repr_html_
    v.static_text = lambda: str(detection)
    v.select.observe(lambda change: _evidence(v), names="value")

    def clicked(_):
        target = detection.targets[v.select.value]
        try:
            v.connected = connect(target)
            v.status.value = f"connected to <code>{_esc(target.display_url)}</code>"
        except Exception as error:  # noqa: BLE001 - shown inside the widget
            from dbwork.errors import DbworkError
            if not isinstance(error, DbworkError):
                raise
            v.error = error
            v.status.value = _error_html(error)
        v.saved_view_changed()

    v.button.on_click(clicked)
    tools = ", ".join(detection.tools) or "none"
    v.children = [w.HTML(f"<b>{len(detection.targets)} database(s) found</b>; tools: "
                         f"{_esc(tools)}"), w.HBox([v.select, v.button]), v.evidence, v.status]
    _evidence(v)
    return v


def _esc(text) -> str:
    import html
    return html.escape(str(text))


def _evidence(v) -> None:
    from dbwork.docs.html import table
    if v.select.value is None:
        v.evidence.value = "<i>no database found: %detect uses the embedded SQLite default</i>"
        return
    t = v.detection.targets[v.select.value]
    v.evidence.value = table(["where", "what", "seen", "confidence"],
                             [[f.where, f"{f.kind} {f.name}", f.evidence, f.confidence]
                              for f in t.evidence]) if t.evidence else "<i>no evidence kept</i>"
