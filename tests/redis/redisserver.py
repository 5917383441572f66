"""The Redis server the suite uses, and a client on one of its databases (shared by
the suite's conftest and its tests)."""
from __future__ import annotations

import os

SERVER = os.environ.get("DBWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
DB = int(os.environ.get("DBWORK_TEST_REDIS_DB", "13"))
OTHER_DB = DB + 1


def client(db: int = DB):
    import redis
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(f"{SERVER}/{db}")
    return redis.Redis(host=u.host, port=u.port or 6379, db=db, username=u.username,
                       password=u.password, socket_connect_timeout=3)
