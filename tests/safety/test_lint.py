"""Point 1: the rule table, classification, and lint over real schemas."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.model import Column, ForeignKey, Index, PrimaryKey, Schema, Table
from dbwork.model.schema import Check, Unique
from dbwork.ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex, CreateTable,
                        DropColumn, DropTable, RawSQL, RenameColumn, RenameTable)
from dbwork.safety import RULES, classify, lint
from dbwork.plan.facts import Facts

PG, MY, LITE = (get_dialect(n) for n in ("postgresql", "mysql", "sqlite"))
USERS = Table("users", (Column("id", "INTEGER", False), Column("email", "VARCHAR(100)"),
                        Column("name", "TEXT")), PrimaryKey(("id",)),
              indexes=(Index("ix_users_email", "users", ("email",)),))
ORDERS = Table("orders", (Column("id", "INTEGER", False), Column("user_id", "INTEGER")),
               PrimaryKey(("id",)))
S = Schema.of(USERS, ORDERS)


def rules_of(ops, dialect=PG, facts=Facts()):
    return {f.rule for f in lint(ops, S, dialect, facts)}


def test_rule_table_is_complete():
    assert len(RULES) >= 40
    assert len({r.id for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.severity in ("error", "warning", "info")
        assert r.title and len(r.explanation) > 15 and r.alternative
    sql = [r for r in RULES if not r.dialects or set(r.dialects) - {"mongodb"}]
    doc = [r for r in RULES if "mongodb" in r.dialects]
    assert len(sql) >= 40 and len(doc) >= 6


@pytest.mark.parametrize("op, dialect, expected", [
    (DropTable(USERS), PG, "DW101"),
    (DropColumn("users", USERS.column("name")), PG, "DW102"),
    (AlterColumn("users", USERS.column("email"), Column("email", "VARCHAR(10)")), PG, "DW103"),
    (AlterColumn("users", USERS.column("name"), Column("name", "INTEGER")), PG, "DW104"),
    (AlterColumn("users", USERS.column("name"), Column("name", "INTEGER")), MY, "DW105"),
    (AlterColumn("users", USERS.column("name"), Column("name", "INTEGER")), LITE, "DW106"),
    (AlterColumn("users", USERS.column("name"), Column("name", "TEXT", False)), PG, "DW107"),
    (AddColumn("users", Column("age", "INTEGER", False)), PG, "DW108"),
    (AddColumn("users", Column("seen", "TIMESTAMPTZ", default="now()")), PG, "DW109"),
    (RenameColumn("users", "name", "full_name"), PG, "DW111"),
    (RenameTable("orders", "purchases"), PG, "DW112"),
    (CreateIndex(Index("ix_n", "users", ("name",))), PG, "DW114"),
    (CreateIndex(Index("ux_n", "users", ("name",), unique=True)), LITE, "DW117"),
    (AddConstraint("users", Unique(("name",), "uq_name")), PG, "DW118"),
    (AddConstraint("orders", ForeignKey(("user_id",), "users", ("id",), "fk_o_u")), PG, "DW119"),
    (AddConstraint("orders", ForeignKey(("user_id",), "users", ("id",), "fk_o_u")), PG, "DW120"),
    (AddConstraint("users", Check("id > 0", "ck_id")), PG, "DW121"),
    (AddConstraint("orders", ForeignKey(("user_id",), "users", ("id",), "fk_o_u")), MY, "DW122"),
    (DropColumn("users", USERS.column("email")), LITE, "DW127"),
    (AlterColumn("users", USERS.column("email"), Column("email", "TEXT")), LITE, "DW129"),
    (CreateTable(Table("t", (Column("id", "INTEGER", False, autoincrement=True),),
                       PrimaryKey(("id",)))), PG, "DW132"),
    (CreateTable(Table("t", (Column("at", "TIMESTAMP"),))), PG, "DW134"),
    (CreateTable(Table("t", (Column("at", "TEXT"),))), LITE, "DW137"),
    (RawSQL("UPDATE users SET name = 'x'", None, ("users",)), LITE, "DW201"),
    (RawSQL("DELETE FROM users", None, ("users",)), MY, "DW202"),
    (RawSQL("TRUNCATE users", None, ("users",)), PG, "DW203"),
    (RawSQL("VACUUM FULL users", None, ("users",)), PG, "DW204"),
    (RawSQL("DROP SCHEMA public", None, ()), PG, "DW205"),
    (RawSQL("TRUNCATE users CASCADE", None, ("users",)), PG, "DW212"),
    (RawSQL("BEGIN", None, ()), LITE, "DW211"),
    (RawSQL("INSERT INTO users VALUES (9, 'a', 'b')", None, ("users",)), LITE, "DW209"),
    (RawSQL("ALTER TYPE mood ADD VALUE 'meh'", None, ()), PG, "DW139"),
])
def test_rule_fires(op, dialect, expected):
    assert expected in rules_of([op], dialect)


def test_rules_stay_quiet_on_safe_changes():
    ops = [AddColumn("users", Column("nick", "TEXT")),
           CreateIndex(Index("ix_n", "users", ("name",)), concurrently=True)]
    found = rules_of(ops + [RawSQL("SET lock_timeout = '2s'", None, ())], PG,
                     Facts(settings={"statement_timeout": "60s", "lock_timeout": "0"}))
    assert found == set()


def test_facts_change_findings():
    add = AddColumn("users", Column("age", "INTEGER", False))
    assert "DW108" not in rules_of([add], LITE, Facts(rows={"users": 0}))
    assert "DW108" in rules_of([add], LITE, Facts(rows={"users": 3}))
    upd = RawSQL("UPDATE users SET name = 'x' WHERE id > 0", None, ("users",))
    assert "DW207" in rules_of([upd], PG, Facts(rows={"users": 5_000_000}))
    assert "DW207" not in rules_of([upd], PG, Facts(rows={"users": 50}))
    ver = Facts(server_version=100005)
    assert "DW110" in rules_of([AddColumn("users", Column("n", "INTEGER", default="0"))], PG, ver)


def test_mysql_ddl_and_dml_mixed():
    ops = [AddColumn("users", Column("n", "INTEGER")),
           RawSQL("UPDATE users SET n = 1 WHERE id > 0", None, ("users",))]
    assert "DW206" in rules_of(ops, MY)
    assert "DW206" not in rules_of(ops, PG)


def test_classification():
    narrow = AlterColumn("users", USERS.column("email"), Column("email", "VARCHAR(10)"))
    assert {"destructive", "data-changing", "locking"} <= classify(narrow, PG)
    assert classify(AddColumn("users", Column("n", "TEXT")), PG) == {"additive"}
    assert "locking" in classify(CreateIndex(Index("i", "users", ("name",))), PG)
    assert "locking" not in classify(CreateIndex(Index("i", "users", ("name",)), True), PG)
    widen = AlterColumn("users", USERS.column("email"), Column("email", "TEXT"))
    assert "widening" in classify(widen, PG)
    assert "destructive" in classify(RawSQL("DELETE FROM users"), LITE)


def test_finding_text_has_id_severity_and_alternative():
    f = lint([DropTable(USERS)], S, PG)[0]
    assert str(f).startswith("DW101 error: drop table users")
    assert "Safer:" in str(f)


def test_lint_on_live_database(users):
    found = users.lint("ALTER TABLE users DROP COLUMN name;\nUPDATE users SET age = 0;")
    ids = {f.rule for f in found}
    assert {"DW102", "DW201"} <= ids
    assert users.history()["name"].tolist() == ["create_users"]   # nothing applied


def test_lint_findings_are_migration_warnings(users):
    m = users.migrate("drop_name", "ALTER TABLE users DROP COLUMN name;", allow_data_loss=True)
    assert any(w.startswith("DW102 warning") for w in m.warnings)
