"""MongoDB suite fixtures.

The suite runs against ``DBWORK_TEST_MONGODB_URL`` when it is set (a real server:
``mongodb://host:port/``; each test makes and drops its own database), otherwise
against the wire-protocol stand-in ``nx-27017`` started on a free loopback port for
the session and stopped after it (``mongo_server`` / ``mongo_url`` in tests/conftest.py).
Under CI (CI=true) a stand-in that cannot start fails the suite instead of skipping it.

``STANDIN`` is True when the stand-in serves the suite: tests of behaviour the
stand-in gets wrong are marked xfail(strict=True) only then.
"""
from __future__ import annotations

import pytest

from standin import REAL_URL, STANDIN, standin_gap  # noqa: F401  (re-exported)


@pytest.fixture
def wb(mongo_url, tmp_path):
    import dbwork
    w = dbwork.connect(mongo_url, migrations=tmp_path / "migrations", lock_timeout=2.0)
    yield w
    w.close()


@pytest.fixture
def mock_wb(tmp_path):
    """A Workbench over mongomock-ng (in process): right about rename, index
    metadata and BSON types, where the wire stand-in is not."""
    import mongomock_ng
    import dbwork
    from dbwork.backends.mongodb.session import MongoBackend
    w = dbwork.connect("mongodb://127.0.0.1:1/mock", migrations=tmp_path / "migrations",
                       lock_timeout=2.0)
    w.backend = MongoBackend(w.url, client=mongomock_ng.MongoClient())
    yield w
