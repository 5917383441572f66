"""The Redis suite runs against the real redis-server (127.0.0.1:6379 by default, or
DBWORK_TEST_REDIS_URL's server). It owns two database numbers (DBWORK_TEST_REDIS_DB,
default 13, and the next one, the target of MOVE PATTERN), emptied before and after
each test; other databases on the server are never touched. Under CI (CI=true) an
unreachable server fails the test, locally it is a skip with the reason."""
from __future__ import annotations

import pytest

from freshdb import skip_or_fail

from redisserver import DB, OTHER_DB, SERVER, client


@pytest.fixture
def r():
    """A client on the suite's database, with it and the MOVE target emptied."""
    try:
        import redis  # noqa: F401
    except ImportError:
        skip_or_fail("the redis client is not installed (pip install dbwork[redis])")
    main, other = client(DB), client(OTHER_DB)
    try:
        main.ping()
    except Exception as e:
        skip_or_fail(f"Redis at {SERVER} is not reachable: {e}")
    main.flushdb()
    other.flushdb()
    yield main
    main.flushdb()
    other.flushdb()
    main.close()
    other.close()


@pytest.fixture
def url(r) -> str:
    return f"{SERVER}/{DB}"


@pytest.fixture
def wb(url, tmp_path):
    import dbwork
    bench = dbwork.connect(url, migrations=tmp_path / "migrations")
    yield bench
    bench.close()
