"""Magic ergonomics in a real InteractiveShell: %dbwork lists every dbwork magic with
what it does (and one magic's whole help), and TAB after %erd / %browse completes the
current database's table names."""
from IPython.core.error import UsageError


def test_dbwork_lists_every_magic_with_what_it_does(ip):
    r = ip.run_cell("%dbwork")
    lines = repr(r.result).splitlines()
    names = [line.split()[0] for line in lines]
    for magic in ("%detect", "%%migrate", "%rollback", "%upgrade", "%history", "%erd",
                  "%%lint", "%document", "%migrations", "%browse", "%detection", "%dbwork"):
        assert magic in names, magic
    assert all(len(line.split(None, 1)) == 2 and "::" not in line for line in lines), lines
    assert "undo the last migration(s), schema and data" in repr(r.result)
    assert "<table" in r.result._repr_html_() and "%%migrate" in r.result._repr_html_()


def test_dbwork_name_shows_that_magics_whole_help(ip):
    r = ip.run_cell("%dbwork %%migrate")
    assert "--allow-data-loss" in repr(r.result) and "-- migrate:down" in repr(r.result)
    r = ip.run_cell("%dbwork nope")
    assert isinstance(r.error_in_exec, UsageError)


def complete(ip, line: str) -> list[str]:
    """What a front end's TAB offers at the end of ``line`` (the API JupyterLab's kernel
    calls, not the deprecated complete())."""
    from IPython.core.completer import provisionalcompleter
    with provisionalcompleter():
        return [c.text for c in ip.Completer.completions(line, len(line))]


def test_tab_completes_table_names(ip, tmp_path):
    ip.run_cell(f"%detect sqlite:///{tmp_path}/t.sqlite")
    ip.run_cell("%%migrate init\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n"
                "CREATE TABLE people (id INTEGER PRIMARY KEY);\nCREATE TABLE tags (id INTEGER);")
    found = complete(ip, "%erd p")
    assert sorted(found) == ["people", "posts"]
    found = complete(ip, "%browse ")  # nothing typed yet: other matchers may add words
    assert {"people", "posts", "tags"} <= set(found)
    ip.run_cell("%%migrate drop_tags --allow-data-loss\nDROP TABLE tags;")
    found = complete(ip, "%erd t")
    assert "tags" not in found and not any(n.startswith("_dbwork") for n in found)


def test_erd_views_from_the_magic(ip, tmp_path):
    ip.run_cell(f"%detect sqlite:///{tmp_path}/v.sqlite")
    ip.run_cell("%%migrate init\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n"
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));")
    assert repr(ip.run_cell("%erd --order").result) == "1. users\n2. posts"
    assert repr(ip.run_cell("%erd --overview").result).startswith("2 tables")
    assert "PK id INTEGER" in repr(ip.run_cell("%erd posts").result)
    r = ip.run_cell("%erd --order --overview")
    assert isinstance(r.error_in_exec, UsageError)
    assert sorted(complete(ip, "%erd --order p")) == ["posts"]
