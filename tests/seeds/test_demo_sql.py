"""Demo data on every SQL backend, checked against the real database: the engine took
every row (CHECKs, NOT NULLs, enums it enforces), foreign keys point at parents,
unique columns are unique, and the same seed gives the same rows."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbwork.data.demo import check_bounds, generate_table
from dbwork.errors import ConfigError, SeedError
from dbwork.model import Check

SCHEMA = """
CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE);
CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(60) NOT NULL UNIQUE,
    first_name VARCHAR(30) NOT NULL, age INTEGER NOT NULL CHECK (age >= 18 AND age < 100),
    tier VARCHAR(10) NOT NULL CHECK (tier IN ('free', 'pro', 'team')),
    country CHAR(2) NOT NULL REFERENCES countries(code), joined DATE NOT NULL,
    referrer INTEGER REFERENCES customers(id));
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER NOT NULL REFERENCES customers(id),
    amount NUMERIC(10, 2) NOT NULL CHECK (amount > 0 AND amount <= 5000),
    placed TIMESTAMP NOT NULL, paid BOOLEAN NOT NULL);
"""


def one(wb, sql: str):
    with wb.backend.connect() as conn:
        value = conn.execute(sa.text(sql)).scalar()
        conn.rollback()
        return value


def table_rows(wb, table: str):
    with wb.backend.connect() as conn:
        out = [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]
        conn.rollback()
        return out


@pytest.fixture
def shop(wb):
    wb.migrate("shop", SCHEMA)
    return wb


def test_demo_rows_satisfy_the_schema(shop):
    report = shop.demo_data(rows=600, seed=7)
    assert [t.table for t in report.tables] == ["countries", "customers", "orders"]
    assert report.total("inserted") == 1800
    for t in ("countries", "customers", "orders"):
        assert one(shop, f"SELECT COUNT(*) FROM {t}") == 600
    assert one(shop, "SELECT COUNT(DISTINCT email) FROM customers") == 600
    assert one(shop, "SELECT COUNT(DISTINCT name) FROM countries") == 600
    assert one(shop, "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer "
                     "WHERE c.id IS NULL") == 0
    assert one(shop, "SELECT COUNT(*) FROM customers c LEFT JOIN countries k ON k.code = "
                     "c.country WHERE k.code IS NULL") == 0
    assert one(shop, "SELECT COUNT(*) FROM customers WHERE age < 18 OR age >= 100 OR "
                     "tier NOT IN ('free', 'pro', 'team') OR email NOT LIKE '%@%'") == 0
    assert one(shop, "SELECT COUNT(*) FROM orders WHERE amount <= 0 OR amount > 5000") == 0
    assert one(shop, "SELECT COUNT(DISTINCT tier) FROM customers") == 3


def test_engine_enforces_what_demo_data_honours(shop):
    """The constraints the generator honours are live in the engine (so the check
    above is the engine's verdict, not only ours)."""
    shop.demo_data(rows=5, seed=1)
    with shop.backend.connect() as conn:
        with pytest.raises(sa.exc.DBAPIError):
            conn.execute(sa.text("UPDATE customers SET age = 5 WHERE id = 1"))
        conn.rollback()


def test_same_seed_same_rows_other_seed_other_rows(backend, make_wb):
    made = []
    for n in range(3):
        w = make_wb(backend)
        w.migrate("shop", SCHEMA)
        w.demo_data(rows=50, seed=5 if n < 2 else 6)
        made.append(w)
    first, second, other = (table_rows(w, "customers") for w in made)
    assert first == second
    assert first != other


def test_demo_data_on_some_tables_uses_existing_parents(shop):
    shop.seed("countries", [{"code": "FR", "name": "France"}, {"code": "DE", "name": "Germany"}])
    shop.demo_data(tables=["customers"], rows=40, seed=3)
    assert one(shop, "SELECT COUNT(DISTINCT country) FROM customers") <= 2
    assert one(shop, "SELECT COUNT(*) FROM customers WHERE country NOT IN ('FR', 'DE')") == 0
    shop.demo_data(tables=["customers"], rows=10, seed=4)   # ids continue after the first 40
    assert one(shop, "SELECT MAX(id) FROM customers") == 50


def test_demo_data_refuses_children_without_parents_and_bad_counts(shop):
    with pytest.raises(SeedError, match="has no rows"):
        shop.demo_data(tables=["orders"], rows=5)
    with pytest.raises(ConfigError):
        shop.demo_data(rows=0)
    assert one(shop, "SELECT COUNT(*) FROM orders") == 0


def test_check_bounds_reads_simple_checks_only():
    got = check_bounds([Check("a BETWEEN 1 AND 9"), Check("5 < b"), Check("c = ANY (ARRAY['x', 'y'])"),
                        Check("lower(d) = d")])
    assert got == {"a": {"lo": 1, "hi": 9}, "b": {"lo": 6}, "c": {"choices": ["x", "y"]}}


def test_generation_is_pure_and_deterministic():
    from dbwork.model import Column, PrimaryKey, Table
    t = Table("t", (Column("id", "INTEGER", False), Column("email", "VARCHAR(40)", False)),
              PrimaryKey(("id",)))
    a = generate_table(t, 100, seed=9, parents={})
    assert a == generate_table(t, 100, seed=9, parents={})
    assert a != generate_table(t, 100, seed=10, parents={})
    assert all(len(r[1]) <= 40 for r in a[1])
