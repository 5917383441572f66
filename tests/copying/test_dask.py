"""The same copy on a Dask distributed cluster (a LocalCluster of worker processes):
chunks by primary-key range run on the workers, validation too, and the result is the
same copy, row for row."""
from __future__ import annotations

import pytest

import dbwork
from dbwork.data.copy import dbapi

from . import shop

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    import dask
    # a loaded shared machine can take longer than the 30 s default to start a worker
    with dask.config.set({"distributed.comm.timeouts.connect": "180s",
                          "distributed.comm.timeouts.tcp": "180s"}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                           processes=True, dashboard_address=None,
                                           silence_logs=40)
        c = distributed.Client(cluster, timeout="180s")
        yield c
        c.close()
        cluster.close()


@pytest.mark.parametrize("target", ["postgresql", "mariadb"])
def test_copy_on_a_dask_cluster(client, target, make_db):
    src, dst = make_db("postgresql"), make_db(target)
    shop.build(src, n_users=120)
    report = dbwork.copy(src, dst, progress=False, executor=client, batch_rows=10,
                         chunk_rows=30)
    assert report.ok, report
    assert all(t.checksum_match for t in report.tables)
    # the work really ran on the workers: each one opened connections to the target
    seen = client.run(lambda: __import__("sys").modules.get("dbwork.data.copy.transfer")
                      is not None)
    assert len(seen) == 2 and any(seen.values())
    conn = dbapi.connect(dst)
    ids = [r[0] for r in dbapi.run(conn, "SELECT id FROM users ORDER BY id")]
    conn.close()
    assert ids == [u[0] for u in shop.rows(120)[0]]
