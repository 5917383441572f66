"""SQLite's rehearsal copy: the online backup API into a temporary file."""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ...errors import DbworkError
from ...safety.rehearse import copy_for_rehearsal


@copy_for_rehearsal.override("sqlite")
@contextmanager
def _sqlite_copy(dialect, wb, sample_rows: int):
    src = wb.url.database
    if not src or src == ":memory:" or not Path(src).exists():
        raise DbworkError("rehearsal needs a SQLite file (not :memory:)")
    d = tempfile.mkdtemp(prefix="dbwork_rehearsal_")
    dest = str(Path(d) / "rehearsal.sqlite")
    try:
        a, b = sqlite3.connect(src), sqlite3.connect(dest)
        try:
            a.backup(b)
        finally:
            a.close()
            b.close()
        yield wb.url.with_database(dest), {}
    finally:
        shutil.rmtree(d, ignore_errors=True)
