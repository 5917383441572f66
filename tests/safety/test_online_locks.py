"""Point 7: lock levels and estimates (PostgreSQL), and the online rewrites applied
for real; on SQLite and MariaDB make_online leaves the plan as it is."""
from __future__ import annotations

import pytest

from dbwork.execute.runner import run_down, run_up
from dbwork.migration import Migration
from dbwork.parse.sql import parse_sql
from dbwork.plan.steps import plan_steps
from dbwork.safety import make_online, review
from dbwork.plan.facts import Facts, gather_facts
from dbwork.safety.locks import lock_report, lock_warnings

from safety_helpers import dump, run_sql


def online_migration(wb, text, version="20990101000001"):
    schema = wb.schema()
    ops = parse_sql(text, wb.dialect, schema).ops
    ops = make_online(ops, schema, wb.dialect, batch=2)
    return ops, Migration(version, "online", plan_steps(ops, schema, wb.dialect),
                          dialect=wb.dialect.name)


def test_lock_levels_and_estimates(users):
    schema = users.schema()
    ops = parse_sql("CREATE INDEX ix_age ON users (age);\n"
                    "ALTER TABLE users ALTER COLUMN age TYPE BIGINT;" if users.dialect.name != "mysql"
                    else "CREATE INDEX ix_age ON users (age);\nALTER TABLE users MODIFY age BIGINT;",
                    users.dialect, schema).ops
    with users.backend.session() as s:
        facts = gather_facts(s, ["users"], users.dialect)
    assert facts.row_count("users") == 4
    report = lock_report(ops, facts)
    assert [r["lock"] for r in report] == ["SHARE", "ACCESS EXCLUSIVE"]
    assert [r["work"] for r in report] == ["index", "rewrite"]
    big = lock_report(ops, Facts(rows={"users": 4_000_000}))
    assert big[1]["seconds"] == 10.0
    assert "estimated ~10 s" in lock_warnings(big)[1]
    if users.dialect.name == "postgresql":
        assert facts.server_version >= 110000 and facts.bytes["users"] > 0
        with users.backend.session() as s:
            rv = review(ops, schema, users.dialect, s)
        assert rv.locks and rv.locks[0]["lock"] == "SHARE"


def test_online_rewrites_apply_and_roll_back(users):
    users.migrate("orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);")
    run_sql(users, "INSERT INTO orders (id, user_id) VALUES (1, 1), (2, 3)")
    text = ("CREATE INDEX ix_orders_user ON orders (user_id);\n"
            "ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);\n"
            "ALTER TABLE users ADD COLUMN plan VARCHAR(10) NOT NULL DEFAULT 'free';")
    before_users, before_schema = dump(users, "users"), users.schema()
    ops, m = online_migration(users, text)
    kinds = [type(o).__name__ for o in ops]
    if users.dialect.name != "postgresql":
        assert kinds == ["CreateIndex", "AddConstraint", "AddColumn"]
        return
    assert kinds == ["CreateIndex", "AddConstraintNotValid", "ValidateConstraint",
                     "AddColumn", "AlterColumn", "BackfillColumn", "AddConstraintNotValid",
                     "ValidateConstraint", "AlterColumn", "DropConstraint"]
    assert ops[0].concurrently
    up = m.up
    assert "CREATE INDEX CONCURRENTLY" in up and "NOT VALID" in up
    assert "VALIDATE CONSTRAINT fk_orders_user" in up and "LIMIT 2" in up
    with users.backend.session() as s:
        run_up(s, m)
    after = users.schema()
    plan_col = after.table("users").column("plan")
    assert not plan_col.nullable and plan_col.default == "'free'"
    assert [r[5] for r in dump(users, "users")] == ["free"] * 4   # age code email id name plan
    assert any(fk.name == "fk_orders_user" for fk in after.table("orders").foreign_keys)
    assert not after.table("users").checks
    with users.backend.session() as s:
        run_down(s, m)
    assert dump(users, "users") == before_users
    assert users.schema() == before_schema
