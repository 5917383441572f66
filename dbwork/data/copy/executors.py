"""Where the chunks of a copy run: local threads by default, forked processes for
hashing big tables, or any executor passed in (a Dask ``distributed.Client``, a
``concurrent.futures`` executor); the few places they differ."""
from __future__ import annotations

import concurrent.futures as cf
import os
import threading


def is_dask(executor) -> bool:
    """Whether ``executor`` is a Dask distributed client (its submit wants pure=False)."""
    return type(executor).__module__.split(".")[0] == "distributed"


def default_workers(target: str) -> int:
    """Local worker threads: one for a SQLite target (one writer at a time), else up
    to four."""
    if target == "sqlite":
        return 1
    return max(1, min(4, os.cpu_count() or 2))


def submit(pool, fn, *args):
    return pool.submit(fn, *args, **({"pure": False} if is_dask(pool) else {}))


def as_completed(futures, dask: bool):
    if dask:
        from distributed import as_completed as dask_completed
        return dask_completed(list(futures))
    return cf.as_completed(futures)


def forking():
    """Forked worker processes for hashing (no re-import, and a script without a
    ``__main__`` guard is not run again), only where fork is safe: a POSIX system and
    no other thread running in this process. None: use threads."""
    import multiprocessing
    if os.name != "posix" or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")
