"""A migrator in its own process, for the kill -9 trials of the fault suite.

usage: python child.py URL MIGRATIONS ACTION NAME SQLFILE
ACTION: migrate (with allow_data_loss), rollback, or upgrade.
Prints the result (status or the dbwork error's class) on stdout.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import dbwork  # noqa: E402
from dbwork.errors import DbworkError  # noqa: E402


def main(url, migrations, action, name, sqlfile):
    wb = dbwork.connect(url, migrations=migrations, lock_timeout=60)
    try:
        if action == "migrate":
            print(wb.migrate(name, Path(sqlfile).read_text(), allow_data_loss=True).status,
                  flush=True)
        elif action == "rollback":
            print([m.status for m in wb.rollback()], flush=True)
        else:
            print([m.status for m in wb.upgrade()], flush=True)
    except DbworkError as e:
        print(type(e).__name__, str(e).splitlines()[0], flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
