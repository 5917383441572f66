"""DynamoDB through the same Workbench as every backend, against moto's server mode:
round trip (up then down restores every table and item), re-run, bad input with line
and column, failure mid-migration with step history, the lock, dry run, upgrade."""
from __future__ import annotations

import json
import threading
import time

import pytest

import dbwork
from dbwork.backends.dynamodb.session import LOCKS, DynamoBackend, WaitTimeout
from dbwork.errors import (ConfigError, DataLossRefused, MigrationConflict, MigrationFailed,
                           LockTimeout, ObjectExistsError, ParseError, UnknownObjectError)

from moto_emulator import moto_gap, table_names

ORDERS = """CREATE TABLE {p}orders KEY (customer S HASH, order_id S RANGE)
    GSI by_status (status S HASH, created N RANGE) PROJECTION INCLUDE (total)
    LSI by_created (created N RANGE) PROJECTION KEYS_ONLY
    TTL expires_at"""


def snapshot(client, prefix: str) -> dict:
    """Every user table's items, as canonical JSON, sorted (typed values compared
    exactly: numbers as their strings, binaries as bytes)."""
    out = {}
    for name in table_names(client, prefix):
        if "dbwork_" not in name:
            items = client.scan(TableName=name, ConsistentRead=True)["Items"]
            out[name] = sorted(json.dumps(i, sort_keys=True, default=repr) for i in items)
    return out


def dbwork_tables(client, prefix: str) -> list[str]:
    return sorted(table_names(client, prefix + "_dbwork_"))


@pytest.fixture
def seeded(wb, client):
    p = wb.prefix
    wb.migrate("orders", ORDERS.format(p=p))
    for i in range(40):
        item = {"customer": {"S": f"c{i % 4}"}, "order_id": {"S": f"{i:03}"},
                "status": {"S": "new" if i % 3 else "paid"}, "created": {"N": str(1000 + i)},
                "total": {"N": f"{i}.50"}, "name": {"S": f"Ann Lee {i}"},
                "blob": {"B": bytes([i, 0, 255])}, "tags": {"SS": ["a", f"t{i}"]}}
        if i % 5 == 0:
            item["qty"] = {"N": str(i)}
            item["currency"] = {"S": "USD"}
        client.put_item(TableName=f"{p}orders", Item=item)
    return wb


def test_introspection_reads_back_what_was_created(seeded):
    t = seeded.schema().table(f"{seeded.prefix}orders")
    assert t.key_text() == "customer S HASH, order_id S RANGE" and t.billing == "PAY_PER_REQUEST"
    assert [i.describe() for i in t.gsis] == [
        "by_status (status S HASH, created N RANGE) projection INCLUDE (total)"]
    assert [i.describe() for i in t.lsis] == [
        "by_created (customer S HASH, created N RANGE) projection KEYS_ONLY"]
    assert t.ttl == "expires_at" and t.stream is None and t.items == 40


def test_convergence_what_the_plan_predicts_is_what_the_server_reports(seeded):
    p = seeded.prefix
    before = seeded.schema()
    m = seeded.migrate("more", f"ADD GSI by_total ON {p}orders (total N HASH) PROJECTION KEYS_ONLY\n"
                               f"STREAM ON {p}orders NEW_IMAGE\nTTL OFF {p}orders")
    predicted = before
    for step in m.steps:
        predicted = step.op.apply(predicted)
    assert seeded.schema().shape() == predicted.shape()


def test_item_transformations_round_trip_exactly(seeded, client):
    p = seeded.prefix
    before, schema = snapshot(client, p), seeded.schema().shape()
    m = seeded.migrate("reshape", f"""RENAME ATTRIBUTE qty TO quantity IN {p}orders
SPLIT ATTRIBUTE name ON " " INTO first_name, last_name IN {p}orders
ADD ATTRIBUTE currency = "EUR" TO {p}orders
ADD GSI by_currency ON {p}orders (currency S HASH)""")
    assert m.status == "applied"
    item = client.get_item(TableName=f"{p}orders", Key={"customer": {"S": "c0"},
                                                          "order_id": {"S": "000"}})["Item"]
    assert item["quantity"] == {"N": "0"} and "qty" not in item and "name" not in item
    assert item["first_name"] == {"S": "Ann"} and item["last_name"] == {"S": "Lee 0"}
    assert item["currency"] == {"S": "USD"}                  # had one: kept
    other = client.get_item(TableName=f"{p}orders", Key={"customer": {"S": "c1"},
                                                           "order_id": {"S": "001"}})["Item"]
    assert other["currency"] == {"S": "EUR"}
    assert len(dbwork_tables(client, p)) == 3                # one backup per transformation
    (r,) = seeded.rollback()
    assert r.status == "rolled_back"
    assert snapshot(client, p) == before and seeded.schema().shape() == schema
    assert dbwork_tables(client, p) == []                   # the backups went with the restore


def test_capacity_and_cost_notes_per_step(seeded):
    p = seeded.prefix
    m = seeded.migrate("gsi", f"ADD GSI by_total ON {p}orders (total N HASH)", dry_run=True)
    assert any("backfill reads all 40 item(s)" in w and "write request unit" in w
               for w in m.warnings)
    m = seeded.migrate("prov", f"CREATE TABLE {p}events KEY (id S HASH) "
                               "BILLING PROVISIONED (READ 5, WRITE 10)", dry_run=True)
    assert any("billed every hour" in w for w in m.warnings)


def test_drop_table_needs_consent_and_rollback_restores_table_and_items(seeded, client):
    p = seeded.prefix
    before, schema = snapshot(client, p), seeded.schema().shape()
    with pytest.raises(DataLossRefused, match="40 row"):
        seeded.migrate("drop", f"DROP TABLE {p}orders")
    assert snapshot(client, p) == before
    m = seeded.migrate("drop", f"DROP TABLE {p}orders", allow_data_loss=True)
    assert m.status == "applied" and not seeded.schema().tables
    assert dbwork_tables(client, p) == [f"{p}_dbwork_bak_{m.version}_1"]
    seeded.rollback()
    assert snapshot(client, p) == before and seeded.schema().shape() == schema
    assert dbwork_tables(client, p) == []


def test_key_change_is_a_copy_into_a_new_table_and_rolls_back(seeded, client):
    p = seeded.prefix
    before = snapshot(client, p)
    m = seeded.migrate("rekey", f"COPY TABLE {p}orders TO {p}orders_by_id KEY (order_id S HASH)")
    assert any("old table stays" in w for w in m.warnings)
    copied = snapshot(client, p)[f"{p}orders_by_id"]
    assert copied == before[f"{p}orders"]
    assert seeded.schema().table(f"{p}orders_by_id").ttl == "expires_at"
    seeded.rollback()
    assert snapshot(client, p) == before


def test_a_copy_whose_items_lack_the_new_key_fails_before_writing(seeded, client):
    p = seeded.prefix
    with pytest.raises(MigrationFailed, match="no S attribute qty"):
        seeded.migrate("bad_key", f"COPY TABLE {p}orders TO {p}orders_by_qty KEY (qty S HASH)")
    assert client.scan(TableName=f"{p}orders_by_qty")["Count"] == 0
    seeded.rollback()
    assert f"{p}orders_by_qty" not in seeded.schema().tables


def test_failure_mid_migration_records_progress_and_rollback_undoes_exactly_that(seeded, client):
    p = seeded.prefix
    client.put_item(TableName=f"{p}orders", Item={"customer": {"S": "x"}, "order_id": {"S": "x"},
                                                   "label": {"N": "7"}})
    before = snapshot(client, p)
    text = (f"RENAME ATTRIBUTE qty TO quantity IN {p}orders\n"
            f"SPLIT ATTRIBUTE label ON \"-\" INTO a, b IN {p}orders\n"
            f"TTL OFF {p}orders")
    with pytest.raises(MigrationFailed, match="not a string") as e:
        seeded.migrate("half", text)
    assert e.value.step == 4 and e.value.steps_done == 3 and not e.value.transactional
    row = seeded.history().set_index("name").loc["half"]
    assert row.status == "failed" and row.steps_done == 3
    with pytest.raises(MigrationConflict, match="roll it back first"):
        seeded.migrate("half", text)
    (r,) = seeded.rollback()
    assert r.status == "rolled_back"
    assert snapshot(client, p) == before and dbwork_tables(client, p) == []


def test_rerun_same_content_is_reported_not_reapplied(seeded):
    p = seeded.prefix
    m1 = seeded.migrate("stream", f"STREAM ON {p}orders")
    m2 = seeded.migrate("stream", f"STREAM ON {p}orders")
    assert m2.version == m1.version and "already applied" in m2.notes[0]
    assert list(seeded.history().name) == ["orders", "stream"]
    with pytest.raises(MigrationConflict, match="different content"):
        seeded.migrate("stream", f"STREAM ON {p}orders KEYS_ONLY")


def test_dry_run_changes_nothing_and_shows_what_runs(seeded, client):
    p = seeded.prefix
    before = snapshot(client, p)
    text = f"ADD ATTRIBUTE region = \"eu\" TO {p}orders"
    dry = seeded.migrate("region", text, dry_run=True)
    assert dry.status == "planned" and snapshot(client, p) == before
    assert list(seeded.history().name) == ["orders"]
    applied = seeded.migrate("region", text)
    assert applied.up.replace(applied.version, "V") == dry.up.replace(dry.version, "V")


def test_explicit_down_section_in_commands(seeded):
    p = seeded.prefix
    seeded.migrate("ttl", f"TTL OFF {p}orders\n-- migrate:down\nTTL ON {p}orders ATTRIBUTE expires_at")
    assert seeded.schema().table(f"{p}orders").ttl is None
    seeded.rollback()
    assert seeded.schema().table(f"{p}orders").ttl == "expires_at"


def test_upgrade_from_files_into_a_fresh_region(seeded, client, moto_port):
    p = seeded.prefix
    seeded.migrate("gsi", f"ADD GSI by_total ON {p}orders (total N HASH)")
    files = sorted(f.name for f in seeded.files.directory.iterdir())
    assert all(f.endswith(".ddb") for f in files) and len(files) == 2
    other = dbwork.connect(f"dynamodb://127.0.0.1:{moto_port}?region=eu-west-1&prefix={p}",
                           migrations=seeded.files.directory)
    assert [m.name for m in other.pending()] == ["orders", "gsi"]
    assert [m.status for m in other.upgrade()] == ["applied", "applied"]
    assert other.schema().shape() == seeded.schema().shape() and other.pending() == []


# -- bad input: a clear error with line and column, before anything runs -------------
@pytest.mark.parametrize("text,error,line,column", [
    ("CREATE TABLE {p}x KEY (id S HASH)\nCREATE TABLE {p}y KEY (id S HASH", ParseError, 2, None),
    ("CREATE TABLE {p}x KEY (id Q HASH)", ParseError, 1, None),
    ("CREATE TABLE {p}x KEY (id S RANGE)", ParseError, 1, None),
    ("TTL ON {p}orders ATTRIBUTE other", ParseError, 1, None),
    ("ADD LSI l ON {p}orders (x S RANGE)", ParseError, 1, 1),
    ("RENAME ATTRIBUTE customer TO who IN {p}orders", ParseError, 1, 18),
    ("ADD ATTRIBUTE x = nope TO {p}orders", ParseError, 1, 19),
    ("STREAM ON {p}orders\nFROB {p}orders", ParseError, 2, 1),
    ("DROP TABLE {p}nope", UnknownObjectError, None, None),
    ("CREATE TABLE {p}orders KEY (id S HASH)", ObjectExistsError, None, None),
    ("CREATE TABLE other_prefix KEY (id S HASH)", ParseError, 1, 14),
])
def test_bad_input_is_refused_before_anything_runs(seeded, client, text, error, line, column):
    p = seeded.prefix
    before, schema = snapshot(client, p), seeded.schema().shape()
    with pytest.raises(error) as e:
        seeded.migrate("bad", text.format(p=p))
    if line is not None:
        assert e.value.line == line
    if column is not None:
        assert e.value.column == column
    assert snapshot(client, p) == before and seeded.schema().shape() == schema
    assert list(seeded.history().name) == ["orders"]


def test_credentials_in_the_url_are_refused_without_showing_them():
    with pytest.raises(ConfigError) as e:
        dbwork.connect("dynamodb://AKIAEXAMPLE:sup3rs3cret@127.0.0.1:1?region=us-east-1")
    assert "sup3rs3cret" not in str(e.value) and "AWS_SECRET_ACCESS_KEY" in str(e.value)


def test_an_unknown_url_option_is_refused(moto_port):
    with pytest.raises(ConfigError, match="unknown option 'regoin'"):
        dbwork.connect(f"dynamodb://127.0.0.1:{moto_port}?regoin=us-east-1")


def test_a_bounded_wait_ends_with_a_clear_error(seeded, client):
    from dbwork.backends.dynamodb.execute import wait_index
    t0 = time.monotonic()
    with pytest.raises(WaitTimeout, match="did not become ACTIVE within 0.3 s"):
        wait_index(client, f"{seeded.prefix}orders", "never_made", "ACTIVE", 0.3)
    assert time.monotonic() - t0 < 5


# -- the lock ---------------------------------------------------------------------------
def test_second_migrator_times_out_while_the_lock_is_held(seeded, client):
    p = seeded.prefix
    other = DynamoBackend(seeded.url)
    with other.session(1.0):
        t0 = time.monotonic()
        with pytest.raises(LockTimeout, match="holds the migration lock"):
            seeded.migrate("blocked", f"STREAM ON {p}orders")
        assert time.monotonic() - t0 >= 1.5    # waited for the wb's 2 s timeout
    assert seeded.migrate("blocked", f"STREAM ON {p}orders").status == "applied"
    assert client.scan(TableName=f"{p}{LOCKS}")["Count"] == 0    # released


def test_an_expired_lock_is_taken_over(seeded, client):
    p = seeded.prefix
    client.put_item(TableName=f"{p}{LOCKS}", Item={
        "lock_id": {"S": "migrations"}, "owner": {"S": "crashed:1"},
        "expires": {"N": str(time.time() - 5)}})
    assert seeded.migrate("after_crash", f"STREAM ON {p}orders").status == "applied"
    assert client.scan(TableName=f"{p}{LOCKS}")["Count"] == 0


def test_a_live_lock_of_a_crashed_holder_blocks_until_it_expires(seeded, client):
    p = seeded.prefix
    client.put_item(TableName=f"{p}{LOCKS}", Item={
        "lock_id": {"S": "migrations"}, "owner": {"S": "crashed:2"},
        "expires": {"N": str(time.time() + 2.5)}})
    with pytest.raises(LockTimeout, match="crashed:2"):
        seeded.migrate("wait", f"STREAM ON {p}orders")
    time.sleep(1.0)
    assert seeded.migrate("wait", f"STREAM ON {p}orders").status == "applied"


def test_the_holder_keeps_its_lease_alive_while_it_works(seeded, client):
    """A step longer than the lease does not lose the lock: a daemon thread renews it
    every third of the lease, and the item is deleted when the session ends."""
    p = seeded.prefix
    backend = DynamoBackend(seeded.display_url + "&lock_lease=0.6")
    key = {"lock_id": {"S": "migrations"}}

    def expires():
        item = client.get_item(TableName=f"{p}{LOCKS}", Key=key, ConsistentRead=True)
        return float(item["Item"]["expires"]["N"])

    with backend.session(1.0):
        first = expires()
        time.sleep(1.0)                                  # longer than the lease
        assert expires() > first and expires() > time.time()
        with pytest.raises(LockTimeout):
            with DynamoBackend(seeded.url).session(0.3):
                pass
    assert client.scan(TableName=f"{p}{LOCKS}")["Count"] == 0


def test_two_migrators_at_once_run_one_after_the_other(seeded, ddb_url, tmp_path):
    p = seeded.prefix
    url = seeded.url
    results, errors = {}, []

    def run(name, text):
        try:
            w = dbwork.connect(url, migrations=tmp_path / name, lock_timeout=60)
            results[name] = w.migrate(name, text)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=("a", f"ADD ATTRIBUTE a = 1 TO {p}orders")),
               threading.Thread(target=run, args=("b", f"ADD ATTRIBUTE b = 2 TO {p}orders"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and {m.status for m in results.values()} == {"applied"}
    rows = seeded.history()
    assert sorted(rows.name) == ["a", "b", "orders"] and set(rows.status) == {"applied"}
    runs = sorted(results.values(), key=lambda m: m.version)
    assert runs[0].version < runs[1].version


# -- what moto does not do as AWS does (named, so a real endpoint can show them) --------
@moto_gap("after a stream is turned off, every write to the table fails with a 500 "
          "(moto keeps the stream shard: KeyError 'StreamViewType')")
def test_writes_after_the_stream_is_turned_off(seeded, client):
    p = seeded.prefix
    seeded.migrate("on", f"STREAM ON {p}orders")
    seeded.migrate("off", f"STREAM OFF {p}orders")
    client.put_item(TableName=f"{p}orders", Item={"customer": {"S": "z"},
                                                   "order_id": {"S": "z"}})


@moto_gap("AWS refuses a second TTL change on a table within about an hour; moto allows it")
def test_ttl_cannot_be_changed_twice_in_an_hour(seeded):
    p = seeded.prefix
    seeded.migrate("off", f"TTL OFF {p}orders")
    with pytest.raises(MigrationFailed):
        seeded.migrate("on", f"TTL ON {p}orders ATTRIBUTE expires_at")


@moto_gap("a new GSI is ACTIVE at once (no CREATING/backfill phase), so the wait for "
          "ACTIVE is never exercised against moto")
def test_a_new_gsi_goes_through_creating(seeded, client):
    p = seeded.prefix
    client.update_table(TableName=f"{p}orders", AttributeDefinitions=[
        {"AttributeName": "total", "AttributeType": "N"}], GlobalSecondaryIndexUpdates=[
        {"Create": {"IndexName": "by_total", "KeySchema": [
            {"AttributeName": "total", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}])
    d = client.describe_table(TableName=f"{p}orders")["Table"]
    status = {i["IndexName"]: i["IndexStatus"] for i in d["GlobalSecondaryIndexes"]}
    assert status["by_total"] == "CREATING"


@moto_gap("UpdateTable replaces the table's AttributeDefinitions with those the request "
          "lists (AWS merges them), so dbwork sends every key attribute of the table")
def test_update_table_merges_attribute_definitions(seeded, client):
    p = seeded.prefix
    client.update_table(TableName=f"{p}orders", AttributeDefinitions=[
        {"AttributeName": "total", "AttributeType": "N"}], GlobalSecondaryIndexUpdates=[
        {"Create": {"IndexName": "by_total", "KeySchema": [
            {"AttributeName": "total", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}])
    d = client.describe_table(TableName=f"{p}orders")["Table"]
    assert {"AttributeName": "created", "AttributeType": "N"} in d["AttributeDefinitions"]
