"""SQL Server: no server can run here, so its scripts are proven by rendering a plan
through the render layer and comparing with reviewed text (golden/mssql_plan.sql).
Set DBWORK_REGEN=1 to rewrite the golden file after a deliberate change."""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dbwork.dialects import get_dialect  # noqa: E402
from dbwork.migration import Migration  # noqa: E402
from dbwork.model import Schema  # noqa: E402
from dbwork.parse.sql import parse_sql  # noqa: E402
from dbwork.plan.steps import add_backups, plan_steps  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "mssql_plan.sql"
BEFORE = ("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, "
          "active BOOLEAN, bio TEXT);")
CHANGE = """ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(200);
ALTER TABLE users RENAME COLUMN bio TO about;
CREATE UNIQUE INDEX ux_users_email ON users (email);
ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
                    body TEXT, created TIMESTAMP, payload JSONB);
ALTER TABLE users DROP COLUMN active;
ALTER TABLE users DROP COLUMN age;
"""


def render_plan() -> str:
    pg, ms = get_dialect("postgresql"), get_dialect("mssql")
    base = parse_sql(BEFORE, pg, Schema()).schema
    parsed = parse_sql(CHANGE, ms, base, source=pg)
    ops, _ = add_backups(parsed.ops, base, "20260101000000")
    m = Migration("20260101000000", "mssql_plan", plan_steps(ops, base, ms), dialect="mssql")
    return f"{m.up}\n\n-- migrate:down\n{m.down}\n"


def test_mssql_plan_renders_as_reviewed():
    text = render_plan()
    if os.environ.get("DBWORK_REGEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_mssql_specifics():
    text = render_plan()
    assert "SELECT id, active INTO _dbwork_bak_20260101000000_" in text   # no CREATE ... AS
    assert "DATETIME2" in text and "NVARCHAR(max)" in text and "BIT" in text
    assert "sys.default_constraints" in text       # the default goes before its column
    assert "EXEC sp_rename 'users.bio', about, 'COLUMN'" in text
