"""One behaviour suite, run on Redis, DynamoDB and Cosmos DB alike (issue #17, point 4):
up then down restores the data byte for byte; an applied migration with the same
content is reported, not applied twice; bad input is a ParseError with line and column
before the server is touched; a failure mid-migration leaves a failed history row with
its steps done, and the rollback restores the data; two migrators at once apply the
change exactly once (the other waits for the lock, then reports it applied).

Each backend is a Case of tests/nosql/nosql_cases.py; the fixtures are in conftest.py.
"""
from __future__ import annotations

import threading

import pytest

from dbwork.errors import MigrationConflict, MigrationFailed, ParseError

# the Cosmos emulator's self-signed certificate is accepted on purpose (?verify=false)
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def _rows(wb) -> list[tuple]:
    h = wb.history()
    return list(zip(h["name"], h["status"]))


def test_up_then_down_restores_the_data_byte_for_byte(case):
    wb = case.open()
    case.seed(wb)
    before, rows = case.snapshot(wb), _rows(wb)
    m = wb.migrate("reshape", case.change(wb))
    assert m.status == "applied"
    assert case.snapshot(wb) != before            # the change did change the data
    assert [r.status for r in wb.rollback()] == ["rolled_back"]
    assert case.snapshot(wb) == before
    assert _rows(wb) == rows + [("reshape", "rolled_back")]


def test_an_applied_migration_with_the_same_content_is_reported_not_applied_twice(case):
    wb = case.open()
    case.seed(wb)
    first = wb.migrate("reshape", case.change(wb))
    after = case.snapshot(wb)
    again = wb.migrate("reshape", case.change(wb))
    assert again.version == first.version
    assert any("already applied" in n for n in again.notes)
    assert case.snapshot(wb) == after
    assert [name for name, _ in _rows(wb)].count("reshape") == 1
    with pytest.raises(MigrationConflict):      # the same name with other content
        wb.migrate("reshape", case.change(wb) + case.change(wb).splitlines()[0] + "\n")


def test_bad_input_is_a_parse_error_with_line_and_column_before_the_server(case):
    wb = case.open()
    case.seed(wb)
    before, rows = case.snapshot(wb), _rows(wb)
    bad = case.bad(wb)
    with pytest.raises(ParseError) as e:
        wb.migrate("bad", bad.text)
    assert (e.value.line, e.value.column) == (bad.line, bad.column), str(e.value)
    assert bad.words in str(e.value)
    assert case.snapshot(wb) == before and _rows(wb) == rows


def test_a_failure_mid_migration_keeps_step_history_and_rolls_back(case):
    wb = case.open()
    case.seed(wb)
    failing = case.failing(wb)
    before, rows = case.snapshot(wb), _rows(wb)
    with pytest.raises(MigrationFailed) as e:
        wb.migrate("half", failing.text)
    assert e.value.step == failing.step and failing.words in str(e.value)
    row = wb.history().iloc[-1]
    assert (row["name"], row["status"], row["steps_done"]) == \
        ("half", "failed", failing.steps_done)
    assert case.snapshot(wb) != before            # earlier steps did write
    assert [m.status for m in wb.rollback()] == ["rolled_back"]
    assert case.snapshot(wb) == before
    assert _rows(wb) == rows + [("half", "rolled_back")]


def test_two_migrators_at_once_apply_the_change_exactly_once(case):
    wb = case.open()
    case.seed(wb)
    text, before = case.change(wb), case.snapshot(wb)
    benches = [case.open(f"m_{n}", lock_timeout=60) for n in ("a", "b")]
    results, errors = [], []
    start = threading.Barrier(len(benches))

    def run(bench):
        try:
            start.wait(10)
            results.append((bench, bench.migrate("reshape", text)))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(b,)) for b in benches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(results) == 2
    applied = [(b, m) for b, m in results if not any("already applied" in n for n in m.notes)]
    reported = [m for _, m in results if any("already applied" in n for n in m.notes)]
    assert len(applied) == 1 and len(reported) == 1
    (bench, m), = applied
    assert m.status == "applied" and reported[0].version == m.version
    assert [name for name, _ in _rows(wb)].count("reshape") == 1
    # one apply, one undo (by the migrator whose folder holds the file)
    assert [r.status for r in bench.rollback()] == ["rolled_back"]
    assert case.snapshot(wb) == before
