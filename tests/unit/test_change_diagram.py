"""The ER diagram of a migration marks what it did per column: added, changed, renamed
(with the old name), dropped (struck through, from what the operation carried), and a
legend of the kinds shown. Pure: read from typed operations."""
from dbwork.graphs.changes import change_diagram, change_marks, planned_schema
from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table
from dbwork.ops.schema_ops import (AddColumn, AlterColumn, CreateTable, DropColumn, DropTable,
                                   RenameColumn, RenameTable)

USERS = Table("users", (Column("id", "INTEGER", False), Column("mail", "TEXT"),
                        Column("age", "INTEGER"), Column("nick", "TEXT")), PrimaryKey(("id",)))
LEGACY = Table("legacy", (Column("id", "INTEGER", False), Column("x", "TEXT")), PrimaryKey(("id",)))
BEFORE = Schema.of(USERS, LEGACY)
OPS = [AddColumn("users", Column("bio", "TEXT")),
       RenameColumn("users", "mail", "email"),
       AlterColumn("users", Column("age", "INTEGER"), Column("age", "BIGINT")),
       DropColumn("users", Column("nick", "TEXT")),
       DropTable(LEGACY),
       CreateTable(Table("tags", (Column("id", "INTEGER", False), Column("user_id", "INTEGER")),
                         PrimaryKey(("id",)), (ForeignKey(("user_id",), "users", ("id",)),)))]


def test_marks_fold_operations_in_order():
    marks = change_marks(OPS)
    assert [marks.column("users", c) for c in ("bio", "email", "age", "id")] == \
        ["added", "renamed", "changed", None]
    assert marks.renamed_from("users", "email") == "mail"
    assert [c.name for c in marks.dropped_columns("users")] == ["nick"]
    assert [t.name for t in marks.dropped_tables()] == ["legacy"]
    assert marks.column("tags", "user_id") == "added"
    assert marks.kinds() == ["added", "changed", "renamed", "dropped"]


def test_a_column_added_then_dropped_or_renamed_in_one_migration():
    marks = change_marks([AddColumn("t", Column("a", "TEXT")), RenameColumn("t", "a", "b"),
                          AddColumn("t", Column("c", "TEXT")), DropColumn("t", Column("c", "TEXT"))])
    assert marks.column("t", "b") == "added" and marks.renamed_from("t", "b") is None
    assert marks.dropped_columns("t") == []  # c never existed before the migration


def test_a_renamed_table_keeps_its_marks_under_the_new_name():
    marks = change_marks([AddColumn("t", Column("a", "TEXT")), RenameTable("t", "u")])
    assert marks.column("u", "a") == "added" and marks.tables["u"].old_name == "t"


def test_the_diagram_and_its_text_mark_every_change():
    after = planned_schema(BEFORE, OPS)
    g = change_diagram(after, OPS, ("users", "legacy", "tags"))
    text = g.text()
    assert "  > email TEXT (renamed from mail)" in text
    assert "  + bio TEXT (added)" in text and "  ~ age BIGINT (changed)" in text
    assert "  - nick TEXT (dropped)" in text and "legacy (dropped)" in text
    assert "tags (new)" in text and "  + FK user_id INTEGER -> users.id" in text
    assert text.endswith("(changes: + added, ~ changed, > renamed, - dropped)")
    src = g.source
    assert "<s>nick</s>" in src and "<s><b>legacy</b></s>" in src and "(was mail)" in src
    assert "_dbwork_legend" in src and "#bbf7d0" in src and "#fecaca" in src


def test_no_legend_without_changes_and_nothing_for_nothing():
    assert change_diagram(BEFORE, [], ()) is None
    g = change_diagram(BEFORE, [], ("users",))
    assert "_dbwork_legend" not in g.source and "(changes:" not in g.text()


def test_an_operation_that_cannot_simulate_itself_plans_nothing():
    assert planned_schema(BEFORE, [DropColumn("nope", Column("a", "TEXT"))]) is None
