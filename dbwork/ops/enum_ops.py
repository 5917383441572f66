"""PostgreSQL enum types as operations: create, drop, add a value, and the inverse of
adding a value (PostgreSQL cannot drop one: the type is rebuilt).

>>> from dbwork.model import Schema
>>> op = CreateEnum("mood", ("sad", "happy"))
>>> op.apply(Schema()).enums
{'mood': ('sad', 'happy')}
>>> op.reverse().describe()
"drop enum type mood ('sad', 'happy')"
>>> AddEnumValue("mood", "ok", ("sad", "happy"), after="sad").apply(op.apply(Schema())).enums
{'mood': ('sad', 'ok', 'happy')}
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import DbworkError, ObjectExistsError, UnknownObjectError
from ..model.schema import Schema
from .schema_ops import ADDITIVE, CHANGING, DESTRUCTIVE, Operation


def _values(values) -> str:
    return "(" + ", ".join(repr(v) for v in values) + ")"


def _enum(schema: Schema, name: str) -> tuple[str, ...]:
    if name not in schema.enums:
        raise UnknownObjectError("enum type", name)
    return schema.enums[name]


@dataclass(frozen=True)
class CreateEnum(Operation):
    name: str
    values: tuple[str, ...]
    kind = ADDITIVE

    def apply(self, schema):
        if self.name in schema.enums:
            raise ObjectExistsError("enum type", self.name)
        return schema.with_enums({**schema.enums, self.name: tuple(self.values)})

    def reverse(self):
        return DropEnum(self.name, self.values)

    def describe(self):
        return f"create enum type {self.name} {_values(self.values)}"

    def tables(self):
        return ()


@dataclass(frozen=True)
class DropEnum(Operation):
    """Drop an enum type; carries its values so the rollback re-creates it. Refused
    while a column uses the type."""

    name: str
    values: tuple[str, ...]
    kind = DESTRUCTIVE

    def apply(self, schema):
        _enum(schema, self.name)
        users = schema.enum_users(self.name)
        if users:
            cols = ", ".join(f"{t}.{c}" for t, c in users)
            raise DbworkError(f"enum type {self.name} is used by {cols}: drop or retype "
                              "those columns first")
        return schema.with_enums({k: v for k, v in schema.enums.items() if k != self.name})

    def reverse(self):
        return CreateEnum(self.name, self.values)

    def describe(self):
        return f"drop enum type {self.name} {_values(self.values)}"

    def tables(self):
        return ()


@dataclass(frozen=True)
class AddEnumValue(Operation):
    """``ALTER TYPE name ADD VALUE value [BEFORE|AFTER x]``; ``old`` are the values
    before, so the inverse can rebuild the type without it."""

    name: str
    value: str
    old: tuple[str, ...]
    before: str | None = None
    after: str | None = None
    kind = ADDITIVE

    def new_values(self) -> tuple[str, ...]:
        vals = list(self.old)
        if self.before is not None:
            vals.insert(vals.index(self.before), self.value)
        elif self.after is not None:
            vals.insert(vals.index(self.after) + 1, self.value)
        else:
            vals.append(self.value)
        return tuple(vals)

    def apply(self, schema):
        if _enum(schema, self.name) != tuple(self.old):
            raise DbworkError(f"enum type {self.name} has values {_enum(schema, self.name)}, "
                              f"not {self.old}")
        if self.value in self.old:
            raise ObjectExistsError("enum value", self.value, self.name)
        for anchor in (self.before, self.after):
            if anchor is not None and anchor not in self.old:
                raise UnknownObjectError("enum value", anchor, self.name)
        return schema.with_enums({**schema.enums, self.name: self.new_values()})

    def reverse(self):
        return RemoveEnumValue(self.name, self.value, self.new_values(), self.old)

    def describe(self):
        where = (f" before {self.before!r}" if self.before is not None else
                 f" after {self.after!r}" if self.after is not None else "")
        return f"add value {self.value!r} to enum type {self.name}{where}"

    def tables(self):
        return ()


@dataclass(frozen=True)
class RemoveEnumValue(Operation):
    """The inverse of AddEnumValue: rebuild the type with ``remaining`` values and
    convert every column using it. Refused at run time (by the database, with a clear
    message) while rows hold the value."""

    name: str
    value: str
    current: tuple[str, ...]
    remaining: tuple[str, ...]
    kind = CHANGING

    def apply(self, schema):
        if _enum(schema, self.name) != tuple(self.current):
            raise DbworkError(f"enum type {self.name} changed since: cannot remove {self.value!r}")
        return schema.with_enums({**schema.enums, self.name: tuple(self.remaining)})

    def reverse(self):
        after = self.remaining[self.current.index(self.value) - 1] \
            if self.current.index(self.value) > 0 else None
        before = None if after is not None or len(self.current) == 1 else self.current[1]
        return AddEnumValue(self.name, self.value, self.remaining, before, after)

    def describe(self):
        return f"remove value {self.value!r} from enum type {self.name} (rebuilds the type)"

    def tables(self):
        return ()


ENUM_OPERATIONS = (CreateEnum, DropEnum, AddEnumValue, RemoveEnumValue)


def _retyped(schema: Schema, old: str, new: str) -> Schema:
    """Columns typed with enum ``old`` (or an array of it) typed with ``new``."""
    from dataclasses import replace
    from ..dialects import get_dialect
    q = get_dialect("postgresql").quote
    spellings = {old: q(new), q(old): q(new), old + "[]": q(new) + "[]",
                 q(old) + "[]": q(new) + "[]"}
    tables = {}
    for name, t in schema.tables.items():
        for c in t.columns:
            if c.type in spellings:
                t = t.replacing_column(c.name, replace(c, type=spellings[c.type]))
        tables[name] = t
    return replace(schema, tables=tables)


@dataclass(frozen=True)
class RenameEnum(Operation):
    """``ALTER TYPE old RENAME TO new``; the columns that use it follow."""

    old: str
    new: str
    kind = CHANGING

    def apply(self, schema):
        values = _enum(schema, self.old)
        if self.new in schema.enums:
            raise ObjectExistsError("enum type", self.new)
        enums = {(self.new if k == self.old else k): v for k, v in schema.enums.items()}
        enums[self.new] = values
        return _retyped(schema, self.old, self.new).with_enums(enums)

    def reverse(self):
        return RenameEnum(self.new, self.old)

    def describe(self):
        return f"rename enum type {self.old} to {self.new}"

    def tables(self):
        return ()


@dataclass(frozen=True)
class RenameEnumValue(Operation):
    """``ALTER TYPE t RENAME VALUE 'a' TO 'b'``."""

    name: str
    old: str
    new: str
    kind = CHANGING

    def apply(self, schema):
        values = _enum(schema, self.name)
        if self.old not in values:
            raise UnknownObjectError("enum value", self.old)
        if self.new in values:
            raise ObjectExistsError("enum value", self.new)
        return schema.with_enums({**schema.enums, self.name: tuple(
            self.new if v == self.old else v for v in values)})

    def reverse(self):
        return RenameEnumValue(self.name, self.new, self.old)

    def describe(self):
        return f"rename value {self.old!r} of enum type {self.name} to {self.new!r}"

    def tables(self):
        return ()
