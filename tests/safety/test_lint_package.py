"""The lint rules as data (issue 9, point 4): each rule in a topic module of dbwork/lint
declares the operation kinds it reads, and the runner asks a rule only about those."""
from __future__ import annotations

import importlib

from dbwork.dialects import get_dialect
from dbwork.lint import RULES, lint_ops, rule
from dbwork.lint.rule import WARNING
from dbwork.model import Column, Schema, Table
from dbwork.ops import AddColumn, DropTable
import dbwork.safety

TOPICS = ("tables", "columns", "indexes", "constraints", "data", "plan", "documents")
T = Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT")))


def test_every_rule_lives_in_one_topic_module():
    by_topic = [r.id for name in TOPICS
                for r in importlib.import_module(f"dbwork.lint.{name}").RULES]
    assert sorted(by_topic) == [r.id for r in RULES]      # each once, the table in id order
    assert len(RULES) == 67


def test_operation_rules_declare_the_kinds_they_read():
    # DW308 reads any operation's TTL option (an index or a time-series collection)
    undeclared = [r.id for r in RULES if r.scope == "op" and not r.on]
    assert undeclared == ["DW308"]
    assert all(not r.on for r in RULES if r.scope == "plan")


def test_a_rule_is_asked_only_about_its_kinds():
    probe = rule("DW999", WARNING, "probe", "Why it matters here.", "Safer.",
                 lambda op, ctx: "found", on=DropTable)
    assert probe.looks_at(DropTable(T)) and not probe.looks_at(AddColumn("t", Column("b", "TEXT")))
    by_name = rule("DW998", WARNING, "probe", "Why it matters here.", "Safer.",
                   lambda op, ctx: None, on="DropTable")
    assert by_name.looks_at(DropTable(T)) and not by_name.looks_at(object())


def test_safety_reexports_the_lint_package():
    assert dbwork.safety.RULES is RULES and dbwork.safety.lint is lint_ops
    found = dbwork.safety.lint([DropTable(T)], Schema.of(T), get_dialect("sqlite"))
    assert [f.rule for f in found] == ["DW101"]


def test_the_document_rules_fire_on_the_operations_the_parser_makes():
    """DW305 and DW306 once named operation classes that do not exist (UnsetField,
    RenameField), so they never fired; they read what parse_mongosh really produces."""
    from dbwork.backends.mongodb.parse import parse_mongosh
    from dbwork.model.documents import Collection, DocumentSchema, FieldStat
    fields = tuple(FieldStat(p, {"int": 5}, 0, 5) for p in ("qty", "note"))
    schema = DocumentSchema("shop", {"orders": Collection("orders", fields=fields,
                                                           documents=5, sampled=5)})
    dialect = get_dialect("mongodb")
    for text, code in (('db.orders.updateMany({}, {$rename: {qty: "quantity"}})', "DW306"),
                       ('db.orders.updateMany({}, {$unset: {note: ""}})', "DW305")):
        ops = parse_mongosh(text, schema).ops
        found = [f.rule for f in lint_ops(ops, schema, dialect)]
        assert code in found, (text, found, ops)
