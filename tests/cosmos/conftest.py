"""Cosmos DB suite fixtures.

The suite runs against ``DBWORK_TEST_COSMOS_URL`` when it is set (``cosmos://HOST:PORT/``
of a real account or Microsoft's emulator, with the key in ``COSMOS_KEY``; each test
makes its own ``dbw_*`` database and deletes it), otherwise against the npm emulator
``@vercel/cosmosdb-server`` (installed by scripts/setup.sh into .cosmos-server/),
started on a free loopback port for the session and stopped after it. Under CI
(CI=true) an emulator that cannot start fails the suite instead of skipping it.
"""
from __future__ import annotations

import uuid

import pytest

import freshdb
from cosmos_gaps import REAL_URL


@pytest.fixture(scope="session")
def cosmos_server():
    """``cosmos://HOST:PORT`` (no database) for the whole session."""
    if REAL_URL:
        yield REAL_URL.rstrip("/"), ""
        return
    from dbwork.backends.cosmos.emulator import Emulator
    from dbwork.errors import ConfigError
    try:
        emulator = Emulator.start()
    except ConfigError as e:
        freshdb.skip_or_fail(f"Cosmos DB emulator: {e}")
    yield f"cosmos://127.0.0.1:{emulator.port}", "?verify=false"
    emulator.stop()


@pytest.fixture
def cosmos_url(cosmos_server):
    """A fresh database for one test, deleted after it."""
    base, query = cosmos_server
    name = f"dbw_{uuid.uuid4().hex[:10]}"
    yield f"{base}/{name}{query}"
    import dbwork
    w = dbwork.connect(f"{base}/{name}{query}")
    try:
        w.backend.client.delete_database(name)
    except Exception:  # noqa: BLE001 - never made, or already gone
        pass
    w.close()


@pytest.fixture
def wb(cosmos_url, tmp_path):
    import dbwork
    w = dbwork.connect(cosmos_url, migrations=tmp_path / "migrations", lock_timeout=2.0)
    yield w
    w.close()


@pytest.fixture(autouse=True)
def _quiet_self_signed_certificate(cosmos_server):
    """The emulator's self-signed certificate is accepted on purpose (?verify=false)."""
    import warnings
    import urllib3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
        yield
