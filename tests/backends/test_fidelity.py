"""Data fidelity through DROP COLUMN / DROP TABLE and their rollback, every type each
engine has: a checksum over every value (byte for byte) and the schema (types, CHECKs,
column order where the engine can keep it) equal to the start. And a restore that does
not give back what the backup holds refuses to drop the backup.

Before the fix, MariaDB brought a LONGBLOB back as BLOB (a 200,000-byte value came back
as 3,392 bytes, and the backup was then dropped), lost a JSON column's CHECK, and put
re-added columns last.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

BIG = bytes(range(256)) * 782 + b"\x00" * 8       # 200,200 bytes, every byte value
UNICODE = "naïve café ✓ 𝔘𝔫𝔦 😀🎉 Ω≈ç√"              # 4-byte emoji included

MARIADB_TABLE = """CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  js JSON, de DECIMAL(30,10), dt DATETIME(6), ts TIMESTAMP NULL,
  bi BIT(8), en ENUM('a','b c','ü'), st SET('x','y','z'),
  vc VARCHAR(40), mi MEDIUMINT, dbl DOUBLE, bn BINARY(4), vb VARBINARY(10)
) DEFAULT CHARSET=utf8mb4"""
MARIADB_ROWS = [
    dict(id=1, tb=b"\x00\xff", bl=b"b" * 60000, mb=BIG, lb=BIG, tt=UNICODE, tx=UNICODE * 100,
         mt="m" * 70000, lt="L" * 300000 + UNICODE, js='{"a": [1, 2.5, "😀"], "n": null}',
         de=Decimal("12345678901234567890.0123456789"),
         dt="2026-01-02 03:04:05.123456", ts="2026-06-30 23:59:59", bi=b"\xa5",
         en="b c", st="x,z", vc=UNICODE, mi=-8388608, dbl=1.0000000000000002,
         bn=b"\x00\x01\x02\x03", vb=b"\xde\xad\xbe\xef"),
    dict(id=2, **{c: None for c in ("tb", "bl", "mb", "lb", "tt", "tx", "mt", "lt", "js",
                                    "de", "dt", "ts", "bi", "en", "st", "vc", "mi", "dbl",
                                    "bn", "vb")}),
    dict(id=3, tb=b"", bl=b"", mb=b"", lb=b"", tt="", tx="", mt="", lt="", js="[]",
         de=Decimal("-0.0000000001"), dt="1970-01-01 00:00:01.000001",
         ts="2038-01-19 03:14:07", bi=b"\x00", en="ü", st="", vc="", mi=8388607,
         dbl=-1e308, bn=b"\x00\x00\x00\x00", vb=b""),
]

POSTGRES_TABLE = """CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy ü');
CREATE TABLE t (
  id INTEGER PRIMARY KEY, by BYTEA, tx TEXT, jb JSONB, js JSON, nu NUMERIC(30,10),
  tz TIMESTAMPTZ, tt TIME WITH TIME ZONE, iv INTERVAL, ia INTEGER[], ta TEXT[],
  mo mood, ma mood[], uu UUID, ip INET, vc VARCHAR(40), re REAL, dp DOUBLE PRECISION,
  bo BOOLEAN, ts TIMESTAMP(3)
)"""
POSTGRES_ROWS = [
    dict(id=1, by=BIG, tx=UNICODE * 1000, jb='{"b": [1, 2.5, "😀"], "a": null}',
         js='{"z": 1,   "a": [true]}', nu="12345678901234567890.0123456789",
         tz="2026-01-02 03:04:05.123456+05:30", tt="23:59:59.999999-08",
         iv="1 year 2 mons 3 days 04:05:06.789", ia="{1,NULL,-2147483648}",
         ta='{"a,b","😀",NULL,""}', mo="happy ü", ma="{sad,ok}",
         uu="a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ip="2001:db8::1/64", vc=UNICODE,
         re="1.1", dp="1.0000000000000002", bo="true", ts="2026-01-02 03:04:05.123"),
    dict(id=2, **{c: None for c in ("by", "tx", "jb", "js", "nu", "tz", "tt", "iv", "ia",
                                    "ta", "mo", "ma", "uu", "ip", "vc", "re", "dp", "bo",
                                    "ts")}),
    dict(id=3, by=b"", tx="", jb="[]", js="{}", nu="-0.0000000001", tz="1970-01-01 00:00:00+00",
         tt="00:00:00+14", iv="-00:00:00.000001", ia="{}", ta="{}", mo="sad", ma="{}",
         uu="00000000-0000-0000-0000-000000000000", ip="0.0.0.0", vc="", re="-3.4e38",
         dp="-1e308", bo="false", ts="0001-01-01 00:00:00"),
]

SQLITE_TABLE = "CREATE TABLE t (id INTEGER PRIMARY KEY, bl BLOB, tx TEXT, re REAL, it INTEGER, an NUMERIC)"
SQLITE_ROWS = [
    dict(id=1, bl=BIG, tx=UNICODE * 1000, re=1.0000000000000002, it=-(2 ** 63), an=b"\x01"),
    dict(id=2, bl=None, tx=None, re=None, it=None, an=None),
    dict(id=3, bl=b"", tx="", re=-1e308, it=2 ** 63 - 1, an="text in numeric"),
]

CASES = {"mariadb": (MARIADB_TABLE, MARIADB_ROWS), "postgresql": (POSTGRES_TABLE, POSTGRES_ROWS),
         "sqlite": (SQLITE_TABLE, SQLITE_ROWS)}


def load(wb, backend):
    import sqlalchemy as sa
    table, rows = CASES[backend]
    with wb.backend.connect() as conn:
        for st in table.split(";\n"):
            conn.exec_driver_sql(st)
        cols = list(rows[0])
        binds = ", ".join(_bind(c, backend) for c in cols)
        for r in rows:
            conn.execute(sa.text(f"INSERT INTO t ({', '.join(cols)}) VALUES ({binds})"), r)
        conn.commit()
    return [c for c in rows[0] if c != "id"]


def _bind(c: str, backend: str) -> str:
    if backend != "postgresql" or c in ("id", "by"):
        return f":{c}"
    kinds = {"jb": "jsonb", "js": "json", "nu": "numeric", "tz": "timestamptz", "tt": "timetz",
             "iv": "interval", "ia": "integer[]", "ta": "text[]", "mo": "mood", "ma": "mood[]",
             "uu": "uuid", "ip": "inet", "re": "real", "dp": "double precision",
             "bo": "boolean", "ts": "timestamp(3)"}
    return f"CAST(:{c} AS {kinds[c]})" if c in kinds else f":{c}"


def checksum(wb, backend) -> str:
    """sha256 over every value of t as the server spells it (bytes for binary), in id order."""
    with wb.backend.connect() as conn:
        cols = [r[0] for r in _columns(conn, backend)]
        text = {"mariadb": "HEX(CAST({c} AS BINARY))", "postgresql": "CAST({c} AS TEXT)",
                "sqlite": "quote({c}) || ' ' || typeof({c})"}[backend]
        exprs = ", ".join(f"{text.format(c=c)}, {c} IS NULL" for c in sorted(cols))
        rows = [tuple(r) for r in conn.exec_driver_sql(f"SELECT {exprs} FROM t ORDER BY id")]
        assert len(rows) == len(CASES[backend][1])
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _columns(conn, backend):
    if backend == "mariadb":
        return conn.exec_driver_sql(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME FROM "
            "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' "
            "ORDER BY ORDINAL_POSITION").all()
    if backend == "postgresql":
        return conn.exec_driver_sql(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            "WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum").all()
    return [tuple(r[1:]) for r in conn.exec_driver_sql("PRAGMA table_info(t)").all()]


def schema_of(wb, backend):
    """Columns with exact types in order, and (MariaDB) the whole CREATE TABLE text."""
    with wb.backend.connect() as conn:
        cols = list(_columns(conn, backend))
        if backend == "mariadb":
            return cols, conn.exec_driver_sql("SHOW CREATE TABLE t").one()[1]
        if backend == "postgresql":
            checks = conn.exec_driver_sql(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                "'t'::regclass ORDER BY 1").all()
            return cols, checks
        return cols, None


def backups(wb) -> list[str]:
    import sqlalchemy as sa
    with wb.backend.connect() as conn:
        return [n for n in sa.inspect(conn).get_table_names() if n.startswith("_dbwork_bak_")]


def test_drop_column_and_rollback_keeps_every_value_and_type(backend, wb):
    cols = load(wb, backend)
    before, schema = checksum(wb, backend), schema_of(wb, backend)
    drops = "\n".join(f"ALTER TABLE t DROP COLUMN {c};" for c in cols[::2])  # every other
    m = wb.migrate("drop_many", drops, allow_data_loss=True)
    assert m.status == "applied"
    wb.rollback()
    after_schema = schema_of(wb, backend)
    if backend == "postgresql":   # no AFTER: the values and types come back, not the order
        assert sorted(after_schema[0]) == sorted(schema[0]) and after_schema[1] == schema[1]
        assert any("cannot put a column back in place" in w for w in m.warnings), m.warnings
    else:
        assert after_schema == schema
    assert checksum(wb, backend) == before
    assert backups(wb) == []


def test_drop_table_and_rollback_keeps_every_value_type_and_check(backend, wb):
    load(wb, backend)
    before, schema = checksum(wb, backend), schema_of(wb, backend)
    wb.migrate("drop_t", "DROP TABLE t;", allow_data_loss=True)
    wb.rollback()
    assert schema_of(wb, backend) == schema   # MariaDB: the JSON CHECK, LONGBLOB, order
    assert checksum(wb, backend) == before
    assert backups(wb) == []


def test_the_200000_byte_longblob_of_the_issue_comes_back_whole(make_wb):
    wb = make_wb("mariadb")
    wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, b LONGBLOB, j JSON, c INT);")
    import sqlalchemy as sa
    with wb.backend.connect() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (1, :b, '{\"k\": 1}', 5)"), {"b": BIG[:200000]})
        conn.commit()
    for change in ("ALTER TABLE t DROP COLUMN b;", "DROP TABLE t;"):
        wb.migrate("drop_" + str(len(change)), change, allow_data_loss=True)
        wb.rollback()
        with wb.backend.connect() as conn:
            assert conn.exec_driver_sql("SELECT LENGTH(b) FROM t").scalar() == 200000
            create = conn.exec_driver_sql("SHOW CREATE TABLE t").one()[1]
        assert "`b` longblob" in create and "json_valid(`j`)" in create
        assert create.index("`b`") < create.index("`j`")        # back in its place


TRIGGERS = {
    "mariadb": ["CREATE TRIGGER cut BEFORE UPDATE ON t FOR EACH ROW SET NEW.b = LEFT(NEW.b, 3)"],
    "postgresql": ["CREATE FUNCTION cut() RETURNS trigger AS $$BEGIN NEW.b := substr(NEW.b, 1, 3); "
                   "RETURN NEW; END$$ LANGUAGE plpgsql",
                   "CREATE TRIGGER cut BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION cut()"],
}


@pytest.mark.parametrize("kind", ["mariadb", "postgresql"])
def test_a_restore_that_loses_values_keeps_its_backup_and_says_so(make_wb, kind):
    """Something on the way (here a trigger that cuts values) makes the restored values
    differ from the backup: the rollback refuses, names the backup, keeps it."""
    from dbwork.errors import RestoreMismatch
    wb = make_wb(kind)
    wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT, c INTEGER);")
    with wb.backend.connect() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 'abcdef', 1), (2, NULL, 2)")
        conn.commit()
    with wb.backend.connect() as conn:   # MariaDB wants the column there to make it
        for st in TRIGGERS[kind]:
            conn.exec_driver_sql(st)
        conn.commit()
    m = wb.migrate("drop_b", "ALTER TABLE t DROP COLUMN b;", allow_data_loss=True)
    with pytest.raises(RestoreMismatch) as err:
        wb.rollback()
    [backup] = backups(wb)
    assert backup.startswith(f"_dbwork_bak_{m.version}_")
    assert err.value.backup == backup and backup in str(err.value)
    assert "the backup is kept" in str(err.value)
    with wb.backend.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT b FROM {backup} WHERE id = 1").scalar() == "abcdef"


def test_sqlite_restore_check_fails_on_a_changed_value(tmp_path):
    """SQLite's rebuild drops triggers, so the check itself is run on a differing copy."""
    import sqlite3
    from dbwork.dialects import get_dialect
    from dbwork.render.data import verify_restore  # noqa: F401 (new: the restore check)
    db = sqlite3.connect(tmp_path / "x.sqlite")
    db.executescript("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB);"
                     "CREATE TABLE _dbwork_bak_1_1 (id INTEGER, b BLOB);"
                     "INSERT INTO t VALUES (1, x'0001'), (2, NULL);"
                     "INSERT INTO _dbwork_bak_1_1 VALUES (1, x'0001'), (2, NULL);")
    sqlite = get_dialect("sqlite")
    for everything in (False, True):
        for st in verify_restore("t", "_dbwork_bak_1_1", ("id", "b"), ("id",), sqlite, everything):
            db.execute(st)                       # equal: passes
    db.execute("UPDATE t SET b = '0001' WHERE id = 1")    # same text, another type
    for everything in (False, True):
        stmts = verify_restore("t", "_dbwork_bak_1_1", ("id", "b"), ("id",), sqlite, everything)
        db.execute(stmts[0])
        with pytest.raises(sqlite3.IntegrityError, match="restore_differs_from__dbwork_bak_1_1"):
            db.execute(stmts[1])
        db.execute(stmts[2])
