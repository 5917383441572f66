"""Widgets for the notebook layer. They call only the public API, and their logic is
testable in plain pytest (``Button.click()`` runs the handlers synchronously)."""
from __future__ import annotations

import importlib.util
import sys
from typing import Callable


def have_widgets() -> bool:
    """Can ipywidgets be imported? Widgets are optional: without them the magics
    degrade to text (the error message, which still fails the cell).

    >>> isinstance(have_widgets(), bool)
    True
    """
    if "ipywidgets" in sys.modules:  # imported, or hidden with sys.modules[...] = None
        return sys.modules["ipywidgets"] is not None
    try:
        return importlib.util.find_spec("ipywidgets") is not None
    except (ImportError, ValueError):
        return False


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
    applies it anyway (a backup is kept). ``apply()`` runs the migration with
    allow_data_loss=True and returns the Migration."""
    import html

    import ipywidgets as w

    losses = "".join(f"<li>{html.escape(x)}</li>" for x in refusal.losses)
    status = w.HTML(value=f"<b>This change destroys data:</b><ul>{losses}</ul>"
                          "<i>dbwork keeps a backup; %rollback restores it.</i>")
    button = w.Button(description="Apply anyway", button_style="danger", icon="warning")
    result = []

    def clicked(_):
        button.disabled = True
        m = apply()
        result.append(m)
        status.value = f"applied <code>{html.escape(m.version)} {html.escape(m.name)}</code> " \
                       f"[{html.escape(m.status)}] with data loss allowed"

    button.on_click(clicked)
    box = w.VBox([status, button])
    box.button, box.status, box.result = button, status, result
    return box
