"""PostgreSQL's bulk loading: COPY, and sequences moved past the ids written
(registered on import)."""
from __future__ import annotations

from ...data.demo_io import CHUNK, advance_counters, bulk_write
from ...render.data import _literal, quote


@bulk_write.override("postgresql")
def _copy(d, raw, target: str, names: str, width: int, data, bar=None) -> None:
    with raw.cursor() as cur, cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for n, row in enumerate(data, 1):
            copy.write_row(row)
            if bar is not None and n % CHUNK == 0:
                bar.update(CHUNK)
    if bar is not None:
        bar.update(len(data) % CHUNK)


@advance_counters.override("postgresql")
def _setval(d, s, t) -> None:
    """Serial/identity sequences past the ids written explicitly."""
    for c in t.columns:
        if c.autoincrement or (c.default or "").startswith("nextval"):
            s.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence({_literal(quote(t.name, d))}, "
                f"{_literal(c.name)}), "
                f"COALESCE(MAX({quote(c.name, d)}), 0) + 1, false) FROM {quote(t.name, d)}")
