"""SQL text -> operations, with no database: every statement kind, and bad input."""
import pytest

from dbwork.dialects import get_dialect
from dbwork.errors import (IrreversibleError, ObjectExistsError, ParseError,
                           UnknownObjectError)
from dbwork.model import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from dbwork.ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex, CreateTable,
                        DropColumn, DropConstraint, DropIndex, DropTable, RawSQL,
                        RenameColumn, RenameTable)
from dbwork.parse import parse_sql, split_cell, validate_name

SQLITE = get_dialect("sqlite")
USERS = Table(
    "users",
    (Column("id", "INTEGER", False), Column("email", "VARCHAR(255)", False),
     Column("age", "INTEGER", default="0"), Column("org_id", "INTEGER")),
    PrimaryKey(("id",)),
    foreign_keys=(ForeignKey(("org_id",), "orgs", ("id",), "fk_org"),),
    uniques=(Unique(("email",), "uq_email"),),
    checks=(Check("age >= 0", "ck_age"),),
    indexes=(Index("ix_age", "users", ("age",)),),
)
ORGS = Table("orgs", (Column("id", "INTEGER", False),), PrimaryKey(("id",)))
SCHEMA = Schema.of(ORGS, USERS)


def ops_of(sql, schema=SCHEMA, **kw):
    return parse_sql(sql, SQLITE, schema, **kw).ops


def test_create_table_with_every_constraint_kind():
    [op] = ops_of("""CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        sku VARCHAR(32) NOT NULL UNIQUE,
        price NUMERIC(10, 2) DEFAULT 0 CHECK (price >= 0),
        org_id INT REFERENCES orgs(id) ON DELETE CASCADE,
        CONSTRAINT ck_sku CHECK (length(sku) > 2))""")
    assert isinstance(op, CreateTable)
    t = op.table
    assert [c.name for c in t.columns] == ["id", "sku", "price", "org_id"]
    assert t.column("sku") == Column("sku", "VARCHAR(32)", nullable=False)
    assert t.column("price").type == "NUMERIC(10, 2)"
    assert t.column("price").default == "0"
    assert t.primary_key == PrimaryKey(("id",))
    assert t.uniques == (Unique(("sku",)),)
    assert t.foreign_keys == (ForeignKey(("org_id",), "orgs", ("id",), None, "CASCADE"),)
    assert Check("price >= 0") in t.checks and Check("LENGTH(sku) > 2", "ck_sku") in t.checks


def test_varchar_stays_varchar_on_sqlite():
    # sqlglot alone writes TEXT(255) for SQLite; dbwork owns its type table
    [op] = ops_of("CREATE TABLE t (a VARCHAR(255))", Schema())
    assert op.table.column("a").type == "VARCHAR(255)"


def test_alter_statements_become_typed_operations():
    ops = ops_of("""
        ALTER TABLE users ADD COLUMN nick TEXT;
        ALTER TABLE users RENAME COLUMN nick TO nickname;
        ALTER TABLE users ALTER COLUMN age SET NOT NULL;
        ALTER TABLE users ALTER COLUMN age DROP DEFAULT;
        ALTER TABLE users ALTER COLUMN email TYPE TEXT;
        ALTER TABLE users RENAME TO people;""")
    assert [type(o) for o in ops] == [AddColumn, RenameColumn, AlterColumn, AlterColumn,
                                     AlterColumn, RenameTable]
    assert ops[2].after.nullable is False and ops[2].before.nullable is True
    assert ops[3].after.default is None and ops[3].before.default == "0"
    assert ops[4].before.type == "VARCHAR(255)" and ops[4].after.type == "TEXT"


def test_drop_column_carries_the_column_and_drops_dependents_first():
    ops = ops_of("ALTER TABLE users DROP COLUMN age")
    assert ops[0] == DropIndex(USERS.index("ix_age"))
    assert ops[1] == DropConstraint("users", Check("age >= 0", "ck_age"))
    assert ops[-1] == DropColumn("users", USERS.column("age"), position=2)


def test_drop_table_carries_the_whole_table():
    [op] = ops_of("DROP TABLE users")
    assert op == DropTable(USERS)
    assert op.reverse() == CreateTable(USERS)


def test_indexes_and_constraints():
    ops = ops_of("""
        CREATE UNIQUE INDEX ix_email ON users (email) WHERE age > 1;
        DROP INDEX ix_age;
        ALTER TABLE users ADD CONSTRAINT ck_adult CHECK (age >= 18);
        ALTER TABLE users DROP CONSTRAINT fk_org;""")
    assert ops[0] == CreateIndex(Index("ix_email", "users", ("email",), True, "age > 1"))
    assert ops[1] == DropIndex(USERS.index("ix_age"))
    assert ops[2] == AddConstraint("users", Check("age >= 18", "ck_adult"))
    assert ops[3] == DropConstraint("users", USERS.foreign_keys[0])


def test_unnamed_constraint_added_by_alter_gets_a_name():
    [op] = ops_of("ALTER TABLE users ADD UNIQUE (age)")
    assert op.constraint == Unique(("age",), "uq_users_age")


def test_later_statements_see_earlier_ones():
    ops = ops_of("CREATE TABLE t (id INT PRIMARY KEY); CREATE INDEX ix_t ON t (id);"
                 "ALTER TABLE t ADD COLUMN a INT; ALTER TABLE t DROP COLUMN a;")
    assert [type(o) for o in ops] == [CreateTable, CreateIndex, AddColumn, DropColumn]


@pytest.mark.parametrize("sql, error, fragment", [
    ("CREATE TABLE t (a INT,, b INT)", ParseError, "line 1, column 22"),
    ("CREATE TABLEE oops (", ParseError, "not understood"),
    ("CREATE TABLE a (x INT);\nCREATE TABLE t (a INT", ParseError, "line 2"),
    ("DROP TABLE nope", UnknownObjectError, "unknown table 'nope'"),
    ("ALTER TABLE users DROP COLUMN zz", UnknownObjectError, "unknown column 'zz'"),
    ("ALTER TABLE users ADD COLUMN email TEXT", ObjectExistsError, "email"),
    ("CREATE TABLE users (id INT)", ObjectExistsError, "users"),
    ("CREATE INDEX ix ON users (nope)", UnknownObjectError, "nope"),
    ("ALTER TABLE users ADD CONSTRAINT f FOREIGN KEY (age) REFERENCES nope(id)",
     UnknownObjectError, "nope"),
    ("DROP TABLE orgs", Exception, "referenced by users"),
    ("UPDATE users SET age = 1", IrreversibleError, "migrate:down"),
    ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY REFERENCES orgs (id)", ParseError,
     "FOREIGN KEY needs its columns"),
    ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (age) orgs (id)", ParseError,
     "needs REFERENCES"),
    ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (age, org_id) REFERENCES orgs (id)",
     ParseError, "names 2 column(s) but REFERENCES orgs (id) 1"),
    ("ALTER TABLE users ADD COLUMN boss INT REFERENCES nope (id)", UnknownObjectError, "nope"),
    ("   ", ParseError, "empty"),
    ("CREATE TABLE t (a INT);\nCREATE TABLE u (a VARCHAR(10) DEFAULT 'x", ParseError,
     "unterminated string, quoted name or comment (line 2"),
])
def test_bad_input_is_a_clear_error(sql, error, fragment):
    with pytest.raises(error) as info:
        ops_of(sql)
    assert fragment in str(info.value)


def test_raw_statements_are_accepted_with_an_explicit_down():
    ops = ops_of("UPDATE users SET age = 1 WHERE age IS NULL", allow_raw=True)
    assert ops == [RawSQL("UPDATE users SET age = 1 WHERE age IS NULL", None, ("users",))]


def test_if_exists_and_if_not_exists_skip_with_a_warning():
    p = parse_sql("CREATE TABLE IF NOT EXISTS users (id INT); DROP TABLE IF EXISTS nope;",
                  SQLITE, SCHEMA)
    assert p.ops == [] and len(p.warnings) == 2


def test_cell_sections_and_names():
    c = split_cell("CREATE TABLE t (a INT);\n-- migrate:down\nDROP TABLE t;\n")
    assert c.up.strip() == "CREATE TABLE t (a INT);" and c.down.strip() == "DROP TABLE t;"
    assert c.down_line == 3
    with pytest.raises(ParseError):
        split_cell("-- migrate:down\nDROP TABLE t;")
    for bad in ["a'b", "a/b", "a.b", "", "1abc", "a b", "../x", 'x"y', "a" * 101]:
        with pytest.raises(Exception, match="invalid migration name"):
            validate_name(bad)
    assert validate_name("add_users-2") == "add_users-2"


def test_transpiles_from_another_dialect():
    pg = get_dialect("postgresql")
    mysql = get_dialect("mysql")
    [op] = parse_sql("CREATE TABLE t (id SERIAL PRIMARY KEY, data JSONB, at TIMESTAMPTZ DEFAULT now())",
                     mysql, Schema(), source=pg).ops
    assert op.table.column("id").autoincrement
    assert op.table.column("at").default == "CURRENT_TIMESTAMP()"


def test_foreign_key_without_referenced_columns_takes_the_primary_key():
    [op] = ops_of("ALTER TABLE users ADD CONSTRAINT fk_boss FOREIGN KEY (age) REFERENCES orgs")
    assert op.constraint == ForeignKey(("age",), "orgs", ("id",), "fk_boss")
