"""A migrator in its own process, for the concurrency and crash tests.

usage: python migrator_child.py URL MIGRATIONS NAME SQLFILE [READYFILE]
Prints the migration's status (or the dbwork error's class) on stdout.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import dbwork  # noqa: E402
from dbwork.errors import DbworkError  # noqa: E402


def main(url, migrations, name, sqlfile, ready=None):
    wb = dbwork.connect(url, migrations=migrations, lock_timeout=60)
    text = Path(sqlfile).read_text()
    if ready:
        Path(ready).write_text("go")
    try:
        m = wb.migrate(name, text)
        already = any("already applied" in n for n in m.notes)
        print("already" if already else m.status, flush=True)
    except DbworkError as e:
        print(type(e).__name__, str(e).splitlines()[0], flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
