"""binder/start, as Binder runs it: as the notebook user (here: 'nobody' when the tests
run as root, since initdb refuses root), it creates a PostgreSQL cluster of its own,
starts it on a non-default port with its socket in /tmp, exports DBWORK_PG_DSN and
DBWORK_PG_URL, and runs the command after it. A second run starts nothing new."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import dbwork

START = Path(__file__).resolve().parents[2] / "binder" / "start"
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
if not PG_BIN and not shutil.which("initdb"):
    pytest.skip("PostgreSQL's initdb is not installed (Debian package 'postgresql')",
                allow_module_level=True)
PORT = "54391"
USER = "nobody" if os.geteuid() == 0 else __import__("getpass").getuser()


def as_notebook_user(tmp: Path, command: str) -> subprocess.CompletedProcess:
    env = ["env", f"TMPDIR={tmp}", f"DBWORK_PG_PORT={PORT}", f"PATH={os.environ['PATH']}"]
    prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *env, "bash", str(START), "bash", "-c", command],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def tmp():
    folder = Path(f"/tmp/dbw_nb_binder_{os.getpid()}")
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    yield folder
    data = folder / f"dbwork-pg-{USER}"
    if data.is_dir():
        ctl = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))), "pg_ctl")
        prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, str(ctl), "stop", f"--pgdata={data}", "--wait", "-m", "fast"],
                       capture_output=True, timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


def test_start_runs_a_private_postgresql_and_then_the_command(tmp):
    first = as_notebook_user(tmp, 'echo "$DBWORK_PG_URL"; '
                                  'psql "$DBWORK_PG_DSN" -Atc "select pg_backend_pid() > 0, '
                                  "current_setting('port'), current_setting('unix_socket_directories')\"")
    assert first.returncode == 0, first.stderr
    url, row = first.stdout.split()
    assert url.endswith(f"@127.0.0.1:{PORT}/postgres")
    assert row == f"t|{PORT}|/tmp"
    pid = ((tmp / f"dbwork-pg-{USER}") / "postmaster.pid").read_text().split()[0]
    again = as_notebook_user(tmp, "exit 7")  # the command's exit status comes through
    assert again.returncode == 7, again.stderr
    assert ((tmp / f"dbwork-pg-{USER}") / "postmaster.pid").read_text().split()[0] == pid
    wb = dbwork.connect(url, migrations=tmp / "mig")  # the tutorials' path: dbwork on it
    try:
        m = wb.migrate("create_notes", "CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT);")
        assert m.status == "applied" and wb.rollback()[0].status == "rolled_back"
    finally:
        wb.close()
