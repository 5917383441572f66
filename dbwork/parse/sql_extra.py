"""Statements beyond tables and indexes: PostgreSQL enum types, comments on tables and
columns, and table options (MySQL's ENGINE, CHARSET, COLLATE, COMMENT). Pure; called
by :mod:`dbwork.parse.sql` for trees its main dispatch does not take.

>>> from dbwork.model import Schema
>>> from dbwork.dialects import get_dialect
>>> from dbwork.parse.sql import parse_sql
>>> p = parse_sql("CREATE TYPE mood AS ENUM ('sad', 'happy');", get_dialect("postgresql"), Schema())
>>> [op.describe() for op in p.ops], p.schema.enums
(["create enum type mood ('sad', 'happy')"], {'mood': ('sad', 'happy')})
"""
from __future__ import annotations

import re

from sqlglot import exp

from ..errors import ParseError, UnsupportedError
from ..model.schema import Table
from ..ops.comment_ops import SetColumnComment, SetTableComment
from ..ops.enum_ops import AddEnumValue, CreateEnum, DropEnum

_ADD_VALUE = re.compile(
    r"^\s*ALTER\s+TYPE\s+((?:\"(?:[^\"]|\"\")+\"|[\w$]+)(?:\.(?:\"(?:[^\"]|\"\")+\"|[\w$]+))?)\s+ADD\s+VALUE\s+(IF\s+NOT\s+EXISTS\s+)?"
    r"'((?:[^']|'')*)'(?:\s+(BEFORE|AFTER)\s+'((?:[^']|'')*)')?\s*;?\s*$", re.I | re.S)
_IDENT = r'("(?:[^"]|"")+"|[\w$]+)'
_RENAME_CONSTRAINT = re.compile(rf"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?{_IDENT}\s+"
                                rf"RENAME\s+CONSTRAINT\s+{_IDENT}\s+TO\s+{_IDENT}\s*;?\s*$",
                                re.I | re.S)
_TYPE_NAME = r'((?:(?:"(?:[^"]|"")+"|[\w$]+)\s*\.\s*)?(?:"(?:[^"]|"")+"|[\w$]+))'
_RENAME_TYPE = re.compile(rf'^\s*ALTER\s+TYPE\s+{_TYPE_NAME}\s+RENAME\s+TO\s+'
                          r'("(?:[^"]|"")+"|[\w$]+)\s*;?\s*$', re.I | re.S)
_RENAME_VALUE = re.compile(rf'^\s*ALTER\s+TYPE\s+{_TYPE_NAME}\s+RENAME\s+VALUE\s+'
                           r"'((?:[^']|'')*)'\s+TO\s+'((?:[^']|'')*)'\s*;?\s*$", re.I | re.S)
_TYPE_STATEMENT = re.compile(r"^\s*(CREATE|DROP|ALTER)\s+TYPE\b", re.I)
_COMMENT_NULL = re.compile(r"^\s*COMMENT\s+ON\s+(TABLE|COLUMN)\s+([\w.\"`]+)\s+IS\s+NULL\s*;?\s*$",
                           re.I | re.S)


def _type_name(text: str, dialect) -> str:
    """The type named in ``ALTER TYPE <name>``: quoted, as written (doubled quotes
    undone); unquoted, folded as the engine folds it. A schema prefix is dropped
    (one schema per connection).

    >>> from dbwork.dialects import get_dialect
    >>> _type_name('"Account""Type"', get_dialect("postgresql")), _type_name("Mood", get_dialect("postgresql"))
    ('Account"Type', 'mood')
    """
    last = re.findall(r'"((?:[^"]|"")+)"|([\w$]+)', text)[-1]
    if last[0]:
        return last[0].replace('""', '"')
    return last[1].lower() if dialect.folds_unquoted == "lower" else last[1]


def _ident(text: str) -> str:
    """A name as written: ``"Mixed"`` keeps its case, a bare name folds to lower case."""
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def _unquote(text: str) -> str:
    return text.replace("''", "'")


def _special_tree(text: str, source) -> exp.Expression | None:
    """Trees sqlglot cannot build: ``COMMENT ON ... IS NULL`` (a comment removed)."""
    m = _COMMENT_NULL.match(text)
    if not m:
        return None
    kind, target = m.group(1).upper(), m.group(2)
    node = exp.to_table(target, dialect=source.sqlglot) if kind == "TABLE" else \
        exp.to_column(target, dialect=source.sqlglot)
    return exp.Comment(this=node, kind=kind, expression=exp.Null())


def _extra_statement(b, tree) -> list | None:
    """Operations for the statements this module knows, or None."""
    if isinstance(tree, exp.Command) and _TYPE_STATEMENT.match(b.st.text):
        _needs_postgres(b, " ".join(b.st.text.split()[:2]).upper())
    if isinstance(tree, exp.Create) and tree.args.get("kind") == "TYPE":
        return _create_type(b, tree)
    if isinstance(tree, exp.Drop) and tree.args.get("kind") == "TYPE":
        return _drop_types(b, tree)
    if isinstance(tree, exp.Command) and _RENAME_TYPE.match(b.st.text):
        return _rename_type(b, _RENAME_TYPE.match(b.st.text))
    if isinstance(tree, exp.Command) and _RENAME_VALUE.match(b.st.text):
        return _rename_value(b, _RENAME_VALUE.match(b.st.text))
    if isinstance(tree, exp.Command) and _RENAME_CONSTRAINT.match(b.st.text):
        return _rename_constraint(b, _RENAME_CONSTRAINT.match(b.st.text))
    if isinstance(tree, exp.Command) and _ADD_VALUE.match(b.st.text):
        return _add_value(b, _ADD_VALUE.match(b.st.text))
    if isinstance(tree, exp.Comment) and tree.args.get("kind") in ("TABLE", "COLUMN"):
        return _comment(b, tree)
    if isinstance(tree, exp.Command):
        from .sql_constraints import using_index_ops
        return using_index_ops(b)  # ADD CONSTRAINT ... USING INDEX, else None
    return None


def _needs_postgres(b, what: str) -> None:
    if not b.dialect.enum_types:
        raise UnsupportedError(f"{what}: enum types are PostgreSQL's ({b.dialect.name} has "
                               "none); use a CHECK constraint or an inline ENUM(...) column")


def _create_type(b, tree: exp.Create) -> list:
    _needs_postgres(b, "CREATE TYPE")
    dt = tree.args.get("expression")
    if not (isinstance(dt, exp.DataType) and dt.this == exp.DataType.Type.ENUM):
        return b._raw(tree, "only enum types are modelled (CREATE TYPE ... AS ENUM)")
    values = tuple(e.this for e in dt.expressions)
    if len(set(values)) != len(values):
        raise ParseError(f"enum type {tree.this.name} repeats a value", b.st.line, b.st.column)
    return [CreateEnum(tree.this.name, values)]


def _drop_types(b, tree: exp.Drop) -> list:
    _needs_postgres(b, "DROP TYPE")
    out = []
    for node in tree.args.get("tables") or tree.expressions or []:
        name = node.name
        if name not in b.schema.enums and tree.args.get("exists"):
            b.warnings.append(f"type {name} does not exist: skipped")
            continue
        from ..model.schema import Schema  # noqa: F401  (apply checks the users)
        if name not in b.schema.enums:
            from ..errors import UnknownObjectError
            raise UnknownObjectError("enum type", name)
        if tree.args.get("cascade"):
            out += _cascade_of_type(b, name)
        out.append(DropEnum(name, b.schema.enums[name]))
    return out


def _cascade_of_type(b, name: str) -> list:
    """What ``DROP TYPE name CASCADE`` removes with the type, as operations that know
    their inverse: a default that still casts to it (``'USD'::"Currency"`` stays on a
    column changed to TEXT) is dropped, and a column still of that type is dropped
    (data loss, asked like any DROP COLUMN)."""
    from dataclasses import replace

    from ..ops.schema_ops import AlterColumn, DropColumn
    cast = re.compile(rf'::\s*(?:"{re.escape(name)}"|{re.escape(name)}\b)'
                      if name == name.lower() else rf'::\s*"{re.escape(name)}"')
    out = []
    for t in b.schema.tables.values():
        for pos, c in enumerate(t.columns):
            if c.type in (name, f'"{name}"'):
                out.append(DropColumn(t.name, c, pos))
            elif c.default is not None and cast.search(c.default):
                out.append(AlterColumn(t.name, c, replace(c, default=None)))
    return out


def _rename_constraint(b, m) -> list:
    """ALTER TABLE t RENAME CONSTRAINT old TO new (PostgreSQL)."""
    from ..ops.schema_ops import RenameConstraint
    table, old, new = (_ident(m.group(i)) for i in (1, 2, 3))
    b.schema.table(table).constraint(old)
    return [RenameConstraint(table, old, new)]


def _rename_type(b, m) -> list:
    """ALTER TYPE x RENAME TO y: Prisma's enum swap (x -> x_old, x_new -> x)."""
    from ..ops.enum_ops import RenameEnum
    _needs_postgres(b, "ALTER TYPE")
    old, new = _type_name(m.group(1), b.dialect), _type_name(m.group(2), b.dialect)
    if old not in b.schema.enums:
        from ..errors import UnknownObjectError
        raise UnknownObjectError("enum type", old)
    return [RenameEnum(old, new)]


def _rename_value(b, m) -> list:
    from ..ops.enum_ops import RenameEnumValue
    _needs_postgres(b, "ALTER TYPE")
    name = _type_name(m.group(1), b.dialect)
    if name not in b.schema.enums:
        from ..errors import UnknownObjectError
        raise UnknownObjectError("enum type", name)
    return [RenameEnumValue(name, _unquote(m.group(2)), _unquote(m.group(3)))]


def _add_value(b, m) -> list:
    _needs_postgres(b, "ALTER TYPE")
    name = _type_name(m.group(1), b.dialect)
    value = _unquote(m.group(3))
    if name not in b.schema.enums:
        from ..errors import UnknownObjectError
        raise UnknownObjectError("enum type", name)
    old = b.schema.enums[name]
    if m.group(2) and value in old:
        b.warnings.append(f"enum {name} has {value!r} already: statement skipped")
        return []
    anchor = _unquote(m.group(5)) if m.group(5) is not None else None
    where = (m.group(4) or "").upper()
    return [AddEnumValue(name, value, old, anchor if where == "BEFORE" else None,
                         anchor if where == "AFTER" else None)]


def _comment(b, tree: exp.Comment) -> list:
    if not b.dialect.comments:
        raise UnsupportedError("SQLite keeps no comments on tables or columns")
    text = tree.args.get("expression")
    after = None if isinstance(text, exp.Null) else text.this
    target = tree.this
    if tree.args["kind"] == "TABLE":
        t = b.schema.table(target.name)
        return [SetTableComment(t.name, t.comment, after)]
    t = b.schema.table(target.table)
    col = t.column(target.name)
    return [SetColumnComment(t.name, col.name, col.comment, after)]


# -- table options -----------------------------------------------------------------------
def _with_table_properties(t: Table, props, dialect) -> Table:
    """CREATE TABLE ... ENGINE=, [DEFAULT] CHARSET=, COLLATE=, COMMENT= (MySQL)."""
    from dataclasses import replace
    if props is None:
        return t
    options, comment = [], t.comment
    for p in props.expressions:
        if isinstance(p, exp.EngineProperty):
            options.append(("engine", p.this.name))
        elif isinstance(p, exp.CharacterSetProperty):
            options.append(("charset", p.this.name.lower()))
        elif isinstance(p, exp.CollateProperty):
            options.append(("collate", p.this.name.lower()))
        elif isinstance(p, exp.SchemaCommentProperty):
            comment = p.this.name
    if not dialect.engine_options:
        options = []  # other engines have no such options: nothing to keep
    return replace(t, options=tuple(options), comment=comment)


def _alter_table_options(t: Table, tree: exp.Alter) -> list:
    """``ALTER TABLE t COMMENT = '...'`` (MySQL)."""
    out = []
    for p in tree.args.get("options") or []:
        if isinstance(p, exp.SchemaCommentProperty):
            out.append(SetTableComment(t.name, t.comment, p.this.name))
        else:
            raise UnsupportedError(f"ALTER TABLE {t.name} {p.sql()}: this table option is "
                                   "not modelled (only COMMENT is)")
    return out


def check_enum_use(ops, statements) -> None:
    """PostgreSQL refuses to use an enum value added in the same transaction ("unsafe
    use of new value"): say so before anything runs, naming the line."""
    added = [op for op in ops if isinstance(op, AddEnumValue)]
    for op in added:
        literal = "'" + op.value.replace("'", "''") + "'"
        seen = False
        for st in statements:
            m = _ADD_VALUE.match(st.text)
            if m and _unquote(m.group(3)) == op.value:
                seen = True
                continue
            if seen and literal in st.text:
                raise ParseError(
                    f"enum value {op.value!r} is added to {op.name} in this migration and "
                    "PostgreSQL cannot use a new enum value before the transaction that "
                    "adds it commits: use it in a later migration", st.line, st.column, st.text)


# -- a cell written for another dialect ---------------------------------------------------
def dialect_gaps(ops, source, target) -> list[str]:
    """Warnings for column types ``target`` cannot express exactly when a cell was
    written for ``source``; an array column (PostgreSQL only) is refused outright.

    >>> from dbwork.dialects import get_dialect
    >>> from dbwork.model import Column, Table
    >>> from dbwork.ops import CreateTable
    >>> op = CreateTable(Table("t", (Column("at", "TIMESTAMPTZ"),)))
    >>> dialect_gaps([op], get_dialect("postgresql"), get_dialect("mysql"))
    ['t.at TIMESTAMPTZ (written for postgresql) becomes TIMESTAMP without a time zone (values are kept as written) on mysql']
    """
    from ..model.types import base_name
    from ..ops.schema_ops import AddColumn, AlterColumn, CreateTable
    if source is None or source.name == target.name:
        return []
    out = []
    for op in ops:
        if isinstance(op, CreateTable):
            cols = [(op.table.name, c) for c in op.table.columns]
        elif isinstance(op, (AddColumn, AlterColumn)):
            cols = [(op.table, op.column if isinstance(op, AddColumn) else op.after)]
        else:
            continue
        for table, c in cols:
            if c.type.endswith("]") and not target.array_columns:
                raise UnsupportedError(f"{table}.{c.name} {c.type}: array columns are "
                                       f"PostgreSQL's; {target.name} has none (use a JSON "
                                       "column or a child table)")
            what = target.lossy_types.get(base_name(c.type))
            if what:
                out.append(f"{table}.{c.name} {c.type} (written for {source.name}) becomes "
                           f"{what} on {target.name}")
    return out


def check_qualifiers(tree, schema, st) -> None:
    """``app.users`` in a cell: dbwork works in one schema per connection (PostgreSQL's
    ``?schema=app``); a name qualified with that schema is the same table, any other
    qualifier is refused before anything runs."""
    namespace = getattr(schema, "namespace", None)
    if not namespace:
        return
    for node in tree.find_all(exp.Table):
        db = node.args.get("db")
        if db is not None and db.name and db.name != namespace:
            raise UnsupportedError(
                f"{db.name}.{node.name} (line {st.line}): this connection works in schema "
                f"{namespace}; connect with ?schema={db.name} to change {db.name}'s tables "
                "(one schema per connection)")
