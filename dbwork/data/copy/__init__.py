"""Copy tables between databases: SQLite, PostgreSQL and MariaDB into one another (this
package), or with a MongoDB side (handed to :mod:`dbwork.data.documents`).

>>> import os, sqlite3, tempfile, dbwork
>>> d = tempfile.mkdtemp()
>>> src = sqlite3.connect(os.path.join(d, "a.sqlite"))
>>> _ = src.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
...                       "INSERT INTO users VALUES (1, 'a@x.org'), (2, 'b@x.org');")
>>> src.close()
>>> report = dbwork.copy(f"sqlite:///{d}/a.sqlite", f"sqlite:///{d}/b.sqlite", progress=False)
>>> print(report.ok, report.table("users").written, report.table("users").checksum_match)
True 2 True
"""
from __future__ import annotations

from ..copy_report import CopyReport


def copy(source, target, tables=None, design=None, resume=True, progress=True,
         executor=None, **options) -> CopyReport:
    """Copy ``tables`` (default: every table) from ``source`` into ``target`` (each a
    URL or a Workbench) and validate the result; a :class:`CopyReport`.

    SQL to SQL: the schema is translated (types, defaults, identity, CHECKs, keys and
    indexes after the data), rows move in foreign-key order along the target's fast
    path, sequences are set past the copied ids, then row counts, a checksum over every
    row on each side and a sample compared field by field say whether it is all there.
    ``resume=True``: a copy stopped part way (Ctrl-C, kill -9, a lost server) goes on
    from its checkpoints. ``executor``: a ``distributed.Client`` (or any
    ``concurrent.futures`` executor) to run the chunks on; default local threads.
    ``options``: ``batch_rows``, ``chunk_rows``, ``workers``, ``validate``.
    A MongoDB side is handed to ``dbwork.data.documents`` (``design``: a DocumentDesign).
    """
    from .runner import Options
    opts = Options(**options)     # an unknown option is a TypeError before any connection
    source_wb, target_wb = _workbench(source), _workbench(target)
    try:
        kinds = (source_wb.dialect.name, target_wb.dialect.name)
        if "mongodb" in kinds:
            return _documents(source_wb, target_wb, kinds, tables, design, resume, progress)
        from .runner import copy_sql
        return copy_sql(source_wb, target_wb, tables=tables, resume=resume,
                        progress=progress, executor=executor, options=opts)
    finally:
        for given, wb in ((source, source_wb), (target, target_wb)):
            if wb is not given:
                wb.close()


def verify_copy(source, target, tables=None, executor=None) -> CopyReport:
    """Validate a copy made earlier, without copying: row counts, the checksum over every
    row on each side, a sample compared field by field (a CopyReport with no rows read).

    >>> import os, sqlite3, tempfile, dbwork
    >>> d = tempfile.mkdtemp()
    >>> for name in ("a", "b"):
    ...     c = sqlite3.connect(os.path.join(d, name + ".sqlite"))
    ...     _ = c.executescript("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
    ...                         "INSERT INTO t VALUES (1, 'x');"); c.close()
    >>> verify_copy(f"sqlite:///{d}/a.sqlite", f"sqlite:///{d}/b.sqlite").ok
    True
    """
    from .runner import verify
    source_wb, target_wb = _workbench(source), _workbench(target)
    try:
        return verify(source_wb, target_wb, tables, executor)
    finally:
        for given, wb in ((source, source_wb), (target, target_wb)):
            if wb is not given:
                wb.close()


def _workbench(x):
    from ...workbench import Workbench
    if isinstance(x, Workbench):
        return x
    import tempfile
    return Workbench(x, migrations=tempfile.gettempdir())


def _documents(source_wb, target_wb, kinds, tables, design, resume, progress) -> CopyReport:
    from ...errors import UnsupportedError
    try:
        from .. import documents
    except ImportError:
        raise UnsupportedError("a copy with a MongoDB side needs dbwork.data.documents, "
                               "which this installation lacks") from None
    if kinds[1] == "mongodb" and kinds[0] != "mongodb":
        return documents.copy_to_documents(source_wb, target_wb, tables=tables, design=design,
                                           resume=resume, progress=progress)
    if kinds[0] == "mongodb" and kinds[1] != "mongodb":
        return documents.copy_from_documents(source_wb, target_wb, tables=tables,
                                             resume=resume, progress=progress)
    raise UnsupportedError("MongoDB to MongoDB is not a copy dbwork makes: use mongodump")


__all__ = ["copy", "verify_copy", "CopyReport"]
