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

from moto_emulator import EMULATOR, FAKE_ENV, moto_gap  # noqa: F401  (re-exported)


@pytest.fixture(scope="session")
def moto_port():
    pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    saved = {name: os.environ.get(name) for name in FAKE_ENV}
    os.environ.update(FAKE_ENV)    # fake ones only: real keys never reach a test
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no line per request
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield port
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
