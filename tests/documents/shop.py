"""A small shop, written the same on SQLite and PostgreSQL: users with a few addresses,
products, orders (one user has many), order items; NUMERIC prices, timestamps with
microseconds, booleans, NULLs, a CHECK that translates and one that does not."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

DDL = """
CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE,
    name TEXT, active BOOLEAN NOT NULL, joined TIMESTAMP NOT NULL,
    CHECK (length(email) >= 3));
CREATE TABLE addresses (id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    city TEXT NOT NULL, zip VARCHAR(10));
CREATE TABLE products (id INTEGER PRIMARY KEY, sku VARCHAR(20) NOT NULL UNIQUE,
    price NUMERIC(10, 2) NOT NULL CHECK (price >= 0), stock INTEGER NOT NULL CHECK (stock BETWEEN 0 AND 10000));
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
    placed TIMESTAMP NOT NULL, status VARCHAR(12) NOT NULL CHECK (status IN ('open', 'paid', 'sent')),
    note TEXT, CHECK (note <> status));
CREATE TABLE order_items (id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id), qty INTEGER NOT NULL CHECK (qty > 0));
CREATE INDEX ix_orders_placed ON orders (placed);
"""

USERS = 12
HEAVY_USER_ORDERS = 60      # more than the default max_children: orders are not embedded


def rows():
    t0 = dt.datetime(2024, 3, 1, 9, 30, 0, 250000)
    users = [{"id": i, "email": f"user{i}@example.org", "name": None if i % 5 == 0 else f"User {i}",
              "active": i % 3 != 0, "joined": t0 + dt.timedelta(days=i, microseconds=i * 1000 + i % 2)}
             for i in range(1, USERS + 1)]
    addresses = [{"id": n, "user_id": u, "city": f"City {n}", "zip": None if n % 4 == 0 else f"{n:05d}"}
                 for n, u in enumerate([u for u in range(1, USERS + 1) for _ in range(u % 3)], 1)]
    products = [{"id": i, "sku": f"SKU-{i}", "price": Decimal(f"{i * 3}.{i % 10}5"), "stock": i * 7}
                for i in range(1, 9)]
    owners = [1] * HEAVY_USER_ORDERS + [u for u in range(2, USERS + 1) for _ in range(u % 4)]
    orders = [{"id": n, "user_id": u, "placed": t0 + dt.timedelta(hours=n),
               "status": ("open", "paid", "sent")[n % 3], "note": "gift" if n % 7 == 0 else None}
              for n, u in enumerate(owners, 1)]
    items = [{"id": n, "order_id": o, "product_id": (o + k) % 8 + 1, "qty": k + 1}
             for n, (o, k) in enumerate([(o["id"], k) for o in orders for k in range(o["id"] % 4)], 1)]
    return {"users": users, "addresses": addresses, "products": products, "orders": orders,
            "order_items": items}


def load_shop(wb) -> dict:
    """Create the shop's tables and rows through ``wb`` (its engine, one transaction)."""
    data = rows()
    with wb.backend.engine.begin() as conn:
        for stmt in [s for s in DDL.split(";") if s.strip()]:
            conn.exec_driver_sql(stmt)
        meta = sa.MetaData()
        for name, table_rows in data.items():
            t = sa.Table(name, meta, autoload_with=conn)
            if table_rows:
                conn.execute(t.insert(), table_rows)
    return data
