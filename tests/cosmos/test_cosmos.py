"""Cosmos DB through the same Workbench as every backend, against the emulator:
round trip (schema and items), re-run, bad input with line and column, a failure in
the middle with step history, two migrators at once, credentials kept out, and the
emulator's gaps named (xfail strict: on a real account those tests must pass)."""
from __future__ import annotations

import json
import threading
import time

import pytest

import dbwork
from cosmos_gaps import EMULATOR, emulator_gap
from dbwork.errors import (ConfigError, DataLossRefused, LockTimeout, MigrationConflict,
                           MigrationFailed, ObjectExistsError, ParseError, UnknownObjectError)

USERS = "CREATE CONTAINER users PARTITION KEY /tenant UNIQUE KEY /email TTL -1 " \
        'INDEXING {"indexingMode": "consistent", "includedPaths": [{"path": "/*"}], ' \
        '"excludedPaths": [{"path": "/bio/?"}]}'
PEOPLE = [{"id": f"u{i}", "tenant": f"t{i % 2}", "email": f"u{i}@x.org", "name": f"N{i % 3}",
           "age": 20 + i, "tags": ["a", {"b": [1, None, True]}], "score": 1.5 * i}
          for i in range(6)]


def _container(wb, name):
    return wb.backend.db.get_container_client(name)


def _items(wb, name) -> list[dict]:
    from dbwork.backends.cosmos.items import clean
    return sorted((clean(i) for i in _container(wb, name).read_all_items()),
                  key=lambda i: i["id"])


def _with_users(wb):
    wb.migrate("users", USERS)
    for item in PEOPLE:
        _container(wb, "users").create_item(item)


def _definition(wb, name) -> dict:
    return dict(wb.schema().collection(name).options)


# -- round trips ----------------------------------------------------------------------
def test_a_container_is_created_with_its_definition_and_introspected(wb):
    m = wb.migrate("users", USERS)
    assert m.status == "applied" and '"createContainer"' in m.up
    d = _definition(wb, "users")
    assert d["partitionKey"]["paths"] == ["/tenant"]
    assert d["uniqueKeyPolicy"] == {"uniqueKeys": [{"paths": ["/email"]}]}
    assert d["defaultTtl"] == -1
    assert d["indexingPolicy"]["excludedPaths"] == [{"path": "/bio/?"}]
    assert set(wb.schema().collections) == {"users"}   # history and lock are hidden


def test_the_unique_key_is_enforced_by_the_server(wb):
    _with_users(wb)
    from azure.cosmos.exceptions import CosmosResourceExistsError
    with pytest.raises(CosmosResourceExistsError):
        _container(wb, "users").create_item({"id": "dup", "tenant": "t0", "email": "u0@x.org"})


def test_a_drop_is_refused_then_backed_up_and_rollback_restores_every_item(wb):
    _with_users(wb)
    before, definition = _items(wb, "users"), _definition(wb, "users")
    with pytest.raises(DataLossRefused):
        wb.migrate("drop", "DROP CONTAINER users")
    assert _items(wb, "users") == before
    m = wb.migrate("drop", "DROP CONTAINER users", allow_data_loss=True)
    assert "backupItems" in m.up and not wb.schema().has_collection("users")
    assert [r.status for r in wb.rollback()] == ["rolled_back"]
    assert _items(wb, "users") == before
    assert _definition(wb, "users") == definition
    names = {c["id"] for c in wb.backend.db.list_containers()}
    assert not any(n.startswith("_dbwork_bak_") for n in names)   # the backup is gone


def test_item_transformations_roll_back_to_the_exact_items(wb):
    _with_users(wb)
    before = _items(wb, "users")
    m = wb.migrate("reshape", "UPDATE ITEMS users RENAME name TO display_name\n"
                   'UPDATE ITEMS users SET plan = {"tier": "free", "seats": 1}\n'
                   "UPDATE ITEMS users REMOVE score")
    assert m.status == "applied"
    after = _items(wb, "users")
    assert all("name" not in i and "score" not in i for i in after)
    assert all(i["plan"] == {"tier": "free", "seats": 1} for i in after)
    assert [i["display_name"] for i in after] == [i["name"] for i in before]
    assert any("RU" in w and "consistency" in w for w in m.warnings)
    wb.rollback()
    assert _items(wb, "users") == before


def test_a_partition_key_change_copies_through_a_swap_and_back(wb):
    _with_users(wb)
    before = _items(wb, "users")
    m = wb.migrate("rekey", "ALTER CONTAINER users SET PARTITION KEY /email")
    assert m.status == "applied" and "_dbwork_swap_users" in m.up
    d = _definition(wb, "users")
    assert d["partitionKey"]["paths"] == ["/email"]
    assert d["uniqueKeyPolicy"] == {"uniqueKeys": [{"paths": ["/email"]}]}
    assert _items(wb, "users") == before
    item = _container(wb, "users").read_item("u1", partition_key="u1@x.org")
    assert item["tenant"] == "t1"
    wb.rollback()
    assert _definition(wb, "users")["partitionKey"]["paths"] == ["/tenant"]
    assert _items(wb, "users") == before
    assert {c["id"] for c in wb.backend.db.list_containers()} >= {"users"}
    assert "_dbwork_swap_users" not in {c["id"] for c in wb.backend.db.list_containers()}


def test_ttl_and_indexing_changes_are_reversed_from_the_live_definition(wb):
    wb.migrate("events", "CREATE CONTAINER events PARTITION KEY /day TTL 3600")
    start = _definition(wb, "events")
    m = wb.migrate("tune", "ALTER CONTAINER events SET TTL 86400\n"
                   'ALTER CONTAINER events SET INDEXING {"indexingMode": "consistent", '
                   '"includedPaths": [{"path": "/day/?"}], "excludedPaths": [{"path": "/*"}]}')
    assert m.status == "applied"
    d = _definition(wb, "events")
    assert d["defaultTtl"] == 86400 and d["indexingPolicy"]["excludedPaths"] == [{"path": "/*"}]
    assert any("index is rebuilt" in w for w in m.warnings)
    wb.migrate("ttl_off", "ALTER CONTAINER events SET TTL OFF")
    assert "defaultTtl" not in _definition(wb, "events")
    wb.rollback(steps=2)
    assert _definition(wb, "events") == start


def test_dry_run_changes_nothing_and_shows_the_commands(wb):
    m = wb.migrate("users", USERS, dry_run=True)
    assert m.status == "planned" and '"createContainer"' in m.up
    assert wb.schema().collections == {} and len(wb.history()) == 0


# -- re-run, upgrade from files -------------------------------------------------------
def test_a_rerun_is_reported_and_a_changed_rerun_refused(wb):
    wb.migrate("users", USERS)
    again = wb.migrate("users", USERS)
    assert any("already applied" in n for n in again.notes)
    assert len(wb.history()) == 1
    with pytest.raises(MigrationConflict):
        wb.migrate("users", USERS.replace("TTL -1", "TTL 60"))


def test_the_migration_files_replay_on_a_fresh_database(wb, cosmos_server, tmp_path):
    wb.migrate("users", USERS)
    wb.migrate("reshape", "UPDATE ITEMS users SET active = true")
    files = sorted(p.name for p in (tmp_path / "migrations").iterdir())
    assert len(files) == 2 and all(f.endswith(".cosmos") for f in files)
    base, query = cosmos_server
    other = dbwork.connect(f"{base}/dbw_replay_{time.time_ns()}{query}",
                           migrations=tmp_path / "migrations")
    try:
        assert [m.status for m in other.upgrade()] == ["applied", "applied"]
        assert _definition(other, "users") == _definition(wb, "users")
    finally:
        other.backend.client.delete_database(other.backend.account.database)
        other.close()


# -- bad input ------------------------------------------------------------------------
@pytest.mark.parametrize("text, line, column", [
    ("CREATE CONTAINER a PARTITION KEY customer", 1, 34),
    ("CREATE CONTAINER a PARTITION KEY /c\nDROP CONTAINERS a", 2, 6),
    ("CREATE CONTAINER a PARTITION KEY /c TTL 0", 1, 41),
    ('CREATE CONTAINER a PARTITION KEY /c INDEXING {"indexingMode": lazy}', 1, 63),
    ('CREATE CONTAINER a PARTITION KEY /c INDEXING {"indexingMode": "lazy"}', 1, 46),
    ("-- comment\n\nCREATE CONTAINER a PARTITION KEY /c\nUPDATE ITEMS a RENAME c TO d", 4, 23),
    ("CREATE CONTAINER a PARTITION KEY /c\nUPDATE ITEMS a SET x 1", 2, 22),
    ("CREATE CONTAINER a PARTITION KEY /c extra", 1, 37),
    ("ALTER CONTAINER", 1, 16),
])
def test_bad_input_is_a_parse_error_with_line_and_column_before_the_server(wb, text, line, column):
    with pytest.raises(ParseError) as e:
        wb.migrate("bad", text)
    assert (e.value.line, e.value.column) == (line, column), str(e.value)
    assert wb.schema().collections == {} and len(wb.history()) == 0


def test_unknown_and_existing_containers_are_refused(wb):
    with pytest.raises(UnknownObjectError):
        wb.migrate("bad", "DROP CONTAINER nope")
    wb.migrate("users", USERS)
    with pytest.raises(ObjectExistsError):
        wb.migrate("bad2", "CREATE CONTAINER users PARTITION KEY /x")
    assert len(wb.history()) == 1


# -- failure in the middle ------------------------------------------------------------
def test_a_failure_mid_migration_records_its_steps_and_rolls_back(wb):
    _with_users(wb)
    before = _items(wb, "users")
    # without email, two items of one tenant share the unique key's (missing) value:
    # the server refuses the second one, half-way through step 3
    with pytest.raises(MigrationFailed) as e:
        wb.migrate("clash", "CREATE CONTAINER audit PARTITION KEY /day\n"
                   "UPDATE ITEMS users REMOVE email")
    assert e.value.step == 3     # audit, backup, remove
    assert wb.history().iloc[-1]["status"] == "failed"
    assert {r.name: r for r in wb.backend.history()}["clash"].steps_done == 2
    assert wb.schema().has_collection("audit")
    assert _items(wb, "users") != before          # the first item lost its email
    assert [m.status for m in wb.rollback()] == ["rolled_back"]
    assert not wb.schema().has_collection("audit")
    assert _items(wb, "users") == before


# -- the lock -------------------------------------------------------------------------
def test_a_second_migrator_waits_for_the_lock_then_times_out(wb, cosmos_url, tmp_path):
    other = dbwork.connect(cosmos_url, migrations=tmp_path / "m2", lock_timeout=0.5)
    with wb.backend.session(2.0):
        with pytest.raises(LockTimeout):
            other.migrate("users", USERS)
    assert other.migrate("users", USERS).status == "applied"
    other.close()


def test_two_migrators_at_once_apply_one_after_the_other(wb, cosmos_url, tmp_path):
    results, errors = [], []

    def run(name, folder):
        w = dbwork.connect(cosmos_url, migrations=tmp_path / folder, lock_timeout=30)
        try:
            results.append(w.migrate(name, f"CREATE CONTAINER {name} PARTITION KEY /k").status)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            w.close()

    threads = [threading.Thread(target=run, args=(n, f"m_{n}")) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and results == ["applied", "applied"]
    assert set(wb.schema().collections) == {"a", "b"}
    assert sorted(r.status for r in wb.backend.history()) == ["applied", "applied"]


def test_an_expired_lock_is_taken_over_and_a_live_one_only_once(wb):
    from dbwork.backends.cosmos.session import LOCKS, ItemLock, ensure_system_containers
    db = wb.backend.db
    ensure_system_containers(db)
    locks = db.get_container_client(LOCKS)
    locks.upsert_item({"id": "migrations", "owner": "crashed", "expires": time.time() - 1})
    first, second = ItemLock(locks, 60), ItemLock(locks, 60)
    first.acquire(1.0)
    assert first.took_over == "crashed"
    with pytest.raises(LockTimeout, match="expires in"):
        second.acquire(0.3)
    first.release()
    second.acquire(1.0)
    second.release()


# -- URLs and credentials -------------------------------------------------------------
def test_the_key_is_read_from_the_environment_and_never_written(wb, cosmos_url, tmp_path, monkeypatch):
    import os
    key = os.environ["COSMOS_KEY"]
    wb.migrate("users", USERS)
    wb.migrate("flag", "UPDATE ITEMS users SET beta = false")
    texts = [p.read_text() for p in (tmp_path / "migrations").iterdir()]
    texts.append(wb.history().to_json())
    texts.append(json.dumps([r.__dict__ for r in wb.backend.history()], default=str))
    texts.append(repr(wb) + repr(wb.backend) + wb.backend.display_url)
    assert not any(key in t for t in texts)
    with pytest.raises(ConfigError, match="not in the URL"):
        dbwork.connect(cosmos_url.replace("cosmos://", "cosmos://acct:secret@"))
    monkeypatch.delenv("COSMOS_KEY")
    with pytest.raises(ConfigError, match="COSMOS_KEY"):
        dbwork.connect(cosmos_url)


def test_a_connection_string_in_the_environment_is_a_url(wb, cosmos_url, monkeypatch):
    import os
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(cosmos_url)
    monkeypatch.setenv("APP_COSMOS", f"AccountEndpoint=https://{u.host}:{u.port}/;"
                                     f"AccountKey={os.environ['COSMOS_KEY']};")
    other = dbwork.connect(f"cosmos:///{u.database}?connection_env=APP_COSMOS&verify=false")
    wb.migrate("users", USERS)
    assert other.schema().has_collection("users")
    other.close()
    with pytest.raises(ConfigError, match="unknown option"):
        dbwork.connect(cosmos_url + "&keyenv=X")


# -- the CLI --------------------------------------------------------------------------
def test_the_cli_migrates_lists_history_and_rolls_back(cosmos_url, tmp_path):
    import subprocess
    import sys
    change = tmp_path / "change.cosmos"
    change.write_text("CREATE CONTAINER orders PARTITION KEY /customerId TTL 600\n")
    base = [sys.executable, "-m", "dbwork.cli", "--url", cosmos_url,
            "--migrations", str(tmp_path / "migrations")]

    def run(*args):
        return subprocess.run(base + list(args), capture_output=True, text=True, timeout=120)

    r = run("--json", "migrate", "orders", str(change))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "applied"
    r = run("history")
    assert r.returncode == 0 and "orders" in r.stdout and "applied" in r.stdout
    bad = tmp_path / "bad.cosmos"
    bad.write_text("DROP CONTAINERZ orders\n")
    r = run("migrate", "bad", str(bad))
    assert r.returncode == 2 and "line 1, column 6" in r.stderr + r.stdout
    r = run("rollback")
    assert r.returncode == 0, r.stderr
    w = dbwork.connect(cosmos_url)
    assert not w.schema().has_collection("orders")
    w.close()


# -- what the emulator gets wrong (xfail strict here; must pass on a real account) ----
@emulator_gap("replace_container makes the container again, empty: its items are lost")
def test_items_survive_an_indexing_policy_change(wb):
    _with_users(wb)
    before = _items(wb, "users")
    wb.migrate("ttl", "ALTER CONTAINER users SET TTL 3600")
    assert _items(wb, "users") == before


@pytest.mark.skipif(not EMULATOR, reason="only the emulator loses items on replace")
def test_a_server_that_loses_items_on_replace_is_reported_not_trusted(wb):
    _with_users(wb)
    with pytest.raises(MigrationFailed, match="lost 6 of 6 item"):
        wb.migrate("ttl", "ALTER CONTAINER users SET TTL 3600")
    assert wb.history().iloc[-1]["status"] == "failed"


@emulator_gap("replace_container drops the unique key policy (the SDK does not send it; "
              "Azure keeps it, unique keys are immutable)")
def test_unique_keys_survive_a_ttl_change(wb):
    wb.migrate("users", USERS)
    wb.migrate("ttl", "ALTER CONTAINER users SET TTL 3600")
    assert _definition(wb, "users")["uniqueKeyPolicy"] == {"uniqueKeys": [{"paths": ["/email"]}]}


def test_patch_item_works_on_the_emulator(wb):
    """LIBRARY-NOTES said patch_item fails: it was replace_container emptying the
    container first. dbwork still reads and replaces whole items (exact restores)."""
    _with_users(wb)
    _container(wb, "users").patch_item("u0", "t0", [{"op": "add", "path": "/z", "value": 1}])
    assert _container(wb, "users").read_item("u0", "t0")["z"] == 1


@emulator_gap("transactional batches fail (partition key header not parsed)")
def test_transactional_batch(wb):
    wb.migrate("users", USERS)
    _container(wb, "users").execute_item_batch(
        [("upsert", ({"id": "b1", "tenant": "t0", "email": "b@x"},))], partition_key="t0")


@emulator_gap("no throughput (offers) route")
def test_throughput_is_readable(wb):
    wb.migrate("users", USERS)
    assert _container(wb, "users").get_throughput().offer_throughput > 0


@emulator_gap("request charges are always 1 RU, whatever the operation")
def test_a_write_costs_more_than_one_request_unit(wb):
    wb.migrate("users", USERS)
    c = _container(wb, "users")
    c.create_item({"id": "big", "tenant": "t0", "email": "big@x", "blob": "x" * 4000})
    assert float(c.client_connection.last_response_headers["x-ms-request-charge"]) > 1


@emulator_gap("TTL is stored but items never expire")
def test_an_item_with_a_ttl_expires(wb):
    wb.migrate("events", "CREATE CONTAINER events PARTITION KEY /day TTL -1")
    _container(wb, "events").create_item({"id": "e", "day": "d", "ttl": 1})
    time.sleep(2.5)
    assert _items(wb, "events") == []
