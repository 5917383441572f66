"""%graph and %merge in a real IPython shell: values, the conflict fails the cell."""


def _branch(wb, name, sql, parent, suffix):
    m = wb.migrate(name, sql, dry_run=True)
    m.version, m.parents, m.parent = parent.version[:14] + suffix, (parent.version,), parent.version
    wb.files.write(m)


def test_graph_and_merge_magics(ip, tmp_path):
    r = ip.run_cell(f"%detect sqlite:///{tmp_path}/app.sqlite --migrations {tmp_path}/m")
    wb = r.result
    base = wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);")
    _branch(wb, "default_a", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'a';", base, "000001")
    _branch(wb, "default_b", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'b';", base, "000002")
    r = ip.run_cell("%graph")
    assert r.success and len(r.result.heads) == 2
    assert "text/plain" in r.result._repr_mimebundle_() and "2 heads" in str(r.result)
    r = ip.run_cell("%merge")
    assert not r.success and type(r.error_in_exec).__name__ == "MergeConflict"
    r = ip.run_cell("%merge --order default_b,default_a")
    assert r.success and r.result.is_merge and ip.user_ns["_"] is r.result
    assert [m.name for m in wb.upgrade()][:2] == ["default_b", "default_a"]
    r = ip.run_cell("%graph")
    assert r.success and len(r.result.heads) == 1 and r.result.pending == []
    r = ip.run_cell("%squash create_users")       # bad arguments: a usage error
    assert r.result is None
    lines = ip.magics_manager.magics["line"]
    for name in ("graph", "merge", "squash", "baseline"):
        assert f"%{name}" in lines[name].__doc__   # help text for %name?


def test_env_and_drift_magics(ip, tmp_path, monkeypatch):
    """%env NAME picks the environment of dbwork.toml (URL from a variable) as the
    notebook's workbench; %drift reports a hand change and offers the absorbing
    migration; %drift --against compares with another environment; IPython's own
    %env VAR=value keeps working."""
    import os
    import sqlite3
    (tmp_path / "dbwork.toml").write_text(
        '[environments.staging]\nurl = "${STAGING_URL}"\nmigrations = "migrations"\n'
        '[environments.dev]\nurl = "sqlite:///dev.sqlite"\nmigrations = "migrations"\n')
    monkeypatch.setenv("STAGING_URL", f"sqlite:///{tmp_path / 'staging.sqlite'}")
    r = ip.run_cell("%env staging")
    assert r.success and "staging.sqlite" in r.result.display_url
    wb = r.result
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);")
    r = ip.run_cell("%drift")
    assert r.success and r.result.clean
    with sqlite3.connect(tmp_path / "staging.sqlite") as c:
        c.execute("ALTER TABLE users ADD COLUMN phone TEXT")
    c.close()
    r = ip.run_cell("%drift")
    assert r.success and not r.result.clean and "users.phone" in str(r.result)
    assert "phone" in r.result.migration().up and ip.user_ns["_"] is r.result
    r = ip.run_cell("%drift --against dev")        # dev has nothing: everything is dropped
    assert r.success and {d.change for d in r.result.differences} == {"dropped"}
    assert not ip.run_cell("%env nosuch").success   # unknown environment: the cell fails
    ip.run_cell("%env DBWORK_TEST_VAR=42")
    assert os.environ.pop("DBWORK_TEST_VAR") == "42"
    lines = ip.magics_manager.magics["line"]
    for name in ("env", "drift"):
        assert f"%{name}" in lines[name].__doc__
