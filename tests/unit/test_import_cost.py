"""``import dbwork`` and ``%load_ext dbwork`` stay light: the heavy libraries load when a
workbench is opened, not before (issue 9: a kernel should not pay for SQLAlchemy to
register magics). Measured in a fresh interpreter, so nothing cached hides an import."""
import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "sqlglot", "pandas", "graphviz", "psycopg", "pymysql")

PROBE = """
import sys
{setup}
loaded = [m for m in {heavy!r} if m in sys.modules]
print(",".join(loaded))
"""


def loaded_after(setup: str) -> list[str]:
    code = PROBE.format(setup=setup, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_import_dbwork_loads_no_heavy_library():
    assert loaded_after("import dbwork") == []


def test_load_ext_loads_no_heavy_library():
    setup = ("from IPython.core.interactiveshell import InteractiveShell\n"
             "InteractiveShell.instance().run_line_magic('load_ext', 'dbwork')")
    assert loaded_after(setup) == []


def test_public_names_still_resolve():
    setup = ("import dbwork\n"
             "assert dbwork.connect.__module__ == 'dbwork.workbench'\n"
             "assert callable(dbwork.detect)\n"
             "assert all(hasattr(dbwork, n) for n in dbwork.__all__)")
    assert set(loaded_after(setup)) >= {"sqlalchemy"}
