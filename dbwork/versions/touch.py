"""What a migration touches (pure): the objects its statements write and read, so two
branches can be checked for commuting before either runs.

An object is a key ``(kind, table, name)``: ``("table", "users", "")``,
``("column", "users", "email")``, ``("index", "", "ix_email")``,
``("constraint", "orders", "fk_user")``, ``("rows", "users", "")``,
``("collection", "events", "")``. Statements are read with sqlglot (SQL) or the mongosh
parser (documents); what a side depends on through foreign keys comes from the live
schema. A statement that cannot be read touches everything (``ANYTHING``): dbwork
does not guess that it commutes.

>>> t = touches_of(["ALTER TABLE users ADD COLUMN email TEXT"], "sqlite")
>>> sorted(t.writes), sorted(t.reads)
([('column', 'users', 'email')], [('table', 'users', '')])
>>> a = touches_of(["DROP TABLE users"], "sqlite")
>>> b = touches_of(["CREATE TABLE orders (id INT, u INT REFERENCES users (id))"], "sqlite")
>>> shared(a, b)
['table users']
>>> shared(t, touches_of(["ALTER TABLE users ADD COLUMN name TEXT"], "sqlite"))
[]
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..hooks import overridable

ANYTHING = ("anything", "", "")


@dataclass
class Touches:
    writes: set = field(default_factory=set)
    reads: set = field(default_factory=set)
    unread: list = field(default_factory=list)   # statements that could not be read

    def add(self, other: "Touches") -> "Touches":
        self.writes |= other.writes
        self.reads |= other.reads
        self.unread += other.unread
        return self


def touches_of(statements, dialect: str, schema=None) -> Touches:
    """The objects ``statements`` write and read; with the live ``schema``, also the
    tables the touched tables reference through foreign keys (read)."""
    t = Touches()
    for st in statements:
        t.add(statement_touches(dialect, st))
    if schema is not None:
        t.reads |= foreign_key_reads(dialect, t, schema)
    return t


@overridable
def statement_touches(dialect: str, statement: str) -> Touches:
    """What one statement writes and reads (SQL by default; MongoDB reads its calls)."""
    return _sql(statement, dialect)


@overridable
def foreign_key_reads(dialect: str, t: Touches, schema) -> set:
    """The tables that the tables ``t`` touches reference (read through their foreign
    keys in the live ``schema``); none where there are no foreign keys."""
    return _fk_reads(t, schema)


def migration_touches(m, dialect: str, schema=None) -> Touches:
    return touches_of([s for step in m.steps for s in step.forward], dialect, schema)


def shared(a: Touches, b: Touches) -> list[str]:
    """The objects one side writes and the other writes or reads, as text, sorted."""
    out = set()
    for w in a.writes:
        out |= {w if w[0] == "table" else o for o in b.writes | b.reads if _clash(w, o)}
    for w in b.writes:
        out |= {w if w[0] == "table" else o for o in a.writes | a.reads if _clash(w, o)}
    return sorted(describe(k) for k in out)


def describe(key) -> str:
    kind, table, name = key
    if kind == "anything":
        return "a statement dbwork cannot read (it may touch anything)"
    if kind in ("table", "rows", "collection"):
        return f"{kind} {table}"
    return f"{kind} {table + '.' if table else ''}{name}"


def _clash(w, o) -> bool:
    if ANYTHING in (w, o):
        return True
    if w == o:
        return True
    return w[0] in ("table", "collection") and o[1] == w[1]  # all that lives in it


def _fk_reads(t: Touches, schema) -> set:
    tables = {k[1] for k in t.writes | t.reads if k[1] and k[0] != "index"}
    out = set()
    for name in tables:
        live = _table(schema, name)
        if live is not None:
            out |= {("table", fk.ref_table.lower(), "") for fk in live.foreign_keys}
    return out


def _table(schema, name: str):
    for n, table in schema.tables.items():
        if n.lower() == name:
            return table
    return None


# -- SQL ------------------------------------------------------------------------------
def _sqlglot_reader(dialect: str) -> str | None:
    """The dialect's sqlglot name (Dialect.sqlglot); None (generic SQL) when unknown."""
    from ..dialects import get_dialect
    from ..errors import ConfigError
    try:
        return get_dialect(dialect).sqlglot
    except ConfigError:
        return None


def _sql(statement: str, dialect: str) -> Touches:
    import sqlglot
    from sqlglot import exp
    try:
        tree = sqlglot.parse_one(statement, read=_sqlglot_reader(dialect))
    except Exception:  # noqa: BLE001 - not readable: touches anything
        tree = None
    reader = _STATEMENTS.get(type(tree)) if tree is not None else None
    if reader is None or isinstance(tree, exp.Command):
        return Touches({ANYTHING}, set(), [statement])
    return reader(tree, statement)


_REBUILD_PREFIX = "_alembic_tmp_"   # SQLite's table rebuild works on a copy of the table


def _name(node) -> str:
    name = (node.name if node is not None else "").lower()
    return name[len(_REBUILD_PREFIX):] if name.startswith(_REBUILD_PREFIX) else name


def _table_of(tree) -> str:
    from sqlglot import exp
    table = tree.find(exp.Table)
    return _name(table)


def _references(tree) -> set:
    from sqlglot import exp
    return {("table", _name(r.find(exp.Table)), "") for r in tree.find_all(exp.Reference)
            if r.find(exp.Table) is not None}


def _create(tree, statement: str) -> Touches:
    from sqlglot import exp
    kind = (tree.args.get("kind") or "").upper()
    if kind == "INDEX":
        index = tree.this
        table = _name(index.args.get("table")) if isinstance(index, exp.Index) else _table_of(tree)
        cols = {("column", table, _name(c)) for c in tree.find_all(exp.Column)}
        return Touches({("index", "", _name(index))}, {("table", table, "")} | cols)
    if kind in ("TABLE", "VIEW"):
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        name = _name(target)
        reads = _references(tree)
        if kind == "VIEW" and tree.expression is not None:
            reads |= {("table", _name(t), "") for t in tree.expression.find_all(exp.Table)}
        return Touches({("table", name, "")}, reads)
    return Touches({ANYTHING}, set(), [statement])


def _drop(tree, statement: str) -> Touches:
    kind = (tree.args.get("kind") or "").upper()
    names = _dropped(tree)
    if kind in ("TABLE", "VIEW"):
        return Touches({("table", n, "") for n in names})
    if kind == "INDEX":
        return Touches({("index", "", n) for n in names})
    return Touches({ANYTHING}, set(), [statement])


def _dropped(drop) -> list[str]:
    """The names a DROP names (sqlglot keeps them in ``tables``, older ones in ``this``)."""
    found = drop.args.get("tables") or [drop.this]
    return [_name(x) for x in found if x is not None]


def _alter(tree, statement: str) -> Touches:
    from sqlglot import exp
    table = _name(tree.this)
    t = Touches(set(), {("table", table, "")})
    for action in tree.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            t.writes.add(("column", table, _name(action.this)))
            t.reads |= _references(action)
        elif isinstance(action, exp.AlterColumn):
            t.writes.add(("column", table, _name(action.this)))
        elif isinstance(action, exp.RenameColumn):
            t.writes |= {("column", table, _name(action.this)),
                         ("column", table, _name(action.args.get("to")))}
        elif isinstance(action, exp.AlterRename):
            t.writes |= {("table", table, ""), ("table", _name(action.this), "")}
        elif isinstance(action, exp.AddConstraint):
            for c in action.find_all(exp.Constraint):
                t.writes.add(("constraint", table, _name(c.this)))
            t.reads |= _references(action)
            if not any(k[0] == "constraint" for k in t.writes):
                t.writes.add(("table", table, ""))
        elif isinstance(action, exp.Drop):
            kind = (action.args.get("kind") or "").upper()
            what = "constraint" if kind == "CONSTRAINT" else "column"
            t.writes |= {(what, table, n) for n in _dropped(action)}
        else:
            t.writes.add(("table", table, ""))
    return t


def _dml(tree, statement: str) -> Touches:
    from sqlglot import exp
    table = _table_of(tree)
    reads = {("table", _name(x), "") for x in tree.find_all(exp.Table)}
    reads |= {("column", table, _name(c)) for c in tree.find_all(exp.Column)}
    return Touches({("rows", table, "")}, reads)


def _readers():
    from sqlglot import exp
    return {exp.Create: _create, exp.Drop: _drop, exp.Alter: _alter, exp.Insert: _dml,
            exp.Update: _dml, exp.Delete: _dml}


class _Lazy(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_readers())
        return super().get(key, default)


_STATEMENTS = _Lazy()
