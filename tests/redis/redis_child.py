"""A Redis migrator in its own process, for the crash and two-migrators tests.

usage: python redis_child.py URL MIGRATIONS NAME FILE [CRASH_AT]
Prints the migration's status ("applied", "already") or the dbwork error's class.
With CRASH_AT, the process dies (os._exit, nothing cleaned up, the lock left to expire)
at the CRASH_AT-th lock renewal: the session renews before every statement and every
batch, so that is mid-step. Batches are 3 keys and the lock lease 5 s.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import dbwork  # noqa: E402
from dbwork.backends.redis.session import KeyLock  # noqa: E402
from dbwork.errors import DbworkError  # noqa: E402


def crash_at(n: int) -> None:
    renew, calls = KeyLock.renew, [0]

    def counting(self):
        calls[0] += 1
        if calls[0] >= n:
            os._exit(9)
        renew(self)
    KeyLock.renew = counting


def main(url, migrations, name, file, crash=None):
    wb = dbwork.connect(url, migrations=migrations, lock_timeout=60)
    wb.backend.batch, wb.backend.lock_lease = 3, 5.0
    if crash:
        crash_at(int(crash))
    try:
        m = wb.migrate(name, Path(file).read_text())
        print("already" if any("already applied" in n for n in m.notes) else m.status,
              flush=True)
    except DbworkError as e:
        print(type(e).__name__, str(e).splitlines()[0], flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
