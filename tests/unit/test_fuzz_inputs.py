"""Malformed input never escapes as anything but a dbwork error: seeded mutations of
valid SQL and mongosh text (deleted, inserted and swapped pieces) go through parse,
the backup pass and rendering, and either plan or fail with a DbworkError."""
import random

import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import DbworkError
from dbwork.model import Schema
from dbwork.parse import parse_sql
from dbwork.plan.steps import add_backups, plan_steps

SQL = [
    "CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(10) NOT NULL DEFAULT 'x', "
    "c INT REFERENCES orgs(id) ON DELETE CASCADE, CONSTRAINT ck CHECK (a > 0))",
    "ALTER TABLE users ADD COLUMN nick TEXT NOT NULL DEFAULT 'n'",
    "ALTER TABLE users DROP COLUMN age", "ALTER TABLE users RENAME COLUMN email TO mail",
    "ALTER TABLE users ALTER COLUMN age TYPE BIGINT", "ALTER TABLE users ALTER COLUMN age SET NOT NULL",
    "CREATE INDEX ix ON users (age, org_id) WHERE age > 3", "DROP INDEX ix_email",
    "ALTER TABLE users ADD CONSTRAINT uq UNIQUE (email, age)", "ALTER TABLE orgs RENAME TO companies",
    "UPDATE users SET age = 1 WHERE id = 2", "DELETE FROM users WHERE age IS NULL", "DROP TABLE users",
    "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (age) REFERENCES orgs (id)",
]
JUNK = ["(", ")", ",", "'", "NULL", "users", "x", "TABLE", ";", "--", '"', "DEFAULT", "CHECK"]


def base_schema():
    return parse_sql(
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL, "
        "org_id INTEGER REFERENCES orgs(id), age INTEGER DEFAULT 0 CHECK (age >= 0));"
        "CREATE UNIQUE INDEX ix_email ON users (email);", get_dialect("sqlite"), Schema()).schema


def mutate(rng: random.Random, text: str, pieces: list[str], sep: str) -> str:
    parts = text.split(sep) if sep else list(text)
    for _ in range(rng.randint(1, 3)):
        j = rng.randrange(len(parts))
        r = rng.random()
        if r < 0.4 and len(parts) > 1:
            del parts[j]
        elif r < 0.8:
            parts.insert(j, rng.choice(pieces))
        else:
            parts[j] = parts[j][::-1]
    return sep.join(parts)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_mutated_sql_plans_or_fails_with_a_dbwork_error(dialect):
    d, schema, rng = get_dialect(dialect), base_schema(), random.Random(dialect)
    for _ in range(400):
        text = mutate(rng, rng.choice(SQL), JUNK, " ")
        try:
            p = parse_sql(text, d, schema, allow_dml=True)
            plan_steps(add_backups(p.ops, schema, "1")[0], schema, d)
        except DbworkError:
            pass


MONGO = [
    "db.createCollection('invoices', {validator: {$jsonSchema: {required: ['n']}}})",
    "db.orders.createIndex({qty: -1, ts: 1}, {name: 'q', unique: true})",
    "db.orders.dropIndex('sku_1')", "db.runCommand({collMod: 'orders', validator: {qty: {$gte: 0}}})",
    "db.orders.updateMany({qty: {$gt: 1}}, {$set: {flag: true}, $rename: {qty: 'quantity'}})",
    "db.orders.insertMany([{_id: ObjectId('64b7f0c2a1b2c3d4e5f60718'), "
    "ts: ISODate('2024-01-01T00:00:00Z'), n: NumberLong(5)}, {x: 'a'},])",
    "db.orders.deleteMany({ts: {$lt: new Date('2020-01-01')}})",
]
MONGO_JUNK = ["(", ")", "{", "}", "[", "]", ",", "'", '"', ":", "$", ".", "ObjectId(", "//", "/*"]


def test_mutated_mongosh_plans_or_fails_with_a_dbwork_error():
    pytest.importorskip("bson")
    from dbwork.model.documents import Collection, DocumentSchema, IndexSpec
    from dbwork.backends.mongodb.parse import parse_mongosh
    d, rng = get_dialect("mongodb"), random.Random("mongosh")
    schema = DocumentSchema("shop", {"orders": Collection(
        "orders", {}, (IndexSpec("_id_", (("_id", 1),), {}),
                       IndexSpec("sku_1", (("sku", 1),), {"unique": True})), (), 3, 3)})
    for _ in range(800):
        text = mutate(rng, rng.choice(MONGO), MONGO_JUNK, "")
        try:
            p = parse_mongosh(text, schema)
            plan_steps(add_backups(p.ops, schema, "1")[0], schema, d)
        except DbworkError:
            pass
