"""Issue 10 point 3, measured against Prisma itself: the DDL ``prisma migrate`` writes
for a schema (its migration.sql, in the form read in real projects' first migrations)
run as it is on a fresh database, and dbwork's reading of the same schema diffed
against what it built: nothing left to do means the same tables, columns, types,
defaults, keys, indexes and names, object for object. The corpus run of the same
check is ``scripts/corpus_schemas.py --histories``; these are our own fixtures of each
construct found there."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.diff.desired import plan_schema
from dbwork.diff.prisma import read_prisma_folder, schema_from_prisma
from dbwork.errors import ConfigError, ParseError

PG, MY, LITE = (get_dialect(n) for n in ("postgresql", "mysql", "sqlite"))

SCHEMA = '''
datasource db { provider = "postgresql" url = env("DATABASE_URL") }

enum Role {
  USER
  ADMIN
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  role      Role     @default(USER)
  tags      String[]
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  since     DateTime @default("2020-01-01T00:00:00Z")
  posts     Post[]
  groups    Group[]
}

model Post {
  id       String @id @default(uuid())
  title    String @db.VarChar(200)
  authorId Int
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  @@index([authorId, title(sort: Desc)])
}

model Group {
  id    Int    @id @default(autoincrement())
  users User[]
}
'''

# what prisma migrate diff --from-empty --to-schema-datamodel writes for SCHEMA
PRISMA_PG = '''
-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "tags" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-01 00:00:00 +00:00',

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Group" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_GroupToUser" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_GroupToUser_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Post_authorId_title_idx" ON "Post"("authorId", "title" DESC);

-- CreateIndex
CREATE INDEX "_GroupToUser_B_index" ON "_GroupToUser"("B");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_GroupToUser" ADD CONSTRAINT "_GroupToUser_A_fkey" FOREIGN KEY ("A") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_GroupToUser" ADD CONSTRAINT "_GroupToUser_B_fkey" FOREIGN KEY ("B") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
'''

LITE_SCHEMA = '''
datasource db { provider = "sqlite" url = "file:./dev.db" }

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  createdAt DateTime @default(now())
  posts     Post[]
  groups    Group[]
}

model Post {
  id       String @id @default(cuid())
  authorId Int
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
}

model Group {
  id    Int    @id @default(autoincrement())
  users User[]
}
'''

PRISMA_LITE = '''
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "Post" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE "Group" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
);
CREATE TABLE "_GroupToUser" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,
    CONSTRAINT "_GroupToUser_A_fkey" FOREIGN KEY ("A") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "_GroupToUser_B_fkey" FOREIGN KEY ("B") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "_GroupToUser_AB_unique" ON "_GroupToUser"("A", "B");
CREATE INDEX "_GroupToUser_B_index" ON "_GroupToUser"("B");
'''


# -- pure: the constructs the corpus showed ------------------------------------------
def test_scalar_lists_are_nullable_as_prisma_writes_them():
    users = schema_from_prisma(SCHEMA, PG).table("User")
    assert users.column("tags").nullable and users.column("tags").type == "TEXT[]"
    assert not users.column("email").nullable


def test_many_to_many_is_keyed_by_a_primary_key_on_postgresql_only():
    join = schema_from_prisma(SCHEMA, PG).table("_GroupToUser")
    assert (join.primary_key.columns, join.primary_key.name) == (("A", "B"), "_GroupToUser_AB_pkey")
    assert [(i.name, i.columns, i.unique) for i in join.indexes] == [
        ("_GroupToUser_B_index", ("B",), False)]
    for dialect in (MY, LITE):
        other = schema_from_prisma(SCHEMA.replace("  tags      String[]\n", ""), dialect) \
            .table("_GroupToUser")
        assert other.primary_key is None
        assert [i.name for i in other.indexes] == ["_GroupToUser_AB_unique",
                                                   "_GroupToUser_B_index"]


def test_sqlite_primary_keys_are_unnamed_unless_mapped():
    s = schema_from_prisma(LITE_SCHEMA, LITE)
    assert s.table("User").primary_key.name is None
    mapped = schema_from_prisma("model A {\n  id Int @id(map: \"a_key\")\n}", LITE)
    assert mapped.table("A").primary_key.name == "a_key"
    assert schema_from_prisma(LITE_SCHEMA, PG).table("User").primary_key.name == "User_pkey"


@pytest.mark.parametrize("written, stored", [
    ("2020-01-01T00:00:00Z", "'2020-01-01 00:00:00'"),
    ("2024-05-01T12:30:00.250+02:00", "'2024-05-01 10:30:00.25'"),
    ("1970-01-01 00:00:00", "'1970-01-01 00:00:00'"),
])
def test_datetime_defaults_are_read_as_the_database_stores_them(written, stored):
    text = f'model A {{\n  id Int @id\n  at DateTime @default("{written}")\n}}'
    assert schema_from_prisma(text, PG).table("A").column("at").default == stored


def test_a_datetime_default_that_is_no_time_is_refused():
    with pytest.raises(ParseError, match="not an ISO-8601 time"):
        schema_from_prisma('model A {\n  id Int @id\n  at DateTime @default("soon")\n}', PG)


def test_referential_integrity_is_the_old_name_of_relation_mode():
    text = SCHEMA.replace('url = env("DATABASE_URL")',
                          'url = env("DATABASE_URL")\n  referentialIntegrity = "prisma"')
    assert all(not t.foreign_keys for t in schema_from_prisma(text, PG).tables.values())
    assert schema_from_prisma(SCHEMA, PG).table("Post").foreign_keys


def test_extensions_a_schema_uses_without_listing_them_are_created():
    text = '''model A {
      id    Int    @id
      name  String @db.Citext
      title String
      @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
    }'''
    assert schema_from_prisma(text, PG).extensions == {"citext", "pg_trgm"}
    spatial = 'model P {\n  id Int @id\n  at Unsupported("\\"public\\".geography")?\n}'
    assert schema_from_prisma(spatial, PG).extensions == {"postgis"}
    assert schema_from_prisma(spatial, LITE).extensions == frozenset()
    assert schema_from_prisma(SCHEMA, PG).extensions == frozenset()


def test_a_schema_folder_is_read_as_one_schema(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "schema.prisma").write_text(
        'datasource db { provider = "postgresql" url = env("U") }\n'
        'model User {\n  id Int @id\n  posts Post[]\n}\n')
    (tmp_path / "models" / "post.prisma").write_text(
        "model Post {\n  id Int @id\n  userId Int\n"
        "  user User @relation(fields: [userId], references: [id])\n}\n")
    s = schema_from_prisma(read_prisma_folder(tmp_path), PG)
    assert set(s.tables) == {"User", "Post"}
    assert s.table("Post").foreign_keys[0].name == "Post_userId_fkey"
    with pytest.raises(ConfigError, match="no .prisma files"):
        read_prisma_folder(tmp_path / "models" / "nothing")


# -- against Prisma's own DDL on the engines -----------------------------------------
def _run_script(url: str, backend: str, script: str) -> None:
    if backend == "sqlite":
        import sqlite3
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript(script)
        conn.close()
        return
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(script)


@pytest.mark.parametrize("backend, text, script", [
    ("postgresql", SCHEMA, PRISMA_PG), ("sqlite", LITE_SCHEMA, PRISMA_LITE)])
def test_prisma_ddl_and_dbwork_reading_are_the_same_objects(database, backend, text, script):
    import dbwork
    _run_script(database, backend, script)
    wb = dbwork.connect(database)
    try:
        want = schema_from_prisma(text, wb.dialect)
        left = plan_schema(want, wb.schema(), wb.dialect)
        assert [op.describe() for op in left.ops] == []
    finally:
        wb.close()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_dbwork_builds_what_prisma_builds_and_rolls_it_back(database, backend, tmp_path):
    """Applied by dbwork, introspected, then compared with the database that Prisma's
    own DDL built: the same names and keys on both."""
    import dbwork
    text = SCHEMA if backend == "postgresql" else LITE_SCHEMA
    (tmp_path / "schema.prisma").write_text(text)
    wb = dbwork.connect(database, migrations=tmp_path / "migrations")
    try:
        assert wb.migrate_to("prisma", str(tmp_path / "schema.prisma")).status == "applied"
        ours = wb.schema()
        names = {(t.name, t.primary_key.name if t.primary_key else None,
                  tuple(sorted(i.name for i in t.indexes)),
                  tuple(sorted(f.name or "" for f in t.foreign_keys)))
                 for t in ours.tables.values() if not t.name.startswith("dbwork")}
        if backend == "postgresql":
            assert ("_GroupToUser", "_GroupToUser_AB_pkey", ("_GroupToUser_B_index",),
                    ("_GroupToUser_A_fkey", "_GroupToUser_B_fkey")) in names
            assert ours.enums == {"Role": ("USER", "ADMIN")}
        else:
            assert ("User", None, ("User_email_key",), ()) in names
        wb.rollback()
        assert not [t for t in wb.schema().tables if not t.startswith("dbwork")]
    finally:
        wb.close()


MY_SCHEMA = '''
datasource db { provider = "mysql" url = env("DATABASE_URL") }

enum Role {
  USER
  ADMIN  @map("admin")
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  role      Role     @default(USER)
  createdAt DateTime @default(now())
  posts     Post[]
}

model Post {
  id       String @id @default(uuid())
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
'''

# prisma migrate's MySQL DDL: inline ENUM, keys inside CREATE TABLE, foreign keys after
PRISMA_MY = [
    """CREATE TABLE `User` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(191) NOT NULL,
    `role` ENUM('USER', 'admin') NOT NULL DEFAULT 'USER',
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `User_email_key`(`email`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci""",
    """CREATE TABLE `Post` (
    `id` VARCHAR(191) NOT NULL,
    `authorId` INTEGER NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci""",
    "ALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) "
    "REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE",
]


def test_mysql_enums_are_inline_enum_columns():
    col = schema_from_prisma(MY_SCHEMA, MY).table("User").column("role")
    assert (col.type, col.default) == ("ENUM('USER', 'admin')", "'USER'")
    assert schema_from_prisma(MY_SCHEMA, MY).enums == {}


@pytest.mark.parametrize("backend", ["mariadb"])
def test_prisma_mysql_ddl_and_dbwork_reading_are_the_same_objects(database, backend, tmp_path):
    import sqlalchemy as sa

    import dbwork
    engine = sa.create_engine(database.replace("mariadb://", "mysql+pymysql://"))
    with engine.begin() as c:
        for statement in PRISMA_MY:
            c.exec_driver_sql(statement)
    engine.dispose()
    wb = dbwork.connect(database, migrations=tmp_path / "migrations")
    try:
        want = schema_from_prisma(MY_SCHEMA, wb.dialect)
        assert [op.describe() for op in plan_schema(want, wb.schema(), wb.dialect).ops] == []
    finally:
        wb.close()
