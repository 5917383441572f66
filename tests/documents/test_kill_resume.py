"""SQL to MongoDB survives kill -9: a copying process killed part way, then the same
copy run again, leaves every row exactly once as a document (counts, the validation's
checksum, and the _ids one by one)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pymongo

import dbwork
from dbwork.data.copy import dbapi

CHILD = Path(__file__).parents[1] / "copying" / "copy_child.py"


def _count(mongo_url: str) -> int:
    client = pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=2000)
    try:
        return client.get_default_database().events.count_documents({})
    except Exception:
        return 0
    finally:
        client.close()


def test_kill_9_mid_copy_to_mongodb_then_resume(make_db, mongo_url):
    n = 6_000
    src = make_db("postgresql")
    conn = dbapi.connect(src)
    dbapi.run(conn, "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
                    "amount INTEGER, at TIMESTAMP)")
    dbapi.run(conn, f"INSERT INTO events SELECT g, 'k' || mod(g, 7), g * 3, "
                    f"timestamp '2024-01-01' + g * interval '1 second' "
                    f"FROM generate_series(1, {n}) g")
    conn.commit()
    conn.close()
    child = subprocess.Popen([sys.executable, str(CHILD), src, mongo_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while _count(mongo_url) < n // 6 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, child.communicate()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    part = _count(mongo_url)
    assert 0 < part < n                                  # stopped part way

    report = dbwork.copy(src, mongo_url, progress=False)
    assert report.ok, report
    events = report.table("events")
    assert events.resumed_from > 0 and events.checksum_match is True
    client = pymongo.MongoClient(mongo_url)
    ids = sorted(d["_id"] for d in client.get_default_database().events.find({}, {"_id": 1}))
    client.close()
    assert ids == list(range(1, n + 1))                  # no duplicate, none missing
