"""Convergence and round trip over the fixture cases, on every backend.

A case is a folder in cases/: before.sql (or before.<dialect>.sql), seed.sql (rows
that must survive), change.sql, expected.<dialect>.sql (the up and down scripts, golden)
and an optional case.json (allow_data_loss, capability skips, a statement to run after
the rollback and the value it must give). Set DBWORK_REGEN=1 to rewrite the golden
scripts after a deliberate change, then review the diff.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbwork.dialects import get_dialect
from dbwork.introspect.compare import schema_differences
from dbwork.introspect.sql import is_internal
from dbwork.ops.schema_ops import apply_all



def dialect_of(backend: str) -> str:
    return "mysql" if backend == "mariadb" else backend

CASES = Path(__file__).parent / "cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "change.sql").exists())


def read_case(name: str, dialect: str) -> dict:
    d = CASES / name
    before = d / f"before.{dialect}.sql"
    meta = json.loads((d / "case.json").read_text()) if (d / "case.json").exists() else {}
    return dict(before=(before if before.exists() else d / "before.sql").read_text(),
                seed=(d / "seed.sql").read_text(), change=(d / "change.sql").read_text(),
                expected=d / f"expected.{dialect}.sql", **meta)


def snapshot_rows(wb) -> dict[str, list[tuple]]:
    """Every row of every user table, in a stable order."""
    out = {}
    with wb.backend.connect() as conn:
        insp = sa.inspect(conn)
        for t in sorted(n for n in insp.get_table_names() if not is_internal(n)):
            cols = [c["name"] for c in insp.get_columns(t)]
            q = wb.backend.dialect
            from dbwork.render.data import quote
            order = ", ".join(quote(c, q) for c in cols)
            rows = conn.exec_driver_sql(f"SELECT * FROM {quote(t, q)} ORDER BY {order}").all()
            out[t] = sorted((tuple(sorted(zip(cols, r))) for r in rows), key=repr)
        conn.rollback()
    return out


def run_sql(wb, text: str) -> None:
    from dbwork.parse.cell import split_statements
    with wb.backend.connect() as conn:
        for st in split_statements(text, wb.backend.dialect.sqlglot):
            conn.exec_driver_sql(st.text)
        conn.commit()


def normalise_script(text: str) -> str:
    """Backup tables carry the migration's version: mask it."""
    text = re.sub(r"_dbwork_chk_\d{14}(?:\d{6})?_", "_dbwork_chk_VERSION_", text)  # the restore check
    return re.sub(r"_dbwork_bak_\d{14}(?:\d{6})?_", "_dbwork_bak_VERSION_", text).strip() + "\n"


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_converges_and_round_trips(case, backend, wb):
    dialect = dialect_of(backend)
    c = read_case(case, dialect)
    if dialect in c.get("skip", {}):
        pytest.skip(f"capability: {c['skip'][dialect]}")
    wb.migrate("before", c["before"])
    run_sql(wb, c["seed"])
    start_schema, start_rows = wb.schema(), snapshot_rows(wb)

    m = wb.migrate("change", c["change"], allow_data_loss=c.get("allow_data_loss", False))
    assert m.status == "applied"

    # the scripts are what the golden file says, byte for byte
    script = normalise_script(f"{m.up}\n\n-- migrate:down\n{m.down}")
    if os.environ.get("DBWORK_REGEN"):
        c["expected"].write_text(script)
    assert script == c["expected"].read_text(), f"{case}: script changed"

    # convergence: the live schema is what the parser simulated
    wanted = apply_all([s.op for s in m.steps], start_schema)
    assert schema_differences(wanted, wb.schema(), get_dialect(dialect)) == []

    # round trip: schema and every row back as they were
    [back] = wb.rollback()
    assert back.status == "rolled_back"
    assert schema_differences(start_schema, wb.schema(), get_dialect(dialect)) == []
    assert snapshot_rows(wb) == start_rows
    if "after_rollback" in c:
        run_sql(wb, c["after_rollback"])
        with wb.backend.connect() as conn:
            got = conn.exec_driver_sql(c["expect_after_rollback"]).scalar()
        want = c["expect_value"]     # one value, or one per dialect
        assert got == (want[dialect] if isinstance(want, dict) else want)
