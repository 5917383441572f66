"""A corrupt history field is a HistoryCorrupt naming the row and field (issue 11
point 5), on every backend, for every reader of history."""
from __future__ import annotations

import pytest

from dbwork.errors import HistoryCorrupt


@pytest.mark.parametrize("column, value, field", [
    ("extra", "{not json", "extra"),
    ("extra", "[1, 2]", "extra"),
])
def test_corrupt_history_field_is_named(wb, column, value, field):
    m = wb.migrate("setup", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    with wb.backend.connect() as conn:
        import sqlalchemy as sa
        conn.execute(sa.text(f"UPDATE dbwork_migrations SET {column} = :v"), {"v": value})
        conn.commit()
    for read in (wb.backend.history, wb.pending, wb.rollback):
        with pytest.raises(HistoryCorrupt) as err:
            read()
        assert (err.value.version, err.value.field) == (m.version, field)
        assert m.version in str(err.value) and f"'{field}'" in str(err.value)
