"""Widgets for the notebook layer. They call only the public API, and their logic is
testable in plain pytest (``Button.click()`` runs the handlers synchronously)."""
from __future__ import annotations

from typing import Callable


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
