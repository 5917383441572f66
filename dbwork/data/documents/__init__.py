"""SQL to MongoDB and back: a document design measured from the data
(:func:`design_documents`), the copy along it (:func:`copy_to_documents`), and the copy
of collections into inferred tables (:func:`copy_from_documents`); each validated and
resumable.

>>> import tempfile, os, sqlite3, dbwork
>>> d = tempfile.mkdtemp(); path = os.path.join(d, "shop.sqlite")
>>> with sqlite3.connect(path) as c:
...     _ = c.executescript('''CREATE TABLE orders (id INTEGER PRIMARY KEY, placed TEXT NOT NULL);
...         CREATE TABLE order_items (id INTEGER PRIMARY KEY,
...             order_id INTEGER NOT NULL REFERENCES orders (id), sku TEXT NOT NULL);
...         INSERT INTO orders VALUES (1, '2024-01-02'), (2, '2024-01-03');
...         INSERT INTO order_items VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');''')
>>> design = design_documents(dbwork.connect(f"sqlite:///{path}"))
>>> design.collections, design.target_name("order_items")
(['orders'], 'orders.items[]')
"""
from __future__ import annotations

from .design import DocumentDesign, Placement, propose
from .stats import Measurements

__all__ = ["DocumentDesign", "Placement", "copy_from_documents", "copy_to_documents",
           "design_documents"]


def design_documents(source, tables=None, max_children: int | None = None,
                     decimals: str = "decimal128", sample: int = 200) -> DocumentDesign:
    """Propose a document design for ``source`` (a SQL URL or Workbench): each table a
    collection, or embedded in its parent along a foreign key when its rows are few
    and bounded per parent, each choice explained from the schema and measurements of
    the data (children per parent, estimated document size against 16 MB).
    ``decimals``: how NUMERIC is stored, "decimal128" (exact), "string" or "double"."""
    from ...errors import ConfigError
    from .design import DEFAULT_MAX_CHILDREN
    from .values import DECIMAL_MODES
    if decimals not in DECIMAL_MODES:
        raise ConfigError(f"decimals= must be one of {', '.join(DECIMAL_MODES)}, not "
                          f"{decimals!r}")
    wb = _workbench(source)
    if not wb.dialect.relational:
        raise ConfigError("design_documents reads a SQL database; this source is MongoDB")
    schema = wb.schema()
    names = _tables(schema, tables)
    flat = DocumentDesign(schema, Measurements(), {t: Placement(t) for t in names}, decimals=decimals)
    from bson import encode

    from .build import document
    from .sql_read import measure
    with wb.backend.connect() as conn:
        m = measure(conn, schema, names, lambda t, r: len(encode(document(flat, t, r, {}))),
                    sample)
    return propose(schema, m, names, max_children or DEFAULT_MAX_CHILDREN, decimals,
                   wb.display_url, wb.dialect.sqlglot)


def _workbench(source):
    if isinstance(source, str):
        from ...workbench import connect  # the Workbench and its engines load on use
        return connect(source)
    return source


def _tables(schema, tables) -> list[str]:
    from ...errors import UnknownObjectError
    from ...backends.mongodb.introspect import is_user_collection
    names = [t for t in schema.tables if is_user_collection(t)]
    if tables is None:
        return names
    for t in tables:
        if t not in schema.tables:
            raise UnknownObjectError("table", t)
    return [t for t in names if t in set(tables)]


def copy_to_documents(source_wb, target_wb, tables=None, design=None, resume=True,
                      progress=True, **options):
    """Copy SQL tables into MongoDB along a design; see :mod:`.to_documents`."""
    from .to_documents import copy_to_documents as run
    return run(source_wb, target_wb, tables=tables, design=design, resume=resume,
               progress=progress, **options)


def copy_from_documents(source_wb, target_wb, tables=None, resume=True, progress=True,
                        **options):
    """Copy MongoDB collections into inferred SQL tables; see :mod:`.from_documents`."""
    from .from_documents import copy_from_documents as run
    return run(source_wb, target_wb, tables=tables, resume=resume, progress=progress,
               **options)
