"""The neutral schema model: plain, immutable values with no I/O and no SQL rendering.

A :class:`Schema` maps table names to :class:`Table` values. Everything is frozen, so
an operation simulates its effect by returning a new schema (``op.apply(schema)``).

>>> t = Table("users", columns=(Column("id", "INTEGER", nullable=False),),
...           primary_key=PrimaryKey(("id",)))
>>> s = Schema.of(t)
>>> s.table("users").column("id").type
'INTEGER'
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Union

from ..errors import ObjectExistsError, UnknownObjectError


@dataclass(frozen=True)
class Column:
    """A column. ``type`` is a neutral type string (see :mod:`dbwork.model.types`);
    ``default`` is SQL expression text or None; ``autoincrement`` marks serial/identity."""

    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    autoincrement: bool = False
    comment: str | None = None
    identity: str | None = field(default=None, repr=False)   # PostgreSQL: ALWAYS | BY DEFAULT
    on_update: str | None = field(default=None, repr=False)  # MySQL's ON UPDATE CURRENT_TIMESTAMP (expression text)


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str | None = None
    on_delete: str | None = None
    on_update: str | None = None


@dataclass(frozen=True)
class Unique:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class Check:
    expression: str
    name: str | None = None


Constraint = Union[PrimaryKey, ForeignKey, Unique, Check]


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None
    # how it is built, as written: ("using", "gin"|"hash"|"fulltext"...), ("sort:<col>",
    # "DESC"), ("ops:<col>", "gin_trgm_ops"), ("length:<col>", "500"). Not compared:
    # introspection does not read them back (a change of method alone is not diffed).
    options: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    # engine options kept so a dropped table comes back as it was, e.g. MySQL's
    # (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_unicode_ci"))
    options: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    # -- lookups ---------------------------------------------------------------------
    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise UnknownObjectError("column", name, self.name)

    def index(self, name: str) -> Index:
        for i in self.indexes:
            if i.name == name:
                return i
        raise UnknownObjectError("index", name, self.name)

    def constraints(self) -> tuple[Constraint, ...]:
        pk = (self.primary_key,) if self.primary_key else ()
        return pk + self.foreign_keys + self.uniques + self.checks

    def constraint(self, name: str) -> Constraint:
        for c in self.constraints():
            if c.name == name:
                return c
        raise UnknownObjectError("constraint", name, self.name)

    # -- pure edits ------------------------------------------------------------------
    def with_column(self, column: Column, position: int | None = None) -> "Table":
        if self.has_column(column.name):
            raise ObjectExistsError("column", column.name, self.name)
        cols = list(self.columns)
        cols.insert(len(cols) if position is None else position, column)
        return replace(self, columns=tuple(cols))

    def without_column(self, name: str) -> "Table":
        self.column(name)
        return replace(self, columns=tuple(c for c in self.columns if c.name != name))

    def replacing_column(self, name: str, column: Column) -> "Table":
        self.column(name)
        return replace(self, columns=tuple(column if c.name == name else c
                                           for c in self.columns))

    def with_constraint(self, con: Constraint) -> "Table":
        if con.name and any(c.name == con.name for c in self.constraints()):
            raise ObjectExistsError("constraint", con.name, self.name)
        if isinstance(con, PrimaryKey):
            if self.primary_key:
                raise ObjectExistsError("primary key", con.name or "", self.name)
            return replace(self, primary_key=con)
        attr = _constraint_attr(con)
        changes: dict = {attr: getattr(self, attr) + (con,)}
        return replace(self, **changes)

    def without_constraint(self, con: Constraint) -> "Table":
        if isinstance(con, PrimaryKey):
            return replace(self, primary_key=None)
        attr = _constraint_attr(con)
        changes: dict = {attr: tuple(c for c in getattr(self, attr) if c != con)}
        return replace(self, **changes)

    def with_index(self, index: Index) -> "Table":
        if any(i.name == index.name for i in self.indexes):
            raise ObjectExistsError("index", index.name, self.name)
        return replace(self, indexes=self.indexes + (index,))

    def without_index(self, name: str) -> "Table":
        self.index(name)
        return replace(self, indexes=tuple(i for i in self.indexes if i.name != name))

    def renamed(self, new_name: str) -> "Table":
        return replace(self, name=new_name,
                       indexes=tuple(replace(i, table=new_name) for i in self.indexes),
                       foreign_keys=tuple(_retarget(fk, self.name, new_name)
                                          for fk in self.foreign_keys))


def _constraint_attr(con: Constraint) -> str:
    return {ForeignKey: "foreign_keys", Unique: "uniques", Check: "checks"}[type(con)]


def _retarget(fk: ForeignKey, old: str, new: str) -> ForeignKey:
    return replace(fk, ref_table=new) if fk.ref_table == old else fk


@dataclass(frozen=True)
class Schema:
    """Tables by name. ``Schema.of(t1, t2)`` builds one; edits return new schemas.
    ``enums``: PostgreSQL enum types, name -> values in order (empty elsewhere)."""

    tables: dict[str, Table] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the database schema (namespace) these tables live in, when introspection knows it
    namespace: str | None = field(default=None, repr=False, compare=False)
    # PostgreSQL extensions installed (introspected) or wanted (a Prisma datasource's
    # extensions = [...]); not compared: a desired state that names none keeps them
    extensions: frozenset = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def of(cls, *tables: Table) -> "Schema":
        return cls({t.name: t for t in tables})

    def __hash__(self) -> int:  # dict field: hash by content
        return hash((tuple(sorted(self.tables.items(), key=lambda kv: kv[0])),
                     tuple(sorted(self.enums.items()))))

    def has_table(self, name: str) -> bool:
        return name in self.tables

    def _repr_html_(self) -> str:
        from ..docs.results import schema_html
        return schema_html(self)

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's text/plain: short and stable
        from ..docs.results import schema_text
        p.text(schema_text(self))

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownObjectError("table", name) from None

    def with_table(self, table: Table) -> "Schema":
        if table.name in self.tables:
            raise ObjectExistsError("table", table.name)
        return replace(self, tables={**self.tables, table.name: table})

    def replacing(self, table: Table) -> "Schema":
        self.table(table.name)
        return replace(self, tables={**self.tables, table.name: table})

    def without_table(self, name: str) -> "Schema":
        self.table(name)
        return replace(self, tables={k: v for k, v in self.tables.items() if k != name})

    def renaming_table(self, old: str, new: str) -> "Schema":
        if new in self.tables:
            raise ObjectExistsError("table", new)
        out = {}
        for name, t in self.tables.items():
            t = t.renamed(new) if name == old else replace(
                t, foreign_keys=tuple(_retarget(fk, old, new) for fk in t.foreign_keys))
            out[t.name] = t
        self.table(old)
        return replace(self, tables=out)

    def referencing(self, table: str) -> Iterable[tuple[Table, ForeignKey]]:
        """Foreign keys in other tables that point at ``table``."""
        for t in self.tables.values():
            for fk in t.foreign_keys:
                if fk.ref_table == table and t.name != table:
                    yield t, fk

    def dependency_levels(self) -> tuple[list[list[str]], list[str]]:
        """Tables by foreign-key depth: level 0 references nothing, level n only
        tables of lower levels (self-references ignored). Tables on a reference cycle,
        or below one, come last in one level and are also returned on their own: some
        of their keys can only be added once the tables exist.

        >>> from dbwork.model import ForeignKey, Table
        >>> s = Schema.of(Table("users"), Table("orders", foreign_keys=(
        ...     ForeignKey(("user_id",), "users", ("id",)),)))
        >>> s.dependency_levels()
        ([['users'], ['orders']], [])
        """
        parents = {name: {fk.ref_table for fk in t.foreign_keys
                          if fk.ref_table != name and fk.ref_table in self.tables}
                   for name, t in self.tables.items()}
        placed: set[str] = set()
        levels: list[list[str]] = []
        while len(placed) < len(parents):
            ready = sorted(n for n, p in parents.items() if n not in placed and p <= placed)
            if not ready:
                break
            levels.append(ready)
            placed.update(ready)
        cyclic = sorted(set(parents) - placed)
        return (levels + [cyclic] if cyclic else levels), cyclic

    def dependency_order(self, tables: Iterable[str] | None = None) -> list[str]:
        """Table names, parents before children (keys to tables outside ``tables`` are
        ignored): one at a time, the first by name whose parents are all placed; when a
        reference cycle leaves none ready, the first by name on the cycle (the tables
        that hang below it still follow their parents). The one order for copying rows
        and designing documents (:meth:`dependency_levels` groups the same parents
        into levels for the dependency graph).

        >>> from dbwork.model import ForeignKey, Table
        >>> fk = lambda t: (ForeignKey(("x",), t, ("id",)),)
        >>> s = Schema.of(Table("users"), Table("orders", foreign_keys=fk("users")),
        ...               Table("a", foreign_keys=fk("b")), Table("b", foreign_keys=fk("a")),
        ...               Table("c", foreign_keys=fk("a")))
        >>> s.dependency_order()
        ['users', 'orders', 'a', 'b', 'c']
        >>> s.dependency_order(["orders", "c"])
        ['c', 'orders']
        """
        wanted = set(self.tables if tables is None else tables)
        parents = {n: {fk.ref_table for fk in self.table(n).foreign_keys
                       if fk.ref_table != n and fk.ref_table in wanted} for n in wanted}
        todo, done = sorted(wanted), []  # type: list[str], list[str]
        while todo:
            placed = set(done)
            pick = next((n for n in todo if parents[n] <= placed), None) or \
                next(n for n in todo if _on_cycle(n, parents, placed))
            done.append(pick)
            todo.remove(pick)
        return done

    def with_extensions(self, names) -> "Schema":
        """The schema with its set of extensions replaced (pure)."""
        return replace(self, extensions=frozenset(names))

    def with_enums(self, enums: dict[str, tuple[str, ...]]) -> "Schema":
        """The schema with its enum types replaced (pure)."""
        return replace(self, enums=dict(enums))

    def enum_users(self, name: str) -> list[tuple[str, str]]:
        """(table, column) pairs whose column is typed with enum ``name``. A column's
        type is kept as SQL spells it, so an enum named ``AccountType`` is the type
        ``"AccountType"`` (PostgreSQL's quoting, the one place enum types live)."""
        from ..dialects import get_dialect
        spellings = {name, get_dialect("postgresql").quote(name)}
        return [(t.name, c.name) for t in self.tables.values() for c in t.columns
                if c.type.removesuffix("[]") in spellings]

    def find_index(self, name: str) -> Index:
        for t in self.tables.values():
            for i in t.indexes:
                if i.name == name:
                    return i
        raise UnknownObjectError("index", name)


def _on_cycle(name: str, parents: dict[str, set[str]], placed: set[str]) -> bool:
    """Does ``name`` reach itself through parents not yet ``placed``?"""
    seen: set[str] = set()
    stack = [p for p in parents[name] if p not in placed]
    while stack:
        n = stack.pop()
        if n == name:
            return True
        if n not in seen:
            seen.add(n)
            stack += [p for p in parents[n] if p not in placed]
    return False
