"""Issue 10 point 8: ``dbwork lint FILE`` on a migration written for tables the live
database does not have (linting a project's files against an empty or other database)
still reports every statement-level finding; DW108 says "a table with rows" only when
it counted rows, and says nothing when it counted none."""
from __future__ import annotations


import pytest

import dbwork
from dbwork.cli import main
from freshdb import create_database

MIGRATION = """\
ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;
CREATE INDEX users_email ON users (email);
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE users RENAME COLUMN name TO full_name;
DROP TABLE legacy;
"""


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def url(request, tmp_path):
    url, drop = create_database(request.param, tmp_path)
    yield url
    drop()


def lint_cli(url, tmp_path, text, capsys) -> tuple[int, str]:
    path = tmp_path / "change.sql"
    path.write_text(text)
    status = main(["--url", url, "--migrations", str(tmp_path / "mig"), "lint", str(path)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_unknown_tables_still_get_every_statement_finding(url, tmp_path, capsys):
    status, out = lint_cli(url, tmp_path, MIGRATION, capsys)
    assert "unknown table" not in out
    assert status == 1
    rules = {line.split()[0] for line in out.splitlines() if line.startswith("DW")}
    assert {"DW108", "DW102", "DW111", "DW101"} <= rules, out
    dw108 = next(line for line in out.splitlines() if line.startswith("DW108"))
    assert "with rows" not in dw108 and "did not count" in dw108
    # nothing was created: lint reads only
    assert dbwork.connect(url, migrations=tmp_path / "mig").schema().tables == {}


def test_dw108_names_rows_only_when_there_are_rows(url, tmp_path, capsys):
    wb = dbwork.connect(url, migrations=tmp_path / "mig")
    wb.migrate("init", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);")
    status, out = lint_cli(url, tmp_path, "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;",
                           capsys)
    assert "DW108" not in out  # an empty table: adding the column works
    wb.migrate("rows", "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b');\n"
                       "-- migrate:down\nDELETE FROM users;")
    status, out = lint_cli(url, tmp_path, "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;",
                           capsys)
    dw108 = next(line for line in out.splitlines() if line.startswith("DW108"))
    assert "a table with rows (2 rows)" in dw108 and status == 1
    wb.close()


def test_unknown_column_of_a_known_table_is_linted_too(url, tmp_path, capsys):
    wb = dbwork.connect(url, migrations=tmp_path / "mig")
    wb.migrate("init", "CREATE TABLE users (id INTEGER PRIMARY KEY);")
    status, out = lint_cli(url, tmp_path, "ALTER TABLE users DROP COLUMN nickname;", capsys)
    assert "unknown column" not in out
    assert any(line.startswith("DW102") for line in out.splitlines()), out
    wb.close()


def test_an_unknown_index_is_still_reported_as_unknown(url, tmp_path, capsys):
    """Only tables and columns are stood in for; other unknown objects stay errors."""
    status, out = lint_cli(url, tmp_path, "DROP INDEX nosuch_index;", capsys)
    assert status == 2 and "UnknownObjectError: unknown index 'nosuch_index'" in out
