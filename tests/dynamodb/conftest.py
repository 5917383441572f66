"""DynamoDB suite fixtures: moto's server mode (``moto[server]``) on a free loopback
port, started for the session by these fixtures and by nothing else, stopped after it.
Fake credentials go into the environment only (never into a URL or an output).

Each test gets its own table prefix (``prefix=`` in the URL), so its tables, history
and lock are its own on the shared server. ``EMULATOR`` is True while moto serves the
suite: tests of behaviour moto gets wrong are marked xfail(strict=True) then.
"""
from __future__ import annotations

import os
import uuid

import pytest

EMULATOR = True
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def moto_gap(reason: str):
    """Mark a test of behaviour moto's DynamoDB does not emulate (AWS does)."""
    return pytest.mark.xfail(EMULATOR, reason=f"moto server: {reason}", strict=True)


@pytest.fixture(scope="session")
def moto_port():
    pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    for name, value in FAKE_ENV.items():
        os.environ.setdefault(name, value)
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no line per request
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield port
    server.stop()


@pytest.fixture
def ddb_url(moto_port):
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    return f"dynamodb://127.0.0.1:{moto_port}?region=us-east-1&prefix={prefix}", prefix


@pytest.fixture
def wb(ddb_url, tmp_path):
    import dbwork
    url, prefix = ddb_url
    w = dbwork.connect(url, migrations=tmp_path / "migrations", lock_timeout=2.0)
    w.prefix = prefix
    yield w
    w.close()


@pytest.fixture
def client(wb):
    return wb.backend.client
