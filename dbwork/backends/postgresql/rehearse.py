"""PostgreSQL's rehearsal copy: CREATE DATABASE ... TEMPLATE, dropped WITH (FORCE) after."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from ...errors import DbworkError
from ...safety.rehearse import _admin_engine, _scratch_name, copy_for_rehearsal


@copy_for_rehearsal.override("postgresql")
@contextmanager
def _pg_copy(dialect, wb, sample_rows: int):
    scratch = _scratch_name(wb.url.database)
    engine = _admin_engine(wb.url.with_database("postgres"))
    wb.backend.close()  # a template must have no other session: drop our own
    try:
        with engine.connect() as c:
            try:
                c.exec_driver_sql(f"CREATE DATABASE {dialect.quote(scratch)} TEMPLATE {dialect.quote(wb.url.database)}")
            except sa.exc.DBAPIError as e:
                raise DbworkError(
                    "cannot copy the database for a rehearsal (CREATE DATABASE ... TEMPLATE "
                    "needs no other session on it): " + str(e.orig).splitlines()[0]) from None
        yield wb.url.with_database(scratch), {}
    finally:
        with engine.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {dialect.quote(scratch)} WITH (FORCE)")
        engine.dispose()
