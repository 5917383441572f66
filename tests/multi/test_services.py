"""Services that depend on each other: plan order across services by their
``-- requires:`` lines, refusal of a cycle or an unmet requirement, upgrade in order;
``dbwork plan --services`` and ``dbwork upgrade --services`` through the real entry point."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import dbwork
from dbwork.errors import ConfigError, PlanRefused
from dbwork.multi.services import load_services, plan_services, upgrade_services

ROOT = Path(__file__).resolve().parents[2]


def dbwork_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "dbwork.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def write_file(root: Path, service: str, name: str, sql: str) -> str:
    """A migration file written the ordinary way, on a scratch database (so it is pending
    on the service's own)."""
    wb = dbwork.connect(f"sqlite:///{root}/scratch_{service}.sqlite",
                        migrations=root / service / "migrations")
    m = wb.migrate(name, sql)
    wb.close()
    return m.version


def require(root: Path, service: str, version: str, item: str) -> None:
    path = next((root / service / "migrations").glob(f"{version}_*"))
    text = path.read_text().replace("\n-- parent:", f"\n-- requires: {item}\n-- parent:", 1)
    path.write_text(text)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "services.toml").write_text(
        '[services.billing]\nmigrations = "billing/migrations"\n'
        'database = "sqlite:///billing.sqlite"\n\n'
        '[services.orders]\nmigrations = "orders/migrations"\n'
        'database = "sqlite:///${DBW_MULTI_ORDERS_DB}"\n')
    os.environ["DBW_MULTI_ORDERS_DB"] = "orders.sqlite"
    # orders' migration is the older one, but it needs billing's newer one first
    o1 = write_file(tmp_path, "orders", "create_orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY);")
    b1 = write_file(tmp_path, "billing", "create_invoices", "CREATE TABLE invoices (id INTEGER PRIMARY KEY);")
    o2 = write_file(tmp_path, "orders", "order_invoice", "ALTER TABLE orders ADD COLUMN invoice INTEGER;")
    require(tmp_path, "orders", o1, f"billing@{b1}")
    yield tmp_path, {"o1": o1, "b1": b1, "o2": o2}
    os.environ.pop("DBW_MULTI_ORDERS_DB", None)


def history(path: Path) -> list:
    with sqlite3.connect(path) as c:
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "dbwork_migrations" not in tables:
            return []
        return c.execute("SELECT name, status FROM dbwork_migrations ORDER BY version").fetchall()


def test_plan_orders_across_services_and_upgrade_applies_in_that_order(project):
    root, v = project
    services = load_services(root)
    assert services["orders"].database == f"sqlite:///{root / 'orders.sqlite'}"
    plan = plan_services(root)
    assert [(s["service"], s["version"]) for s in plan.steps] == [
        ("billing", v["b1"]), ("orders", v["o1"]), ("orders", v["o2"])]
    assert plan.steps[1]["requires"] == [f"billing@{v['b1']}"]
    assert list(plan.frame.columns) == ["service", "version", "name", "requires"]
    upgrade_services(root)
    assert history(root / "billing.sqlite") == [("create_invoices", "applied")]
    assert history(root / "orders.sqlite") == [("create_orders", "applied"),
                                               ("order_invoice", "applied")]
    assert str(plan_services(root)) == "every service is up to date"
    # the header line the requirement lives in does not upset the integrity checks
    wb = dbwork.connect(services["orders"].database, migrations=services["orders"].migrations)
    assert wb.verify().ok
    wb.close()


def test_a_cycle_and_an_unmet_requirement_are_refused_before_anything_runs(project):
    root, v = project
    require(root, "billing", v["b1"], f"orders@{v['o2']}")   # o2 -> o1 -> b1 -> o2
    with pytest.raises(PlanRefused, match="cycle") as refusal:
        upgrade_services(root)
    assert len(refusal.value.cycle) == 4
    assert history(root / "billing.sqlite") == [] and history(root / "orders.sqlite") == []
    path = next((root / "billing" / "migrations").glob(f"{v['b1']}_*"))
    path.write_text(path.read_text().replace(f"-- requires: orders@{v['o2']}",
                                             "-- requires: orders@create_refunds"))
    with pytest.raises(PlanRefused, match="requires orders@create_refunds, which is neither"):
        plan_services(root)


def test_a_requirement_by_name_and_pyproject_services(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n\n[tool.dbwork.services.users]\n'
        'migrations = "u"\ndatabase = "sqlite:///users.sqlite"\n\n'
        '[tool.dbwork.services.mail]\nmigrations = "m"\ndatabase = "sqlite:///mail.sqlite"\n')
    def scratch(service, folder, name, sql):
        wb = dbwork.connect(f"sqlite:///{tmp_path}/s_{service}.sqlite", migrations=tmp_path / folder)
        version = wb.migrate(name, sql).version
        wb.close()
        return version
    m1 = scratch("mail", "m", "create_outbox", "CREATE TABLE outbox (id INTEGER PRIMARY KEY);")
    scratch("users", "u", "create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY);")
    path = next((tmp_path / "m").glob(f"{m1}_*"))
    path.write_text(path.read_text().replace("\n-- parent:", "\n-- requires: users@create_users\n-- parent:", 1))
    assert [s["service"] for s in plan_services(tmp_path).steps] == ["users", "mail"]
    with pytest.raises(ConfigError, match="no services.toml"):
        load_services(tmp_path / "u")


def test_cli_plan_and_upgrade_services(project):
    root, v = project
    out = dbwork_cli("plan", "--services", str(root), "--json", cwd=root)
    assert out.returncode == 0, out.stderr
    assert [s["service"] for s in json.loads(out.stdout)["steps"]] == ["billing", "orders", "orders"]
    out = dbwork_cli("upgrade", "--services", str(root), cwd=root)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1].startswith(f"1. billing@{v['b1']}")
    assert history(root / "orders.sqlite")[-1] == ("order_invoice", "applied")
    bad = dbwork_cli("plan", "--services", str(root / "nowhere"), cwd=root)
    assert bad.returncode == 2 and "no services.toml" in bad.stderr


def test_a_requirement_rolled_back_on_purpose_is_unmet(project):
    root, v = project
    upgrade_services(root)
    billing = load_services(root)["billing"]
    wb = dbwork.connect(billing.database, migrations=billing.migrations)
    wb.rollback(reason="billing change withdrawn")
    wb.close()
    assert plan_services(root).steps == []   # reverted: not pending by itself
    fresh = root / "orders.sqlite"
    fresh.unlink()                            # orders on a new database: all pending again
    with pytest.raises(PlanRefused, match="rolled back on purpose"):
        plan_services(root)
