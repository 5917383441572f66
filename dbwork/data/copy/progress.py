"""Progress bars for long copies: tqdm in a terminal, tqdm's notebook widget in Jupyter,
nothing when turned off or when tqdm is not installed. One bar per table, safe to update
from worker threads.

The notebook is recognised without importing IPython (the core never does): only if a
kernel already runs in this process.

>>> with Progress(enabled=False) as p:
...     bar = p.bar("users", total=3)
...     bar.update(3)
...     bar.n
3
"""
from __future__ import annotations

import sys
import threading


class NullBar:
    """A bar that counts and shows nothing."""

    def __init__(self, total: int | None = None):
        self.total = total
        self.n = 0
        self._lock = threading.Lock()

    def update(self, n: int = 1) -> None:
        with self._lock:
            self.n += n

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython already imported, a kernel app)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _tqdm_class():
    try:
        if in_notebook():
            from tqdm.notebook import tqdm
        else:
            from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


class Progress:
    """A set of bars, one per table: ``Progress(enabled=True).bar("users", total=n)``.
    ``enabled`` may also be an already open file to draw on (tests, logs)."""

    def __init__(self, enabled=True, unit: str = "rows"):
        self.enabled = bool(enabled)
        self.file = enabled if hasattr(enabled, "write") else None
        self.unit = unit
        self.bars: list = []
        self._cls = _tqdm_class() if self.enabled else None

    def bar(self, name: str, total: int | None = None, initial: int = 0):
        """A bar for ``name`` (``initial``: rows already copied before a resume)."""
        if self._cls is None:
            b = NullBar(total)
            b.n = initial
        else:
            extra = {"file": self.file} if self.file is not None else {}
            b = self._cls(total=total, initial=initial, desc=name, unit=self.unit,
                          unit_scale=True, leave=True, dynamic_ncols=True, **extra)
        self.bars.append(b)
        return b

    def close(self) -> None:
        for b in self.bars:
            b.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
