"""``%copy`` in a real IPython shell: the value is the CopyReport, '.' is the current
workbench, bad arguments are a UsageError, a dbwork error fails the cell."""
from __future__ import annotations

import sqlite3


from dbwork.data.copy_report import CopyReport


def test_copy_magic(ip, tmp_path, make_db):
    path = tmp_path / "src.sqlite"
    c = sqlite3.connect(path)
    c.executescript("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
                    "INSERT INTO a VALUES (1, 'x'), (2, 'y');")
    c.close()
    dst = make_db("mariadb")
    assert ip.run_cell(f"%detect sqlite:///{path}").success
    r = ip.run_cell(f"%copy . {dst} --tables a --no-progress")
    assert r.success and isinstance(r.result, CopyReport)
    assert r.result.ok and r.result.table("a").written == 2
    assert ip.user_ns["_"] is r.result
    bad = ip.run_cell("%copy onlyone")
    assert bad.error_in_exec is not None and "UsageError" in type(bad.error_in_exec).__name__
    failed = ip.run_cell(f"%copy sqlite:///{path} {dst} --tables nope --no-progress")
    assert not failed.success and type(failed.error_in_exec).__name__ == "UnknownObjectError"
    assert "copy" in ip.find_line_magic("copy").__doc__.lower()
