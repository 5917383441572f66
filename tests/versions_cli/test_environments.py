"""Environments (issue 13 point 5): dbwork.toml / [tool.dbwork] with ${VAR} URLs, a
clear error naming an unset variable (never the password), malformed TOML, and a
protected environment that refuses to apply without confirmation and a rehearsal
passed for the same file checksums (SQLite, PostgreSQL, MariaDB)."""
from __future__ import annotations

import pytest

import dbwork
from dbwork.versions.environments import environment, load, parse_config

CREATE = "CREATE TABLE items (id INTEGER PRIMARY KEY, label VARCHAR(40));"


def _config(tmp_path, body: str, name="dbwork.toml"):
    (tmp_path / name).write_text(body)
    return tmp_path


def test_url_from_environment_variable_and_migrations_folder(tmp_path, monkeypatch):
    _config(tmp_path, 'migrations = "db/migrations"\n[environments.dev]\n'
                      'url = "sqlite:///${DEV_DB}"\n')
    monkeypatch.setenv("DEV_DB", str(tmp_path / "dev.sqlite"))
    monkeypatch.chdir(tmp_path)
    wb = dbwork.connect(env="dev")
    assert wb.environment.name == "dev" and not wb.environment.protected
    assert wb.url.database == str(tmp_path / "dev.sqlite")
    assert wb.files.directory == tmp_path / "db" / "migrations"
    wb.close()


def test_pyproject_tool_table_found_from_a_subfolder(tmp_path, monkeypatch):
    _config(tmp_path, '[project]\nname = "x"\n[tool.dbwork.environments.ci]\n'
                      'url = "sqlite:///ci.sqlite"\nprotected = true\n', "pyproject.toml")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    env = environment("ci")
    assert env.protected and env.resolve_url({}) == "sqlite:///ci.sqlite"


def test_unset_variable_named_password_never_printed(tmp_path, monkeypatch):
    _config(tmp_path, '[environments.prod]\nurl = "postgresql://app:${PROD_PW}@db/shop"\n'
                      '[environments.other]\nurl = "${OTHER_URL}"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROD_PW", raising=False)
    with pytest.raises(dbwork.ConfigError, match="PROD_PW, which is not set"):
        dbwork.connect(env="prod")
    monkeypatch.setenv("OTHER_URL", "postgresql://app:s3cr3t-pw@127.0.0.1:1/shop")
    with pytest.raises(dbwork.DbworkError) as got:
        dbwork.connect(env="other").schema()   # connects on first use
    assert "s3cr3t-pw" not in str(got.value)
    assert "s3cr3t-pw" not in repr(environment("other"))


@pytest.mark.parametrize("body, match", [
    ('[environments.dev\nurl = "x"', "not valid TOML"),
    ('[environments]\ndev = "sqlite:///x"', "must be a table"),
    ('[environments.dev]\nurl = 3', "needs url"),
    ('[environments.dev]\nurl = "sqlite:///x"\nprotect = true', "unknown key"),
    ('[environments.dev]\nurl = "sqlite:///x"\nprotected = "yes"', "true or false"),
])
def test_malformed_config_is_a_clear_error(body, match):
    with pytest.raises(dbwork.ConfigError, match=match):
        parse_config(body, "dbwork.toml")


def test_unknown_environment_lists_the_known_ones(tmp_path, monkeypatch):
    _config(tmp_path, '[environments.dev]\nurl = "sqlite:///x"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(dbwork.ConfigError, match="no environment named 'prod'.*known: dev"):
        dbwork.connect(env="prod")
    assert set(load(tmp_path)) == {"dev"}


def _protected(dbs, tmp_path, monkeypatch):
    """A dev workbench that wrote one migration file, and prod (protected) on its own
    database with the same folder."""
    dev_url, prod_url = dbs.new(), dbs.new()
    _config(tmp_path, '[environments.prod]\nurl = "${PROD_URL}"\nmigrations = "migrations"\n'
                      'protected = true\n')
    monkeypatch.setenv("PROD_URL", prod_url)
    monkeypatch.chdir(tmp_path)
    dev = dbwork.connect(dev_url, migrations=tmp_path / "migrations")
    dev.migrate("items", CREATE)
    dev.close()
    return dbwork.connect(env="prod")


def test_protected_refuses_without_confirmation_and_rehearsal(dbs, tmp_path, monkeypatch):
    prod = _protected(dbs, tmp_path, monkeypatch)
    with pytest.raises(dbwork.ProtectedEnvironment, match="confirm"):
        prod.upgrade()
    with pytest.raises(dbwork.ProtectedEnvironment, match="no passed rehearsal"):
        prod.upgrade(confirm="prod")
    with pytest.raises(dbwork.ProtectedEnvironment, match="migrate"):
        prod.migrate("direct", "CREATE TABLE direct (id INTEGER);")
    assert prod.schema().tables == {}            # nothing was applied
    assert prod.upgrade(dry_run=True)            # previewing is allowed
    report = prod.rehearse_pending()
    assert report.ok, report.summary()
    assert prod.schema().tables == {}            # the rehearsal ran on a copy
    with pytest.raises(dbwork.ProtectedEnvironment, match="confirm"):
        prod.upgrade(confirm="staging")
    done = prod.upgrade(confirm="prod")
    assert [m.name for m in done] == ["items"] and "items" in prod.schema().tables
    prod.close()


def test_file_edited_after_its_rehearsal_is_refused(dbs, tmp_path, monkeypatch):
    prod = _protected(dbs, tmp_path, monkeypatch)
    assert prod.rehearse_pending().ok
    path = next((tmp_path / "migrations").glob("*.sql"))
    path.write_text(path.read_text().replace("label VARCHAR(40)", "label VARCHAR(80)"))
    with pytest.raises(dbwork.ProtectedEnvironment, match="no passed rehearsal.*items"):
        prod.upgrade(confirm="prod")
    assert prod.schema().tables == {}
    prod.close()
