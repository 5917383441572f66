"""Two rules squawk also has: dropping NOT NULL, and names longer than the engine
keeps (PostgreSQL cuts them at 63 bytes without a word)."""
from dbwork.dialects import get_dialect
from dbwork.model import Column, Schema, Table
from dbwork.ops import AddColumn, AlterColumn, CreateIndex, CreateTable
from dbwork.model import Index
from dbwork.safety import lint

T = Table("t", (Column("id", "INTEGER", False), Column("a", "TEXT", False)))
S = Schema.of(T)


def rules(ops, dialect="postgresql"):
    return {f.rule: f.message for f in lint(ops, S, get_dialect(dialect))}


def test_drop_not_null_is_flagged():
    found = rules([AlterColumn("t", T.column("a"), Column("a", "TEXT", True))])
    assert "may now hold NULL" in found["DW144"]
    assert "DW144" not in rules([AlterColumn("t", Column("a", "TEXT", True), T.column("a"))])


def test_identifier_longer_than_the_engine_keeps():
    long = "x" * 64
    assert long in rules([AddColumn("t", Column(long, "TEXT"))])["DW145"]
    assert "DW145" not in rules([AddColumn("t", Column(long, "TEXT"))], "mysql")   # 64 fits
    assert "DW145" in rules([CreateIndex(Index("i" * 65, "t", ("a",)))], "mysql")
    assert "DW145" in rules([CreateTable(Table("t2", (Column("é" * 32, "TEXT"),)))])  # 64 bytes
    assert "DW145" not in rules([AddColumn("t", Column(long, "TEXT"))], "sqlite")
