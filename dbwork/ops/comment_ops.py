"""Comments on tables and columns as operations that carry the comment they replace,
so the inverse restores it (``None``: no comment).

>>> from dbwork.model import Column, Schema, Table
>>> s = Schema.of(Table("t", (Column("a", "INTEGER"),)))
>>> op = SetTableComment("t", None, "people")
>>> op.apply(s).table("t").comment, op.reverse()
('people', SetTableComment(table='t', before='people', after=None))
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .schema_ops import CHANGING, Operation


def _words(text: str | None) -> str:
    return "none" if text is None else repr(text)


@dataclass(frozen=True)
class SetTableComment(Operation):
    table: str
    before: str | None
    after: str | None
    kind = CHANGING

    def apply(self, schema):
        return schema.replacing(replace(schema.table(self.table), comment=self.after))

    def reverse(self):
        return SetTableComment(self.table, self.after, self.before)

    def describe(self):
        return f"comment on table {self.table}: {_words(self.before)} -> {_words(self.after)}"


@dataclass(frozen=True)
class SetColumnComment(Operation):
    table: str
    column: str
    before: str | None
    after: str | None
    kind = CHANGING

    def apply(self, schema):
        t = schema.table(self.table)
        col = t.column(self.column)
        return schema.replacing(t.replacing_column(self.column, replace(col, comment=self.after)))

    def reverse(self):
        return SetColumnComment(self.table, self.column, self.after, self.before)

    def describe(self):
        return (f"comment on column {self.table}.{self.column}: "
                f"{_words(self.before)} -> {_words(self.after)}")


COMMENT_OPERATIONS = (SetTableComment, SetColumnComment)
