"""The cells proposed for notebooks/10_redis_dynamodb_cosmos.ipynb, run in a real
IPython shell: the emulator started and stopped inside the notebook, one change
applied with %%migrate and taken back with %rollback, items restored exactly."""
from __future__ import annotations

import pytest

SETUP = '''import dbwork
from dbwork.backends.cosmos.emulator import Emulator

emulator = Emulator.start()     # @vercel/cosmosdb-server (scripts/setup.sh) on a free loopback port
cosmos_url = emulator.url("shop")   # cosmos://127.0.0.1:PORT/shop?verify=false; key from $COSMOS_KEY
wb = %detect $cosmos_url --migrations migrations/cosmos
wb.migrate("orders", "CREATE CONTAINER orders PARTITION KEY /customerId UNIQUE KEY /orderNo")
orders = wb.backend.db.get_container_client("orders")
for n in range(6):
    orders.create_item({"id": f"o{n}", "customerId": f"c{n % 3}", "orderNo": 1000 + n,
                        "region": ["eu", "us"][n % 2], "qty": n + 1})
print(len(list(orders.read_all_items())), "orders;", wb.schema().collection("orders").options["partitionKey"])
'''

CHANGE = '''%%migrate orders_by_region
-- hot customers: spread orders by region, and name the quantity as the API does
ALTER CONTAINER orders SET PARTITION KEY /region
UPDATE ITEMS orders RENAME qty TO quantity
UPDATE ITEMS orders SET status = "open"
'''

CHECK = '''before_rollback = sorted((o["id"], o["region"], o.get("quantity"), o.get("status"))
                         for o in orders.read_all_items())
print(before_rollback[:2])
for w in _.warnings[:2]:
    print("-", w[:110])
'''

ROLLBACK = '''%rollback
after = sorted((o["id"], o.get("qty"), "status" in o) for o in orders.read_all_items())
print(after[:2], wb.schema().collection("orders").options["partitionKey"]["paths"])
print(wb.history()[["name", "status"]].to_string(index=False))
emulator.stop()
'''


@pytest.fixture
def shell(ip, cosmos_server):
    """The notebook's shell (the emulator of the cells is their own)."""
    yield ip


def test_the_notebook_cells_run_and_roll_back(shell, capsys):
    for cell in (SETUP, CHANGE, CHECK, ROLLBACK):
        result = shell.run_cell(cell)
        assert result.success, (cell, result.error_in_exec or result.error_before_exec)
    out = capsys.readouterr().out
    assert "6 orders; {'paths': ['/customerId'], 'kind': 'Hash'}" in out
    assert "[('o0', 'eu', 1, 'open'), ('o1', 'us', 2, 'open')]" in out
    assert "[('o0', 1, False), ('o1', 2, False)] ['/customerId']" in out
    assert "orders_by_region rolled_back" in out


def test_a_bad_cell_fails_with_line_and_column_and_changes_nothing(shell, cosmos_url, capsys):
    assert shell.run_cell(f"%detect {cosmos_url} --migrations m").success
    result = shell.run_cell("%%migrate bad\nCREATE CONTAINER a PARTITION KEY /k\n"
                            "ALTER CONTAINER a SET TTL soon\n")
    assert not result.success
    assert "line 2, column 27" in str(result.error_in_exec)
    result = shell.run_cell("%history")
    assert result.success and len(result.result) == 0
