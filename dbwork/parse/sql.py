"""SQL text -> typed operations, checked against the schema they will run on (pure).

sqlglot parses each statement; this module turns the tree into operations and
simulates each on the schema so later statements see earlier ones, and so that a drop
carries the whole object it removes. A statement sqlglot does not understand (an
``exp.Command``) is refused unless the cell gives its own ``-- migrate:down``.

>>> from dbwork.model import Schema
>>> from dbwork.dialects import get_dialect
>>> p = parse_sql("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);",
...               get_dialect("sqlite"), Schema())
>>> [op.describe() for op in p.ops]
['create table t (2 columns)']
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError, TokenError

from ..dialects.base import Dialect, fold_unquoted
from ..errors import DbworkError, ObjectExistsError, ParseError, UnknownObjectError
from ..model.schema import (Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table,
                            Unique)
from ..model.expressions import canonical_sql
from ..model.types import SERIAL_TYPES, normalize_datatype
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropColumn, DropConstraint, DropIndex,
                              DropTable, Operation, RawSQL, RenameColumn, RenameTable,
                              dependents_of_column)
from .cell import Statement, split_statements


@dataclass
class Parsed:
    """Operations in order, the schema they lead to, and notes for the user."""

    ops: list[Operation]
    schema: Schema
    warnings: list[str] = field(default_factory=list)


def parse_sql(text: str, dialect: Dialect, schema: Schema, *, first_line: int = 1,
              source: Dialect | None = None, allow_raw: bool = False,
              allow_dml: bool = False) -> Parsed:
    """Parse ``text`` (written for ``source``, default ``dialect``) against ``schema``.

    ``allow_raw``: statements dbwork cannot model become RawSQL (the cell has an
    explicit down section); otherwise they are refused. ``allow_dml``: INSERT, UPDATE
    and DELETE become RawSQL for the plan's backup pass to make reversible.
    """
    source = source or dialect
    statements = split_statements(text, source.sqlglot, first_line)
    if not statements:
        raise ParseError("the migration is empty: write at least one statement")
    b = _Builder(dialect, source, schema, allow_raw, allow_dml)
    for st in statements:
        b.statement(st)
    check_enum_use(b.ops, statements)
    b.warnings += dialect_gaps(b.ops, source if source is not dialect else None, dialect)
    return Parsed(b.ops, b.schema, b.warnings)


def check_lengths(tree: exp.Expression, dialect: Dialect, st: Statement) -> list[str]:
    """Names longer than the engine keeps, before anything runs. An engine that
    refuses them (MySQL) is refused here; one that cuts them (PostgreSQL, with a
    NOTICE) has them cut in ``tree`` the same way, so the model names what the database
    makes (real Prisma histories carry 64-byte index names). Returns the warnings.

    >>> from dbwork.dialects import get_dialect
    >>> t = sqlglot.parse_one("CREATE TABLE t (" + "é" * 32 + " INT)", read="mysql")
    >>> check_lengths(t, get_dialect("mysql"), Statement("", 1, 1))
    []
    >>> t = sqlglot.parse_one("CREATE INDEX " + "i" * 64 + " ON t (a)", read="postgres")
    >>> check_lengths(t, get_dialect("postgresql"), Statement("", 1, 1))[0][-24:]
    "iiiiiiiiiiiiii' (line 1)"
    >>> len(t.this.name)
    63
    >>> t = sqlglot.parse_one("CREATE INDEX " + "i" * 65 + " ON t (a)", read="mysql")
    >>> check_lengths(t, get_dialect("mysql"), Statement("", 1, 1))
    Traceback (most recent call last):
    ...
    dbwork.errors.ParseError: identifier 'iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii' is 65 characters long; mysql keeps at most 64 (line 1, column 1)
    """
    if dialect.max_identifier is None or tree is None:
        return []
    warnings = []
    for ident in tree.find_all(exp.Identifier):
        name = ident.this if isinstance(ident.this, str) else ""
        n = dialect.identifier_length(name)
        if n <= dialect.max_identifier:
            continue
        unit = "bytes" if dialect.max_identifier_bytes else "characters"
        if not dialect.cuts_long_identifiers:
            raise ParseError(f"identifier {name!r} is {n} {unit} long; {dialect.name} keeps "
                             f"at most {dialect.max_identifier}", st.line, st.column, st.text)
        cut = dialect.cut_identifier(name)
        ident.set("this", cut)
        warnings.append(f"identifier {name!r} is {n} {unit} long; {dialect.name} cuts it to "
                        f"{cut!r} (line {st.line})")
    return warnings


class _Builder:
    def __init__(self, dialect: Dialect, source: Dialect, schema: Schema, allow_raw: bool,
                 allow_dml: bool = False):
        self.dialect, self.source, self.schema = dialect, source, schema
        self.allow_raw = allow_raw
        self.allow_dml = allow_dml  # INSERT/UPDATE/DELETE as RawSQL: a later pass backs them up
        self.ops: list[Operation] = []
        self.warnings: list[str] = []
        self.st: Statement | None = None
        self.temporary: set[str] = set()  # temporary tables the migration made so far

    # -- driver ----------------------------------------------------------------------
    def statement(self, st: Statement) -> None:
        self.st = st
        _check_punctuation(st, self.source)
        tree = self._parse(st)
        self.warnings += check_lengths(tree, self.dialect, st)
        check_qualifiers(tree, self.schema, st)  # one schema per connection (parse/sql_extra)
        for op in self._dispatch(tree):
            self.schema = op.apply(self.schema)
            self.ops.append(op)

    def _parse(self, st: Statement) -> exp.Expression:
        special = _special_tree(st.text, self.source)
        if special is not None:
            return special
        try:
            return fold_unquoted(sqlglot.parse_one(st.text, read=self.source.sqlglot),
                                 self.dialect)
        except SqlglotParseError as e:
            err = e.errors[0] if e.errors else {}
            line = err.get("line", 1)
            col = err.get("col", 1)
            abs_line = st.line + line - 1
            abs_col = col + st.column - 1 if line == 1 else col
            raise ParseError(f"malformed SQL: {err.get('description', str(e))} near "
                             f"{err.get('highlight', '')!r}", abs_line, abs_col,
                             st.text) from None
        except TokenError as e:
            raise ParseError(f"malformed SQL: {e}", st.line, st.column, st.text) from None

    def _dispatch(self, tree: exp.Expression) -> list[Operation]:
        session = self._session_statement(tree)
        if session is not None:
            return session
        if isinstance(tree, exp.Create) and tree.args.get("kind") == "TABLE":
            return self._create_table(tree)
        if isinstance(tree, exp.Create) and tree.args.get("kind") == "INDEX":
            return self._create_index(tree)
        if isinstance(tree, exp.Drop) and tree.args.get("kind") == "TABLE":
            return self._drop_tables(tree)
        if isinstance(tree, exp.Drop) and tree.args.get("kind") == "INDEX":
            return self._drop_index(tree)
        if isinstance(tree, exp.Alter) and tree.args.get("kind") == "TABLE":
            return self._alter_table(tree)
        if isinstance(tree, exp.Alter) and tree.args.get("kind") == "INDEX":
            renamed = self._rename_index(tree)
            if renamed is not None:
                return renamed
        if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
            return self._dml(tree)
        if isinstance(tree, (exp.Transaction, exp.Commit)):
            # a file's own BEGIN/COMMIT (Prisma's enum swaps): dbwork runs the whole
            # migration in its transaction where the engine has one
            self.warnings.append(f"{self.st.text.strip().upper()} (line {self.st.line}): "
                                 "dbwork's own transaction holds the migration; skipped")
            return []
        ext = self._extension()
        if ext is not None:
            return ext
        extra = _extra_statement(self, tree)  # enum types and comments (parse/sql_extra)
        if extra is not None:
            return extra
        return self._raw(tree, "dbwork does not understand this statement")

    def _rename_index(self, tree) -> list[Operation] | None:
        """``ALTER INDEX old RENAME TO new``: the model follows the name, so a later
        ``DROP INDEX new`` finds it (formbricks renames a model's indexes)."""
        from ..ops.schema_ops import RenameIndex
        actions = tree.args.get("actions") or []
        if len(actions) != 1 or not isinstance(actions[0], exp.AlterRename):
            return None
        old, new = tree.this.name, actions[0].this.name
        for t in self.schema.tables.values():
            names = [i.name for i in t.indexes] + [c.name for c in t.constraints() if c.name]
            if old in names:
                return [RenameIndex(t.name, old, new)]
        if tree.args.get("exists"):
            self.warnings.append(f"index {old} does not exist: statement skipped")
            return []
        raise UnknownObjectError("index", old)

    # -- temporary tables ------------------------------------------------------------
    def _session_statement(self, tree) -> list[Operation] | None:
        """A temporary table made, filled or dropped: run as written, not part of the
        schema, nothing to undo (real histories stage rows in one before an UPDATE)."""
        from ..ops.raw_ops import SessionStatement
        made = temporary_table_made(tree)
        if made is not None:
            self.temporary.add(made)
            return [SessionStatement(self._source_sql(), made, self._touched(tree))]
        target = _written_table(tree)
        if target is None or target not in self.temporary:
            return None
        if isinstance(tree, exp.Drop):
            self.temporary.discard(target)
        return [SessionStatement(self._source_sql(), target, self._touched(tree))]

    def _touched(self, tree) -> tuple[str, ...]:
        """The schema's tables a statement names (temporary ones left out)."""
        return tuple(t for t in _touched(tree) if t not in self.temporary)

    # -- raw and DML -----------------------------------------------------------------
    def _raw(self, tree, reason: str) -> list[Operation]:
        """A statement run as written: with its inverse where one is certain (a view,
        a function, a trigger), else only with an explicit down section or
        ``irreversible=True`` (``allow_raw``)."""
        from .sql_raw import inverse_of, is_raw_kind
        inverse = inverse_of(self.st.text, self.source, tree)
        if inverse is not None:
            return [RawSQL(self._source_sql(), inverse, self._touched(tree))]
        if not self.allow_raw:
            from ..errors import IrreversibleError
            if isinstance(tree, exp.Command) and not is_raw_kind(self.st.text):
                raise ParseError(f"statement not understood: {self.st.text.strip()}",
                                 self.st.line, self.st.column, self.st.text)
            raise IrreversibleError(self.st.text, f"{reason}; or pass irreversible=True "
                                    "(--irreversible) to record the migration as "
                                    "forward-only")
        return [RawSQL(self._source_sql(), None, self._touched(tree))]

    def _extension(self) -> list[Operation] | None:
        """CREATE / DROP EXTENSION as operations that know their inverse."""
        from .sql_raw import extension_op
        found = extension_op(self.st.text, self.dialect)
        if found is None:
            return None
        from ..ops.raw_ops import _check
        _check(self.dialect)
        return [found[0]]

    def _source_sql(self) -> str:
        """The statement as written, transpiled when written for another dialect."""
        if self.source is self.dialect:
            return self.st.text
        return _transpile(self.st.text, self.source, self.dialect, self.warnings)

    def _dml(self, tree) -> list[Operation]:
        table = tree.find(exp.Table)
        if table is not None and not self.schema.has_table(table.name):
            raise UnknownObjectError("table", table.name)
        if self.allow_dml:
            return [RawSQL(self._source_sql(), None, self._touched(tree))]
        return self._raw(tree, "a data change has no automatic inverse")

    # -- CREATE TABLE ----------------------------------------------------------------
    def _create_table(self, tree: exp.Create) -> list[Operation]:
        schema_node = tree.this
        if not isinstance(schema_node, exp.Schema):
            return self._raw(tree, "CREATE TABLE ... AS is not modelled")
        name = schema_node.this.name
        if tree.args.get("exists") and self.schema.has_table(name):
            self.warnings.append(f"table {name} exists already: statement skipped")
            return []
        if self.schema.has_table(name):
            raise ObjectExistsError("table", name)
        t = Table(name)
        indexes: list[Index] = []
        exclusions = [n for n in schema_node.expressions if is_exclusion(n)]
        for node in schema_node.expressions:
            if node not in exclusions:
                t = self._table_element(t, node, indexes)
        if not t.columns:
            raise ParseError(f"table {name} has no columns", self.st.line, self.st.column)
        t = _with_table_properties(t, tree.args.get("properties"), self.dialect)
        t = replace(t, foreign_keys=tuple(self._check_reference(fk, t)
                                          for fk in t.foreign_keys))
        ops: list[Operation] = [CreateTable(t)]
        ops += [CreateIndex(i) for i in indexes]
        # EXCLUDE ... runs after the table, as its own ALTER (parse/sql_constraints)
        return ops + [exclusion_op(self, t, n) for n in exclusions]

    def _table_element(self, t: Table, node, indexes: list) -> Table:
        if isinstance(node, exp.ColumnDef):
            col, cons = self._column(node, t.name)
            t = t.with_column(col)
            for c in cons:
                t = t.with_constraint(c)
            return t
        if isinstance(node, exp.IndexColumnConstraint):
            cols = tuple(_names(node.expressions))
            name = node.this.name if node.this else self.dialect.fit(f"ix_{t.name}_{'_'.join(cols)}")
            indexes.append(Index(name, t.name, cols))
            return t
        con = self._constraint(node, t.name)
        for colname in _constraint_columns(con):
            t.column(colname)
        if isinstance(con, PrimaryKey):
            t = _with_not_null(t, con.columns)
        return t.with_constraint(con)

    def _column(self, node: exp.ColumnDef, table: str):
        name = node.this.name
        kind = node.args.get("kind")
        if kind is None:
            if not self.dialect.typeless_columns:
                raise ParseError(f"column {name} has no type", self.st.line, self.st.column)
            kind = exp.DataType.build("TEXT")
        col = Column(name, self._type(kind))
        if kind.this.name in SERIAL_TYPES:
            col = replace(col, autoincrement=True, nullable=False)
        cons = []
        for cc in node.args.get("constraints") or []:
            col, extra = self._column_constraint(col, cc.args.get("kind"), table)
            cons += extra
        return col, cons

    def _column_constraint(self, col: Column, k, table: str):
        if isinstance(k, exp.NotNullColumnConstraint):
            return replace(col, nullable=bool(k.args.get("allow_null"))), []
        if isinstance(k, exp.PrimaryKeyColumnConstraint):
            return replace(col, nullable=False), [PrimaryKey((col.name,))]
        if isinstance(k, exp.UniqueColumnConstraint):
            return col, [Unique((col.name,))]
        if isinstance(k, exp.DefaultColumnConstraint):
            return replace(col, default=self._expr(k.this)), []
        if isinstance(k, exp.CheckColumnConstraint):
            return col, [Check(self._expr(k.this))]
        if isinstance(k, exp.Reference):
            return col, [self._reference((col.name,), k, None)]
        if isinstance(k, exp.GeneratedAsIdentityColumnConstraint) and \
                self.dialect.identity_columns:
            identity = "ALWAYS" if k.this else "BY DEFAULT"
            return replace(col, autoincrement=True, nullable=False, identity=identity), []
        if isinstance(k, (exp.AutoIncrementColumnConstraint,
                          exp.GeneratedAsIdentityColumnConstraint)):
            return replace(col, autoincrement=True, nullable=False), []
        if isinstance(k, exp.CommentColumnConstraint):
            return replace(col, comment=k.this.name), []
        if isinstance(k, exp.OnUpdateColumnConstraint):
            return replace(col, on_update=self._expr(k.this)), []
        raise ParseError(f"column option not supported: {k.sql() if k else '?'}",
                         self.st.line, self.st.column, self.st.text)

    def _constraint(self, node, table: str, name: str | None = None):
        if isinstance(node, exp.Constraint):
            inner = node.expressions[0]
            return self._constraint(inner, table, node.this.name)
        if isinstance(node, exp.PrimaryKey):
            return PrimaryKey(tuple(_names(node.expressions)), name)
        if isinstance(node, exp.PrimaryKeyColumnConstraint):
            raise ParseError("PRIMARY KEY needs its columns", self.st.line, self.st.column)
        if isinstance(node, exp.ForeignKey):
            if node.args.get("reference") is None:
                raise ParseError("FOREIGN KEY needs REFERENCES table (columns)",
                                 self.st.line, self.st.column, self.st.text)
            return self._reference(tuple(_names(node.expressions)),
                                   node.args["reference"], name)
        if isinstance(node, exp.UniqueColumnConstraint):
            target = node.this
            if isinstance(target, exp.Schema):
                name = name or (target.this.name if target.this else None)
                return Unique(tuple(_names(target.expressions)), name)
            raise ParseError("UNIQUE needs its columns", self.st.line, self.st.column)
        if isinstance(node, exp.CheckColumnConstraint):
            return Check(self._expr(node.this), name)
        raise ParseError(f"table element not understood: {node.sql()}",
                         self.st.line, self.st.column, self.st.text)

    def _reference(self, columns, ref: exp.Reference, name):
        target = ref.this
        ref_table = target.this.name if isinstance(target, exp.Schema) else target.name
        ref_cols = tuple(_names(target.expressions)) if isinstance(target, exp.Schema) else ()
        opts = " ".join(o if isinstance(o, str) else o.sql() for o in ref.args.get("options") or [])
        return ForeignKey(tuple(columns), ref_table, ref_cols, name,
                          _action(opts, "DELETE"), _action(opts, "UPDATE"))

    def _check_reference(self, fk: ForeignKey, own: Table) -> ForeignKey:
        """The foreign key with its referenced columns checked (and, when omitted,
        taken from the referenced table's primary key, as SQL does)."""
        target = own if fk.ref_table == own.name else self.schema.table(fk.ref_table)
        if not fk.columns:
            raise ParseError("FOREIGN KEY needs its columns", self.st.line, self.st.column,
                             self.st.text)
        if not fk.ref_columns and target.primary_key:
            fk = replace(fk, ref_columns=target.primary_key.columns)
        for c in fk.ref_columns:
            target.column(c)
        if len(fk.ref_columns) != len(fk.columns):
            raise ParseError(
                f"FOREIGN KEY ({', '.join(fk.columns)}) names {len(fk.columns)} column(s) but "
                f"REFERENCES {fk.ref_table} ({', '.join(fk.ref_columns)}) "
                f"{len(fk.ref_columns)}", self.st.line, self.st.column, self.st.text)
        return fk

    # -- indexes -----------------------------------------------------------------------
    def _create_index(self, tree: exp.Create) -> list[Operation]:
        idx = tree.this
        table = idx.args["table"].name
        t = self.schema.table(table)
        params = idx.args.get("params")
        cols = []
        for o in params.args.get("columns") or []:
            col = o.this if isinstance(o, exp.Ordered) else o
            if not isinstance(col, exp.Column):
                return self._raw(tree, "expression indexes are not modelled")
            t.column(col.name)
            cols.append(col.name)
        where = params.args.get("where")
        name = idx.this.name if idx.this else self.dialect.fit(f"ix_{table}_{'_'.join(cols)}")
        if tree.args.get("exists") and any(i.name == name for i in t.indexes):
            self.warnings.append(f"index {name} exists already: statement skipped")
            return []
        index = Index(name, table, tuple(cols), bool(tree.args.get("unique")),
                      self._expr(where.this) if where else None)
        return [CreateIndex(index, bool(tree.args.get("concurrently")))]

    def _drop_index(self, tree: exp.Drop) -> list[Operation]:
        ops = []
        for node in _drop_targets(tree):
            name = node.name
            try:
                idx = self.schema.find_index(name)
            except UnknownObjectError:
                if tree.args.get("exists"):
                    self.warnings.append(f"index {name} does not exist: skipped")
                    continue
                raise
            ops.append(DropIndex(idx, bool(tree.args.get("concurrently"))))
        return ops

    # -- DROP TABLE --------------------------------------------------------------------
    def _drop_tables(self, tree: exp.Drop) -> list[Operation]:
        ops: list[Operation] = []
        for node in _drop_targets(tree):
            name = node.name
            if not self.schema.has_table(name):
                if tree.args.get("exists"):
                    self.warnings.append(f"table {name} does not exist: skipped")
                    continue
                raise UnknownObjectError("table", name)
            for other, fk in self.schema.referencing(name):
                raise DbworkError(
                    f"table {name} is referenced by {other.name} "
                    f"({', '.join(fk.columns)}): drop that foreign key first")
            ops.append(DropTable(self.schema.table(name)))
        return ops

    # -- ALTER TABLE -------------------------------------------------------------------
    def _alter_table(self, tree: exp.Alter) -> list[Operation]:
        table = tree.this.name
        saved = self.schema
        saved.table(table)
        ops: list[Operation] = _alter_table_options(saved.table(table), tree)
        for action in tree.args.get("actions") or []:
            new = self._alter_action(table, action, tree)
            for op in new:  # later actions see earlier ones
                self.schema = op.apply(self.schema)
            ops += new
        self.schema = saved  # statement() applies the ops for real
        return ops

    def _alter_action(self, table: str, a, tree) -> list[Operation]:
        t = self.schema.table(table)
        if isinstance(a, exp.ColumnDef):
            if a.args.get("exists") and t.has_column(a.name):
                return self._skipped(f"column {table}.{a.name} exists already")
            return self._add_column(t, a)
        if isinstance(a, exp.Drop) and a.args.get("exists") and a.args.get("kind") in (
                "COLUMN", "CONSTRAINT"):
            missing = [n.name for n in _drop_targets(a) if not _has(t, a.args["kind"], n.name)]
            if missing:
                return self._skipped(f"{a.args['kind'].lower()} {', '.join(missing)} of "
                                     f"{table} does not exist")
        if isinstance(a, exp.Drop) and a.args.get("kind") == "COLUMN":
            out = []
            for c in _drop_targets(a):
                col = t.column(c.name)
                out += dependents_of_column(t, col.name)
                position = [x.name for x in t.columns].index(col.name)
                out.append(DropColumn(table, col, position))
            return out
        if isinstance(a, exp.Drop) and a.args.get("kind") == "CONSTRAINT":
            return [_drop_constraint(t, n.name) for n in _drop_targets(a)]
        if isinstance(a, exp.RenameColumn):
            old, new = a.this.name, a.args["to"].name
            t.column(old)
            if t.has_column(new):
                raise ObjectExistsError("column", new, table)
            return [RenameColumn(table, old, new)]
        if isinstance(a, exp.AlterRename):
            return [RenameTable(table, a.this.name)]
        if isinstance(a, exp.AlterColumn) and isinstance(a.args.get("using"), exp.Expression) \
                and a.args.get("dtype") is not None \
                and self._type(a.args["dtype"]) == t.column(a.this.name).type:
            # USING over the same type rewrites the values: no certain inverse
            return self._raw(tree, "ALTER COLUMN ... USING rewrites the values of "
                                   f"{table}.{a.this.name} without changing its type")
        if isinstance(a, exp.AlterColumn):
            op = self._alter_column(t, a)
            return [op] if op is not None else []
        if isinstance(a, exp.ModifyColumn):
            col, _ = self._column(a.this, table)
            before = t.column(col.name)
            return [AlterColumn(table, before, replace(col, comment=col.comment or before.comment))]
        if isinstance(a, exp.AddConstraint) and any(is_exclusion(n) for n in a.expressions):
            return [exclusion_op(self, t, n) for n in a.expressions]
        if isinstance(a, exp.AddConstraint):
            out = []
            for node in a.expressions:
                con = self._constraint(node, table)
                for c in _constraint_columns(con):
                    t.column(c)
                if isinstance(con, ForeignKey):
                    con = self._check_reference(con, t)
                out.append(AddConstraint(table, _named(con, table, self.dialect)))
            return out
        return self._raw(tree, "this ALTER TABLE action is not modelled")

    def _skipped(self, what: str) -> list[Operation]:
        """An ``IF [NOT] EXISTS`` action that has nothing to do: a warning, no step."""
        self.warnings.append(f"{what} (line {self.st.line}): IF [NOT] EXISTS, skipped")
        return []

    def _add_column(self, t: Table, a: exp.ColumnDef) -> list[Operation]:
        col, cons = self._column(a, t.name)
        out: list[Operation] = [AddColumn(t.name, col)]
        with_col = t.with_column(col)
        out += [AddConstraint(t.name, _named(self._check_reference(c, with_col)
                                             if isinstance(c, ForeignKey) else c, t.name,
                                             self.dialect))
                for c in cons]
        return out

    def _alter_column(self, t: Table, a: exp.AlterColumn) -> AlterColumn:
        before = t.column(a.this.name)
        after = before
        if a.args.get("dtype") is not None:
            after = replace(after, type=self._type(a.args["dtype"]))
        if a.args.get("allow_null") is not None:
            after = replace(after, nullable=bool(a.args["allow_null"]))
        if a.args.get("default") is not None:
            after = replace(after, default=self._expr(a.args["default"]))
        if a.args.get("drop") and a.args.get("allow_null") is None:
            # DROP DEFAULT (DROP NOT NULL sets drop too); on a serial column it removes
            # the nextval() default: the column stops counting (Prisma, before it
            # changes an Int id to a TEXT cuid)
            after = replace(after, default=None, autoincrement=False)
        using = a.args.get("using")
        if isinstance(using, exp.Expression) and self.dialect.alter_type_using \
                and after.type != before.type:
            # the user's conversion (ALTER COLUMN c TYPE t USING expr) runs as written
            return AlterColumn(t.name, before, after, using=using.sql(dialect=self.dialect.sqlglot))
        if after == before:
            # Prisma restates what is already so (SET DEFAULT 0 beside a type change):
            # nothing to run or undo for this action
            self.warnings.append(f"ALTER COLUMN {t.name}.{before.name} {a.sql(dialect=self.source.sqlglot)}"
                                 ": already so, skipped")
            return None
        return AlterColumn(t.name, before, after)

    # -- text helpers ------------------------------------------------------------------
    def _type(self, dt: exp.DataType) -> str:
        return normalize_datatype(dt, self.source, dt.sql(dialect=self.source.sqlglot))

    def _expr(self, node) -> str:
        while isinstance(node, exp.Paren):
            node = node.this
        return canonical_sql(node.sql(dialect=self.dialect.sqlglot), self.dialect)


from .sql_constraints import exclusion_op, is_exclusion  # noqa: E402
from .sql_extra import (_alter_table_options, _extra_statement,  # noqa: E402
                        _special_tree, _with_table_properties, check_enum_use,
                        check_qualifiers, dialect_gaps)


def _drop_constraint(t: Table, name: str) -> Operation:
    """Drop a constraint by name; on MySQL a UNIQUE constraint is a unique index."""
    try:
        return DropConstraint(t.name, t.constraint(name))
    except UnknownObjectError:
        if any(i.name == name and i.unique for i in t.indexes):
            return DropIndex(t.index(name))
        raise


def _has(t: Table, kind: str, name: str) -> bool:
    if kind == "COLUMN":
        return t.has_column(name)
    return any(c.name == name for c in t.constraints()) or \
        any(i.name == name and i.unique for i in t.indexes)


def _drop_targets(drop: exp.Drop) -> list:
    return list(drop.args.get("tables") or drop.expressions or [])


def _names(nodes) -> list[str]:
    out = []
    for n in nodes:
        if isinstance(n, exp.Ordered):
            n = n.this
        out.append(n.name)
    return out


def _constraint_columns(con) -> tuple[str, ...]:
    return getattr(con, "columns", ())


def _named(con, table: str, dialect: Dialect):
    """Give an unnamed constraint added by ALTER a conventional name, so it can be
    dropped by name later (and in the rollback)."""
    if con.name or isinstance(con, PrimaryKey):
        return con
    cols = "_".join(getattr(con, "columns", ()))
    if dialect.names_unnamed_constraints and cols and isinstance(con, (ForeignKey, Unique)):
        # the name PostgreSQL itself gives (Prisma's later DROP CONSTRAINT uses it)
        return replace(con, name=pg_object_name(table, cols,
                                                "fkey" if isinstance(con, ForeignKey) else "key"))
    prefix = {ForeignKey: "fk", Unique: "uq", Check: "ck"}[type(con)]
    suffix = cols or str(zlib.crc32(con.expression.encode()) % 10_000)  # stable across runs
    return replace(con, name=dialect.fit(f"{prefix}_{table}_{suffix}"))


def pg_object_name(name1: str, name2: str, label: str, limit: int = 63) -> str:
    """The name PostgreSQL makes for an unnamed object (``makeObjectName``):
    ``name1_name2_label``, the longer of the two parts cut first until it fits.

    >>> pg_object_name("Access", "granteeUserId", "fkey")
    'Access_granteeUserId_fkey'
    >>> len(pg_object_name("t" * 40, "c" * 40, "key"))
    63
    """
    room = limit - len(label.encode()) - 2
    a, b = name1.encode(), name2.encode()
    while len(a) + len(b) > room:
        if len(a) > len(b):
            a = a[:-1]
        else:
            b = b[:-1]
    return f"{a.decode(errors='ignore')}_{b.decode(errors='ignore')}_{label}"


def _with_not_null(t: Table, columns) -> Table:
    for c in columns:
        col = t.column(c)
        t = t.replacing_column(c, replace(col, nullable=False))
    return t


def _action(opts: str, event: str) -> str | None:
    m = re.search(rf"ON {event} (SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION)",
                  opts, re.I)
    return m.group(1).upper() if m else None


def temporary_table_made(tree) -> str | None:
    """The temporary table a statement creates (``CREATE TEMP TABLE``, ``SELECT ...
    INTO TEMP``), or None.

    >>> temporary_table_made(sqlglot.parse_one("SELECT * INTO TEMP TABLE t FROM r", read="postgres"))
    't'
    """
    if isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "TABLE":
        props = tree.args.get("properties")
        if props is not None and any(isinstance(p, exp.TemporaryProperty)
                                     for p in props.expressions):
            node = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
            return node.name
    into = tree.args.get("into") if isinstance(tree, exp.Select) else None
    if into is not None and into.args.get("temporary"):
        return into.this.name
    return None


def _written_table(tree) -> str | None:
    """The table an INSERT/UPDATE/DELETE writes or a DROP TABLE drops."""
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind") or "").upper() == "TABLE":
        names = [t.name for t in tree.find_all(exp.Table)]
        return names[0] if len(names) == 1 else None
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
        table = tree.find(exp.Table)
        return table.name if table is not None else None
    return None


def _touched(tree) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.name for t in tree.find_all(exp.Table) if t.name))


def _transpile(sql: str, source: Dialect, target: Dialect, warnings: list) -> str:
    try:
        return sqlglot.transpile(sql, read=source.sqlglot, write=target.sqlglot,
                                 unsupported_level=sqlglot.ErrorLevel.RAISE)[0]
    except Exception as e:  # sqlglot raises UnsupportedError and friends
        warnings.append(f"cannot express for {target.name}: {sql.strip()} ({e})")
        return sqlglot.transpile(sql, read=source.sqlglot, write=target.sqlglot)[0]


def _check_punctuation(st: Statement, source: Dialect) -> None:
    """sqlglot forgives stray commas (``(a INT,, b INT)``); a migration should not."""
    from sqlglot.tokens import TokenType
    from .cell import _tokenizer
    toks = _tokenizer(source.sqlglot).tokenize(st.text)
    bad = {(TokenType.COMMA, TokenType.COMMA), (TokenType.L_PAREN, TokenType.COMMA),
           (TokenType.COMMA, TokenType.R_PAREN)}
    for a, b in zip(toks, toks[1:]):
        if (a.token_type, b.token_type) in bad:
            line = st.line + a.line - 1
            col = a.col + (st.column - 1 if a.line == 1 else 0)
            raise ParseError(f"malformed SQL: unexpected {b.text!r} after {a.text!r}",
                             line, col, st.text)
