"""What a migration changed, table by table and column by column, for the diagram that
highlights it. Pure: read from the typed operations, never from SQL text.

>>> from dbwork.model import Column
>>> from dbwork.ops.schema_ops import AddColumn, DropColumn, RenameColumn
>>> marks = change_marks([AddColumn("users", Column("bio", "TEXT")),
...                       RenameColumn("users", "mail", "email"),
...                       DropColumn("users", Column("age", "INTEGER"))])
>>> marks.column("users", "bio"), marks.column("users", "email"), marks.renamed_from("users", "email")
('added', 'renamed', 'mail')
>>> [c.name for c in marks.dropped_columns("users")], marks.kinds()
(['age'], ['added', 'renamed', 'dropped'])
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.schema import Column, Table

# the order the legend lists them in
KINDS = ("added", "changed", "renamed", "dropped")


@dataclass
class TableMarks:
    """One table's changes: the table itself (``state``: added, renamed, dropped or
    None), its columns by name, the columns it lost, and other notes (indexes, keys).

    >>> TableMarks(state="added").state
    'added'
    """

    state: str | None = None
    columns: dict[str, str] = field(default_factory=dict)      # name -> kind
    renamed: dict[str, str] = field(default_factory=dict)      # new name -> old name
    dropped: list[Column] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    old_name: str | None = None
    table: Table | None = None                                 # a dropped table, whole


@dataclass
class ChangeMarks:
    """Every touched table's marks, by the table's name after the migration.

    >>> ChangeMarks().column("t", "a") is None and not ChangeMarks()
    True
    """

    tables: dict[str, TableMarks] = field(default_factory=dict)

    def of(self, table: str) -> TableMarks:
        return self.tables.setdefault(table, TableMarks())

    def column(self, table: str, column: str) -> str | None:
        t = self.tables.get(table)
        if t is None:
            return None
        return "added" if t.state == "added" else t.columns.get(column)

    def renamed_from(self, table: str, column: str) -> str | None:
        t = self.tables.get(table)
        return t.renamed.get(column) if t else None

    def dropped_columns(self, table: str) -> list[Column]:
        t = self.tables.get(table)
        return list(t.dropped) if t else []

    def dropped_tables(self) -> list[Table]:
        return [t.table for t in self.tables.values() if t.state == "dropped" and t.table]

    def kinds(self) -> list[str]:
        """The kinds of change present, in legend order."""
        seen = set()
        for t in self.tables.values():
            seen |= set(t.columns.values())
            seen |= {"dropped"} if t.dropped else set()
            seen |= {t.state} if t.state else set()
            seen |= {note_kind(n) for n in t.notes} if t.state != "dropped" else set()
        return [k for k in KINDS if k in seen]

    def __bool__(self) -> bool:
        return bool(self.tables)


def note_kind(note: str) -> str:
    """An index or key note's kind: "+ ..." added, "- ..." dropped.

    >>> note_kind("+ index ix_a (a)"), note_kind("- unique (b)")
    ('added', 'dropped')
    """
    return {"+": "added", "-": "dropped"}.get(note[:1], "changed")


def change_marks(ops) -> ChangeMarks:
    """Fold the operations, in order, into per-table and per-column marks."""
    marks = ChangeMarks()
    for op in ops:
        mark = _markers().get(type(op))
        if mark is not None:
            mark(marks, op)
    return marks


def _create_table(marks, op):
    marks.of(op.table.name).state = "added"


def _drop_table(marks, op):
    t = marks.of(op.table.name)
    t.state, t.table, t.columns, t.renamed = "dropped", op.table, {}, {}


def _rename_table(marks, op):
    t = marks.tables.pop(op.old, None) or TableMarks()
    t.old_name = t.old_name or op.old
    t.state = t.state or "renamed"
    marks.tables[op.new] = t


def _add_column(marks, op):
    t = marks.of(op.table)
    t.columns[op.column.name] = "added"
    t.dropped = [c for c in t.dropped if c.name != op.column.name]


def _drop_column(marks, op):
    t = marks.of(op.table)
    was = t.columns.pop(op.column.name, None)
    t.renamed.pop(op.column.name, None)
    if was != "added":  # a column added and dropped in one migration never existed
        t.dropped.append(op.column)


def _rename_column(marks, op):
    t = marks.of(op.table)
    was = t.columns.pop(op.old, None)
    old = t.renamed.pop(op.old, op.old)
    t.columns[op.new] = "added" if was == "added" else "renamed"
    if was != "added":
        t.renamed[op.new] = old


def _alter_column(marks, op):
    t = marks.of(op.table)
    if t.columns.get(op.after.name) not in ("added", "renamed"):
        t.columns[op.after.name] = "changed"


def _note(words):
    def mark(marks, op):
        marks.of(_table_of(op)).notes.append(words(op))
    return mark


def _table_of(op) -> str:
    index = getattr(op, "index", None)
    return index.table if index is not None else op.table


def _constraint(op) -> str:
    from ..ops.schema_ops import constraint_words
    return constraint_words(op.constraint)


def _markers() -> dict:
    """Operation class -> how it marks the diagram (SQL schema operations only)."""
    from ..ops import schema_ops as o
    return {
        o.CreateTable: _create_table, o.DropTable: _drop_table, o.RenameTable: _rename_table,
        o.AddColumn: _add_column, o.DropColumn: _drop_column, o.RenameColumn: _rename_column,
        o.AlterColumn: _alter_column,
        o.CreateIndex: _note(lambda op: f"+ index {op.index.name} ({', '.join(op.index.columns)})"),
        o.DropIndex: _note(lambda op: f"- index {op.index.name}"),
        o.AddConstraint: _note(lambda op: f"+ {_constraint(op)}"),
        o.DropConstraint: _note(lambda op: f"- {_constraint(op)}"),
    }


def planned_schema(before, ops):
    """The schema ``ops`` lead to from ``before`` (pure: each operation's ``apply``);
    None when one of them cannot say (raw SQL, or a model it does not know).

    >>> from dbwork.model import Column, Schema, Table
    >>> from dbwork.ops.schema_ops import AddColumn
    >>> after = planned_schema(Schema.of(Table("t", (Column("a", "INTEGER"),))),
    ...                        [AddColumn("t", Column("b", "TEXT"))])
    >>> [c.name for c in after.table("t").columns]
    ['a', 'b']
    """
    schema = before
    try:
        for op in ops:
            schema = op.apply(schema) if op is not None else schema
    except Exception:  # noqa: BLE001 - an op that cannot simulate itself: no plan drawn
        return None
    return schema


def change_diagram(after, ops, tables):
    """The ER diagram of ``tables`` in ``after`` with what ``ops`` did marked on it
    (dropped tables drawn from what their operations carried), or None when nothing
    of it can be drawn (not a SQL schema, or no table left to show).

    >>> from dbwork.model import Column, Schema, Table
    >>> from dbwork.ops.schema_ops import AddColumn
    >>> s = Schema.of(Table("t", (Column("a", "INTEGER"), Column("b", "TEXT"))))
    >>> print(change_diagram(s, [AddColumn("t", Column("b", "TEXT"))], ("t",)).text())
    t
      a INTEGER
      + b TEXT (added)
    (changes: + added)
    """
    from ..model.schema import Schema
    from .erd import erd
    if not isinstance(after, Schema):
        return None
    try:
        marks = change_marks(ops)
    except Exception:  # noqa: BLE001 - an operation shaped unlike its kind: draw unmarked
        marks = ChangeMarks()
    present = [t for t in tables if after.has_table(t)]
    if not present and not marks.dropped_tables():
        return None
    return erd(after, present or [], highlight=tuple(tables), changes=marks) if present \
        else erd(Schema(), None, changes=marks)
