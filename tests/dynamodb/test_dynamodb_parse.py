"""The DynamoDB command language and its rendering, without a server: typed operations,
the exact API requests, errors with line and column, and the plan's backups."""
from __future__ import annotations

import json

import pytest

from dbwork.backends.dynamodb.model import DynamoSchema, KeyAttr, TableDef
from dbwork.backends.dynamodb.parse import parse_commands
from dbwork.backends.dynamodb.render import render
from dbwork.errors import ParseError
from dbwork.plan.steps import add_backups

ORDERS = TableDef("orders", (KeyAttr("customer", "S"), KeyAttr("id", "S", "RANGE")),
                  "PROVISIONED", 5, 5)
SCHEMA = DynamoSchema().with_table(ORDERS)


def requests(text: str, schema=SCHEMA) -> list[dict]:
    out = []
    for op in parse_commands(text, schema):
        out += [json.loads(s) for s in render(op, schema)]
        schema = op.apply(schema)
    return out


def test_create_table_renders_the_whole_request_and_ttl_as_a_second_call():
    (create, ttl) = requests("CREATE TABLE events KEY (pk S HASH, at N RANGE)\n"
                             "  BILLING PROVISIONED (READ 2, WRITE 3)\n"
                             "  GSI by_kind (kind S HASH) PROJECTION KEYS_ONLY CAPACITY (READ 1, WRITE 1)\n"
                             "  STREAM NEW_AND_OLD_IMAGES TTL expires", DynamoSchema())
    r = create["CreateTable"]
    assert r["ProvisionedThroughput"] == {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}
    assert r["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"] == 1
    assert r["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert {"AttributeName": "kind", "AttributeType": "S"} in r["AttributeDefinitions"]
    assert ttl == {"UpdateTimeToLive": {"TableName": "events", "TimeToLiveSpecification": {
        "Enabled": True, "AttributeName": "expires"}}}


def test_a_gsi_on_a_provisioned_table_takes_the_tables_capacity_by_default():
    (update,) = requests("ADD GSI by_x ON orders (x N HASH)")
    create = update["UpdateTable"]["GlobalSecondaryIndexUpdates"][0]["Create"]
    assert create["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    names = [a["AttributeName"] for a in update["UpdateTable"]["AttributeDefinitions"]]
    assert names == ["customer", "id", "x"]


def test_every_operation_reverses_into_what_undoes_it():
    ops = parse_commands("ADD GSI g ON orders (x S HASH)\nSTREAM ON orders KEYS_ONLY\n"
                         "TTL ON orders ATTRIBUTE exp", SCHEMA)
    after = SCHEMA
    for op in ops:
        after = op.apply(after)
    back = after
    for op in reversed(ops):
        back = op.reverse().apply(back)
    assert back == SCHEMA


def test_item_transformations_are_backed_up_first():
    ops = parse_commands("RENAME ATTRIBUTE a TO b IN orders\nDROP TABLE orders", SCHEMA)
    planned, _ = add_backups(ops, SCHEMA, "V")
    assert [type(o).__name__ for o in planned] == [
        "BackupItems", "RenameAttribute", "BackupItems", "DropTable"]
    assert planned[0].where == {"has": "a"} and planned[2].where == {}
    assert type(planned[1].reverse()).__name__ == "ItemsRestored"


@pytest.mark.parametrize("text,line,column,words", [
    ("CREATE TABLE tbl KEY (id S HASH, id2 S HASH)", 1, 44, "not (HASH, HASH)"),
    ("CREATE TABLE tbl KEY (id S HASH) BILLING PROVISIONED (READ 0, WRITE 1)", 1, 60,
     "at least 1"),
    ("CREATE TABLE tbl KEY (id S HASH) BILLING PROVISIONED (READ 1, WRITE 1)\n"
     "  GSI g (x S HASH)", 1, 1, "needs CAPACITY"),
    ("CREATE TABLE tbl KEY (id S HASH)\n  GSI g (x N HASH)\n  GSI h (x S HASH)", 1, 1,
     "N in one key and S"),
    ("\n\nSPLIT ATTRIBUTE a ON \"\" INTO b, c IN orders", 3, 22, "non-empty"),
    ("SPLIT ATTRIBUTE a ON \"-\" INTO b IN orders", 1, 31, "at least two"),
    ("STREAM ON orders SIDEWAYS", 1, 18, "expected NEW_IMAGE"),
    ("RENAME ATTRIBUTE a TO a IN orders", 1, 23, "renamed to itself"),
    ("DROP GSI nope ON orders", None, None, "unknown global secondary index 'nope'"),
    ("CREATE TABLE tbl KEY (id S HASH) @", 1, 34, "unexpected character '@'"),
])
def test_errors_point_at_the_line_and_column(text, line, column, words):
    with pytest.raises(Exception) as e:
        parse_commands(text, SCHEMA)
    assert words in str(e.value)
    if line is not None:
        assert isinstance(e.value, ParseError)
        assert (e.value.line, e.value.column) == (line, column)


def test_comments_semicolons_and_continuation_lines():
    ops = parse_commands("-- a comment\nSTREAM ON orders; TTL ON orders ATTRIBUTE e # note\n"
                         "ADD GSI g ON orders\n   (x S HASH)\n", SCHEMA)
    assert [type(o).__name__ for o in ops] == ["SetStream", "SetTTL", "AddGSI"]
