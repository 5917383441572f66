"""Operations know their inverse; plans put backups before destructive steps; the
rollback is the same renderer run on reversed inverses. No database here."""
import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import IrreversibleError
from dbwork.execute.files import format_migration, parse_migration_text
from dbwork.migration import Migration
from dbwork.model import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from dbwork.ops import (OPERATIONS, AddColumn, AddConstraint, AlterColumn, CreateIndex,
                        CreateTable, DropColumn, DropConstraint, DropIndex, DropTable, RawSQL,
                        RenameColumn, RenameTable, apply_all, reverse_all)
from dbwork.ops.data_ops import BackupRows, RestoreRows
from dbwork.plan.steps import add_backups, plan_steps
from dbwork.render import render

T = Table("t", (Column("id", "INTEGER", False), Column("a", "VARCHAR(20)", False),
                Column("b", "INTEGER", default="1")), PrimaryKey(("id",)),
          checks=(Check("b > 0", "ck_b"),), indexes=(Index("ix_b", "t", ("b",)),))
P = Table("p", (Column("id", "INTEGER", False),), PrimaryKey(("id",)))
S = Schema.of(T, P)

EXAMPLES = [
    CreateTable(Table("n", (Column("x", "TEXT"),))),
    DropTable(P),
    RenameTable("p", "parents"),
    AddColumn("t", Column("c", "TEXT")),
    DropColumn("t", T.column("a")),  # ("b" has an index: the parser drops it first)
    RenameColumn("t", "a", "aa"),
    AlterColumn("t", T.column("a"), Column("a", "TEXT", False)),
    CreateIndex(Index("ix_a", "t", ("a",), unique=True)),
    DropIndex(T.index("ix_b")),
    AddConstraint("t", ForeignKey(("b",), "p", ("id",), "fk_b")),
    DropConstraint("t", Check("b > 0", "ck_b")),
    AddConstraint("t", Unique(("a",), "uq_a")),
]


@pytest.mark.parametrize("op", EXAMPLES, ids=lambda o: type(o).__name__)
def test_reverse_undoes_the_schema_change(op):
    after = op.apply(S)
    assert after != S
    # a re-added column comes back last, as every engine adds it: order aside, equal
    assert unordered(op.reverse().apply(after)) == unordered(S)
    assert op.reverse().reverse() == op


def unordered(schema):
    from dataclasses import replace
    return {n: replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)))
            for n, t in schema.tables.items()}


@pytest.mark.parametrize("op", EXAMPLES, ids=lambda o: type(o).__name__)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql", "mssql"])
def test_every_operation_renders_forward_and_back_on_every_dialect(op, dialect):
    d = get_dialect(dialect)
    if dialect == "mssql" and isinstance(op, (DropConstraint,)) and not op.constraint.name:
        pytest.skip("unnamed constraints do not exist on SQL Server")
    forward = render(op, S, d)
    back = render(op.reverse(), op.apply(S), d)
    assert forward and back
    assert all(isinstance(s, str) and s.strip() for s in forward + back)


def test_every_operation_describes_itself():
    for cls in OPERATIONS:
        assert cls.describe is not OPERATIONS[0].__mro__[1].describe
    for op in EXAMPLES:
        assert op.describe() and op.describe() == op.describe().strip()


def test_raw_sql_needs_an_explicit_reverse():
    with pytest.raises(IrreversibleError, match="UPDATE t SET b = 2"):
        reverse_all([AddColumn("t", Column("c", "TEXT")), RawSQL("UPDATE t SET b = 2")])
    assert RawSQL("UPDATE t SET b = 2", "UPDATE t SET b = 1").reverse().sql == "UPDATE t SET b = 1"


def test_rollback_is_reversed_inverses():
    ops = [AddColumn("t", Column("c", "TEXT")), RenameColumn("t", "c", "d")]
    assert apply_all(reverse_all(ops), apply_all(ops, S)) == S


def test_backups_before_drop_table_drop_column_and_narrowing():
    ops, warnings = add_backups([DropTable(P)], S, "v1")
    assert ops == [BackupRows("p", "_dbwork_bak_v1_1", ("id",)), DropTable(P)]
    # a NOT NULL column without default: relax first, so the inverse can restore values
    ops, _ = add_backups([DropColumn("t", T.column("a"))], S, "v1")
    assert [type(o) for o in ops] == [AlterColumn, BackupRows, DropColumn]
    assert ops[1].columns == ("id", "a") and ops[1].key == ("id",)
    assert [type(o) for o in reverse_all(ops)] == [AddColumn, RestoreRows, AlterColumn]
    narrow = AlterColumn("t", T.column("a"), Column("a", "VARCHAR(5)", False))
    ops, _ = add_backups([narrow], S, "v1")
    assert [type(o) for o in ops] == [BackupRows, AlterColumn]
    widen = AlterColumn("t", T.column("a"), Column("a", "TEXT", False))
    assert add_backups([widen], S, "v1")[0] == [widen]


def test_no_primary_key_means_no_restore_by_key_and_says_so():
    nokey = Table("k", (Column("a", "TEXT"),))
    ops, warnings = add_backups([DropColumn("k", nokey.column("a"))], Schema.of(nokey), "v")
    assert ops == [DropColumn("k", nokey.column("a"))]
    assert "no primary key" in warnings[0]


def test_plan_steps_carry_forward_reverse_comment_and_source():
    ops = [AddColumn("t", Column("c", "TEXT"))]
    [step] = plan_steps(ops, S, get_dialect("postgresql"))
    assert step.forward == ["ALTER TABLE t ADD COLUMN c TEXT"]
    assert step.reverse == ["ALTER TABLE t DROP COLUMN c"]
    assert step.comment == "add column t.c TEXT NULL" and step.op is ops[0]


def test_sqlite_alters_are_table_rebuilds_that_keep_indexes():
    op = AlterColumn("t", T.column("b"), Column("b", "BIGINT", default="1"))
    stmts = render(op, S, get_dialect("sqlite"))
    assert stmts[0].startswith("CREATE TABLE _alembic_tmp_t")
    assert any(s.startswith("INSERT INTO _alembic_tmp_t (id, a, b) SELECT") for s in stmts)
    assert stmts[-1] == "CREATE INDEX ix_b ON t (b)"


def test_migration_file_round_trip():
    steps = plan_steps([CreateTable(Table("n", (Column("x", "TEXT"),))),
                        AddColumn("n", Column("y", "INTEGER"))], Schema(), get_dialect("sqlite"))
    m = Migration("20260101000000", "two", steps, parent="20251231000000", dialect="sqlite",
                  created="2026-01-01T00:00:00Z", source_checksum="abc", warnings=["careful"])
    back = parse_migration_text(format_migration(m))
    assert (back.version, back.name, back.parent, back.dialect) == (m.version, m.name, m.parent, "sqlite")
    assert [s.forward for s in back.steps] == [s.forward for s in m.steps]
    assert [s.reverse for s in back.steps] == [s.reverse for s in m.steps]
    assert back.checksum == m.checksum and back.warnings == ["careful"]


def test_sqlite_rebuilds_render_the_same_in_every_process():
    """Constraint order in a table rebuild once followed object ids: a dry run in one
    process and the apply in another must produce the same bytes."""
    import subprocess
    import sys
    code = """
import hashlib
from dbwork.dialects import get_dialect
from dbwork.model import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from dbwork.ops import AlterColumn
from dbwork.render import render
t = Table("o", (Column("id", "INTEGER", False), Column("cid", "INTEGER", False),
                Column("total", "NUMERIC(10, 2)", False), Column("u", "INTEGER")),
          PrimaryKey(("id",)), (ForeignKey(("cid",), "c", ("id",)),), (Unique(("u",)),),
          (Check("total >= 0"), Check("u > 0", "ck2")),
          (Index("ix1", "o", ("total",)), Index("ix2", "o", ("u",))))
c = Table("c", (Column("id", "INTEGER", False),), PrimaryKey(("id",)))
op = AlterColumn("o", t.column("total"), Column("total", "NUMERIC(12, 2)", False))
print(hashlib.sha256("\\n".join(render(op, Schema.of(t, c), get_dialect("sqlite"))).encode()).hexdigest())
"""
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(4)}
    assert len(outs) == 1


def test_types_sqlglot_keeps_as_text_normalise_too():
    from dbwork.model.types import normalize_type
    pg = get_dialect("postgresql")
    assert [normalize_type(t, pg) for t in ("oid", "regclass", "regconfig")] == \
        ["OID", "REGCLASS", "REGCONFIG"]
