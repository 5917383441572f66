"""One behaviour suite over the three NoSQL backends (Redis, DynamoDB, Cosmos DB).

``case`` is parametrised over the backends: a ``Case`` (tests/nosql/nosql_cases.py) that
opens Workbenches on a fresh, empty place of its server (``case.open()``), seeds data,
snapshots it, and names a change, a bad input and a failing change in its language.

The servers are the ones the backends' own suites use, reached the same way:
- Redis: the real redis-server of tests/redis/redisserver.py, on its own database
  number (the Redis suite's number + 2, so the two suites never empty each other's);
- DynamoDB: moto's server mode on a free loopback port for the session, fake
  credentials from tests/dynamodb/moto_emulator.py; a table prefix per test;
- Cosmos DB: DBWORK_TEST_COSMOS_URL, or the npm emulator started for the session
  (dbwork/backends/cosmos/emulator.py); a ``dbw_*`` database per test, deleted after.

A server that is not reachable fails the test under CI (CI=true) and skips it locally
(freshdb.skip_or_fail). The session servers start only when a test of theirs runs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import freshdb

_TESTS = Path(__file__).resolve().parents[1]
for _suite in ("redis", "dynamodb", "cosmos"):      # their helper modules, by plain name
    if str(_TESTS / _suite) not in sys.path:
        sys.path.insert(0, str(_TESTS / _suite))

from nosql_cases import CASES  # noqa: E402  (after the path insert above)


@pytest.fixture(scope="session")
def moto_endpoint():
    """``127.0.0.1:PORT`` of moto's DynamoDB server, fake credentials in the
    environment for the session (restored after it)."""
    from moto_emulator import FAKE_ENV
    try:
        import boto3  # noqa: F401
        from moto.server import ThreadedMotoServer
    except ImportError as e:
        freshdb.skip_or_fail(f"boto3/moto are not installed (pip install dbwork[dynamodb]): {e}")
    saved = {name: os.environ.get(name) for name in FAKE_ENV}
    os.environ.update(FAKE_ENV)
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"127.0.0.1:{port}"
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def cosmos_endpoint():
    """``(cosmos://HOST:PORT, query)`` of the account or emulator, for the session."""
    from cosmos_gaps import REAL_URL
    if REAL_URL:
        yield REAL_URL.rstrip("/"), ""
        return
    try:
        import azure.cosmos  # noqa: F401
    except ImportError as e:
        freshdb.skip_or_fail(f"azure-cosmos is not installed (pip install dbwork[cosmos]): {e}")
    from dbwork.backends.cosmos.emulator import Emulator
    from dbwork.errors import ConfigError
    try:
        emulator = Emulator.start()
    except ConfigError as e:
        freshdb.skip_or_fail(f"Cosmos DB emulator: {e}")
    yield f"cosmos://127.0.0.1:{emulator.port}", "?verify=false"
    emulator.stop()


@pytest.fixture(params=sorted(CASES))
def case(request, tmp_path):
    """A backend's Case on a fresh, empty place of its server; cleaned up after."""
    made = CASES[request.param].make(request, tmp_path)
    yield made
    made.close()
