"""Issue 13 points 1-3 and 6 on every backend: branches that commute merge by
themselves, branches that conflict are refused before anything runs and resolved with
wb.merge(order=...), out-of-order files, squash, and the graph's own errors."""
import shutil
from pathlib import Path

import pytest

from dbwork.errors import (BrokenGraph, ConfigError, MergeConflict, MigrationConflict,
                           OutOfOrder, TamperDetected, VersionCollision)
from dbwork.execute.files import MigrationFiles


def _base(wb):
    wb.migrate("create_users", "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));")
    return wb.files.all()[-1]


def _branch(wb, name, sql, parent, suffix):
    """A file made on another machine from ``parent``, in the same second as its twin:
    planned here (nothing runs), then given its own version and parent."""
    m = wb.migrate(name, sql, dry_run=True)
    m.version = parent.version[:14] + suffix
    m.parents = (parent.version,)
    m.parent = parent.version
    wb.files.write(m)
    return m


def _names(rows):
    return [(r.name, r.status) for r in rows]


def test_disjoint_branches_apply_in_a_fixed_order_and_record_a_merge(wb):
    base = _base(wb)
    a = _branch(wb, "add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(100);", base, "000002")
    b = _branch(wb, "create_orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                "user_id INTEGER REFERENCES users (id));", base, "000001")
    g = wb.graph()
    assert sorted(g.heads) == sorted([a.version, b.version]) and g.branch_points == [base.version]
    assert "2 heads" in g.text() and g.to_dict()["pending"] == sorted([a.version, b.version])
    done = wb.upgrade()
    # the side whose first migration is older runs first, on every machine
    assert [m.name for m in done] == ["create_orders", "add_email"]
    merge = done.merge
    assert merge.is_merge and merge.parents == (b.version, a.version)
    assert {"email"} <= {c.name for c in wb.schema().table("users").columns}
    assert "orders" in wb.schema().tables
    row = next(r for r in wb.backend.history() if r.version == merge.version)
    assert row.status == "applied" and row.extra["parents"] == [b.version, a.version]
    back = MigrationFiles(wb.files.directory).all()
    assert any(m.parents == (b.version, a.version) for m in back)   # the file, both parents
    assert wb.verify().ok and len(wb.graph().heads) == 1
    again = wb.upgrade()                   # re-running after the merge: nothing to do
    assert list(again) == [] and again.merge is None
    nxt = wb.migrate("add_nick", "ALTER TABLE users ADD COLUMN nick VARCHAR(20);")
    assert nxt.parent == merge.version     # new work builds on the merge
    undone = wb.rollback(2)                # run order, not version order
    assert [m.name for m in undone] == ["add_nick", merge.name]


def test_conflicting_branches_apply_nothing_and_merge_by_hand(wb):
    base = _base(wb)
    a = _branch(wb, "default_a", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'a';", base, "000001")
    b = _branch(wb, "default_b", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'b';", base, "000002")
    before = wb.schema()
    with pytest.raises(MergeConflict) as e:
        wb.upgrade()
    assert isinstance(e.value, MigrationConflict)
    assert {e.value.first, e.value.second} == {a.id, b.id}
    assert e.value.shared and all("users" in x for x in e.value.shared)
    assert wb.schema() == before and _names(wb.backend.history()) == [("create_users", "applied")]
    with pytest.raises(MergeConflict):
        wb.merge()                          # no order: still a conflict
    with pytest.raises(ConfigError, match="not on exactly one branch|no migration"):
        wb.merge(order=["nope"])
    m = wb.merge(order=["default_b", "default_a"])
    assert m.parents == (b.version, a.version) and Path(m.path).exists()
    m = wb.merge(order=["default_a", "default_b"])   # a new choice replaces the old file
    assert len([x for x in wb.files.all() if x.is_merge]) == 1
    done = wb.upgrade()
    assert [x.name for x in done] == ["default_a", "default_b", m.name] and done.merge is None
    col = next(c for c in wb.schema().table("users").columns if c.name == "name")
    assert "b" in str(col.default)         # the order chosen: b last
    assert wb.verify().ok and wb.merge().notes[-1].startswith("already merged")


def test_one_side_drops_a_table_the_other_references(wb):
    _base(wb)
    tags = wb.migrate("create_tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY);")
    a = _branch(wb, "drop_tags", "DROP TABLE tags;", tags, "000001")
    b = _branch(wb, "post_tags", "CREATE TABLE post_tags (id INTEGER PRIMARY KEY, "
                "tag_id INTEGER REFERENCES tags (id));", tags, "000002")
    with pytest.raises(MergeConflict, match="table tags") as e:
        wb.upgrade(allow_data_loss=True)
    assert {e.value.first, e.value.second} == {a.id, b.id}
    assert "post_tags" not in wb.schema().tables and "tags" in wb.schema().tables


def test_a_branch_made_before_the_applied_head_is_out_of_order(wb):
    base = _base(wb)
    a = _branch(wb, "add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(100);", base, "000001")
    wb.upgrade()
    b = _branch(wb, "create_orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY);", base, "000002")
    report = wb.verify()
    assert report.kinds() == ["out_of_order"] and "create_orders" in report.findings[0].subject
    assert wb.graph().to_dict()["out_of_order"] == [b.version]
    with pytest.raises(OutOfOrder, match="create_orders") as e:   # a graph finding, not tampering
        wb.upgrade()
    assert not isinstance(e.value, TamperDetected) and len(e.value.versions) == 1
    assert "orders" not in wb.schema().tables
    done = wb.upgrade(allow_out_of_order=True)
    assert [m.name for m in done] == ["create_orders"]
    assert done.merge.parents == (a.version, b.version)   # the applied side ran first
    assert wb.verify().ok and len(wb.graph().heads) == 1


def test_squash_keeps_files_and_history_consistent_everywhere(wb, backend, make_wb, tmp_path):
    _base(wb)
    wb.migrate("add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(100);")
    wb.migrate("index_email", "CREATE INDEX ix_users_email ON users (email);")
    other = make_wb(backend)                       # applied the originals, one by one
    shutil.copytree(wb.files.directory, other.files.directory, dirs_exist_ok=True)
    other.upgrade()
    with pytest.raises(ConfigError, match="single"):
        wb.squash("add_email", "add_email")
    s = wb.squash("create_users", "index_email", name="users_v1")
    assert len(s.replaces) == 3 and [m.name for m in wb.files.all()] == ["users_v1"]
    assert wb.verify().ok and wb.upgrade() == []
    child = wb.migrate("add_nick", "ALTER TABLE users ADD COLUMN nick VARCHAR(20);")
    assert child.parent == s.version
    with pytest.raises(ConfigError, match="squashes"):
        wb.rollback(2)                              # the squash is their history here
    for m in other.files.all():                    # the team pulls the squashed folder
        Path(m.path).unlink()
    shutil.copytree(wb.files.directory, other.files.directory, dirs_exist_ok=True)
    done = other.upgrade()
    assert [m.name for m in done] == ["users_v1", "add_nick"] and other.verify().ok
    assert "squash of 3" in done[0].notes[-1]
    assert other.schema() == wb.schema()
    fresh = make_wb(backend)                       # a new database runs the squash once
    shutil.copytree(wb.files.directory, fresh.files.directory, dirs_exist_ok=True)
    assert [m.name for m in fresh.upgrade()] == ["users_v1", "add_nick"]
    assert fresh.schema() == wb.schema() and fresh.verify().ok
    assert [m.name for m in fresh.rollback(2)] == ["add_nick", "users_v1"]


def test_broken_graphs_are_refused_before_anything_runs(wb):
    base = _base(wb)
    a = _branch(wb, "add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(100);", base, "000001")
    path = Path(a.path)
    text = path.read_text()
    path.write_text(text.replace(f"-- parent: {base.version}", "-- parent: 20990101000000"))
    with pytest.raises(BrokenGraph, match="20990101000000") as e:
        wb.upgrade()
    assert e.value.problem == "missing_parent"
    assert "broken_graph" in wb.verify().kinds()
    path.write_text(text.replace(f"-- parent: {base.version}", f"-- parent: {a.version}"))
    with pytest.raises(BrokenGraph, match="itself"):
        wb.upgrade()
    path.write_text(text)
    twin = _branch(wb, "add_nick", "ALTER TABLE users ADD COLUMN nick VARCHAR(20);", base, "000009")
    Path(twin.path).write_text(Path(twin.path).read_text().replace(twin.version, a.version))
    Path(twin.path).rename(Path(twin.path).with_name(f"{a.version}_add_nick.sql"))
    with pytest.raises(VersionCollision, match=a.version) as e:
        wb.upgrade()
    assert len(e.value.paths) == 2
    assert _names(wb.backend.history()) == [("create_users", "applied")]


def test_both_sides_create_an_index_of_the_same_name(wb):
    """Two indexes named alike on different tables: on PostgreSQL the second would fail
    half-way (one namespace), so it is a conflict everywhere, reported before anything runs."""
    base = _base(wb)
    a = _branch(wb, "index_name", "CREATE INDEX ix_label ON users (name);", base, "000001")
    b = _branch(wb, "tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20)); "
                "CREATE INDEX ix_label ON tags (label);", base, "000002")
    with pytest.raises(MergeConflict, match="ix_label") as e:
        wb.upgrade()
    assert {e.value.first, e.value.second} == {a.id, b.id}
    assert "tags" not in wb.schema().tables and not wb.schema().table("users").indexes
    assert _names(wb.backend.history()) == [("create_users", "applied")]


def test_the_graph_draws_and_tells_heads_branches_and_merges(wb):
    base = _base(wb)
    a = _branch(wb, "add_email", "ALTER TABLE users ADD COLUMN email VARCHAR(100);", base, "000001")
    b = _branch(wb, "create_orders", "CREATE TABLE orders (id INTEGER PRIMARY KEY);", base, "000002")
    g = wb.graph()
    assert g.applied == [base.version] and sorted(g.pending) == sorted([a.version, b.version])
    dot = g.draw()
    assert "digraph" in dot.source and all(v in dot.source for v in (a.version, b.version))
    merge = wb.upgrade().merge
    g = wb.graph()
    assert g.heads == [merge.version] and g.merges == [merge.version] and g.pending == []
    assert "merge" in g.text() and merge.version in g.draw().source
