"""Issue 10 point 3: Prisma schemas as real projects write them, built as ``prisma
migrate`` builds them. Each construct found in the public-project corpus
(scripts/corpus_schemas.py) has a small fixture here: pure tests of the schema dbwork
reads, and the same schemas applied on SQLite, PostgreSQL and MariaDB with convergence
(introspect, diff again = nothing) and rollback (back to empty) asserted."""
from __future__ import annotations

import pytest

from dbwork.dialects import get_dialect
from dbwork.diff.desired import plan_schema
from dbwork.diff.prisma import prisma_provider, schema_from_prisma
from dbwork.errors import ConfigError, ParseError

PG, MY, LITE = (get_dialect(n) for n in ("postgresql", "mysql", "sqlite"))

# the constructs every SQL provider has, in the spellings the corpus uses
CORE = '''
/* a block comment
   spanning lines */
datasource db { provider = "postgresql" url = env("DATABASE_URL") }
generator client { provider = "prisma-client-js" }

/// a documented model
model User {
  id        Int       @id @default(autoincrement())
  email     String    @unique(map: "users_email_unique")
  name      String?   @default("") // trailing comment with a "quote"
  score     Decimal   @default(0) @db.Decimal(10, 2)
  active    Boolean   @default(true)
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt
  posts     Post[]
  tags      Tag[]
  following User[]    @relation("Follows")
  followers User[]    @relation("Follows")
  managerId Int?
  manager   User?     @relation("Reports", fields: [managerId], references: [id])
  reports   User[]    @relation("Reports")
  @@map(name: "accounts")
  @@index(managerId)
}

model Post {
  id       Int     @id @default(autoincrement())
  title    String  @db.VarChar(200)
  authorId Int
  author   User    @relation(fields: [authorId], references: [id], onDelete: Cascade, onUpdate: Cascade)
  slug     String
  kind     String  @default("draft")
  tags     Tag[]
  @@unique([authorId, slug])
  @@index(fields: [title], name: "post_title_lookup")
  @@index([authorId, kind], map: "post_author_kind")
}

model Tag {
  id    Int    @id @default(autoincrement())
  label String @unique
  users User[]
  posts Post[]
}

model Membership {
  userId Int
  tagId  Int
  role   String
  @@id([userId, tagId])
}
'''

# PostgreSQL-only constructs: enums (with @map values), scalar lists, native types,
# extensions, index methods, sort orders and operator classes
PG_ONLY = '''
datasource db {
  provider   = "postgresql"
  url        = env("DATABASE_URL")
  extensions = [citext, pg_trgm]
}

enum Role {
  ADMIN  @map("admin")
  MEMBER @map("member")
  @@map("user_role")
}

enum Status {
  Draft
  Published
}

model Document {
  id        String   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  title     String   @db.Text
  email     String   @db.Citext
  role      Role     @default(MEMBER)
  status    Status   @default(Draft)
  statuses  Status[] @default([Draft])
  labels    String[] @default([])
  amount    Decimal  @db.Money
  ip        String?  @db.Inet
  meta      Json     @default("{\\"a\\": 1, \\"b\\": [true]}") @db.JsonB
  small     Int      @db.SmallInt
  big       BigInt
  ratio     Float    @db.DoublePrecision
  at        DateTime @default(now()) @db.Timestamptz(6)
  tsv       Unsupported("tsvector")?
  @@index([at(sort: Desc)])
  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
  @@index([email], type: Hash)
}
'''


def test_named_and_bare_arguments():
    s = schema_from_prisma(CORE, PG)
    assert "accounts" in s.tables and "User" not in s.tables
    users, posts = s.table("accounts"), s.table("Post")
    assert {i.name: (i.columns, i.unique) for i in users.indexes} == {
        "users_email_unique": (("email",), True), "accounts_managerId_idx": (("managerId",), False)}
    assert {i.name: (i.columns, i.unique) for i in posts.indexes} == {
        "Post_authorId_slug_key": (("authorId", "slug"), True),
        "post_title_lookup": (("title",), False),
        "post_author_kind": (("authorId", "kind"), False)}
    assert s.table("Membership").primary_key.columns == ("userId", "tagId")
    assert s.table("Membership").primary_key.name == "Membership_pkey"


def test_prisma_names_objects_as_prisma_does():
    s = schema_from_prisma(CORE, PG)
    post = s.table("Post")
    assert post.primary_key.name == "Post_pkey"
    fk = post.foreign_keys[0]
    assert (fk.name, fk.ref_table, fk.on_delete, fk.on_update) == (
        "Post_authorId_fkey", "accounts", "CASCADE", "CASCADE")
    manager = s.table("accounts").foreign_keys[0]
    # an optional relation without onDelete: SET NULL; onUpdate: CASCADE
    assert (manager.name, manager.on_delete, manager.on_update) == (
        "accounts_managerId_fkey", "SET NULL", "CASCADE")


def test_implicit_many_to_many_tables():
    s = schema_from_prisma(CORE, PG)
    # _AToB: A is the model first in alphabetical order; named relations use the name
    assert {"_PostToTag", "_TagToUser", "_Follows"} <= set(s.tables)
    assert "_Reports" not in s.tables  # a one-to-many self relation has no join table
    j = s.table("_PostToTag")
    assert [(c.name, c.type, c.nullable) for c in j.columns] == [
        ("A", "INTEGER", False), ("B", "INTEGER", False)]
    # PostgreSQL (Prisma 6): the pair is the primary key; elsewhere a unique index
    assert (j.primary_key.columns, j.primary_key.name) == (("A", "B"), "_PostToTag_AB_pkey")
    assert [(i.name, i.columns, i.unique) for i in j.indexes] == [
        ("_PostToTag_B_index", ("B",), False)]
    assert [(i.name, i.columns, i.unique) for i in
            schema_from_prisma(CORE, MY).table("_PostToTag").indexes] == [
        ("_PostToTag_AB_unique", ("A", "B"), True), ("_PostToTag_B_index", ("B",), False)]
    assert [(f.name, f.columns, f.ref_table, f.on_delete, f.on_update) for f in j.foreign_keys] == [
        ("_PostToTag_A_fkey", ("A",), "Post", "CASCADE", "CASCADE"),
        ("_PostToTag_B_fkey", ("B",), "Tag", "CASCADE", "CASCADE")]
    follows = s.table("_Follows")
    assert {f.ref_table for f in follows.foreign_keys} == {"accounts"}
    assert s.table("_TagToUser").foreign_keys[1].ref_table == "accounts"


def test_long_names_are_cut_the_way_prisma_cuts_them():
    model = "A" * 40
    text = f"""model {model} {{
      id Int @id
      someVeryLongFieldNameNumberOne Int
      someVeryLongFieldNameNumberTwo Int
      @@index([someVeryLongFieldNameNumberOne, someVeryLongFieldNameNumberTwo])
      @@unique([someVeryLongFieldNameNumberTwo, someVeryLongFieldNameNumberOne])
    }}"""
    for dialect, limit in ((PG, 63), (MY, 64)):
        t = schema_from_prisma(text, dialect).table(model)
        full = f"{model}_someVeryLongFieldNameNumberOne_someVeryLongFieldNameNumberTwo"
        idx = next(i for i in t.indexes if not i.unique)
        key = next(i for i in t.indexes if i.unique)
        # ConstraintNames: {table}_{cols} cut to (limit - len(suffix)), then the suffix
        assert idx.name == full[:limit - 4] + "_idx" and len(idx.name) == limit
        assert key.name.endswith("_key") and len(key.name) == limit
    short = schema_from_prisma(text, LITE).table(model)
    assert any(i.name.endswith("NumberTwo_idx") for i in short.indexes)  # SQLite: no cut


def test_index_field_arguments_are_kept():
    s = schema_from_prisma(PG_ONLY, PG)
    opts = {i.name: dict(i.options) for i in s.table("Document").indexes}
    assert opts["Document_at_idx"] == {"sort:at": "DESC"}
    assert opts["Document_title_idx"] == {"using": "gin", "ops:title": "gin_trgm_ops"}
    assert opts["Document_email_idx"] == {"using": "hash"}


def test_enums_native_types_and_defaults_on_postgresql():
    s = schema_from_prisma(PG_ONLY, PG)
    assert s.enums == {"user_role": ("admin", "member"), "Status": ("Draft", "Published")}
    assert s.extensions == {"citext", "pg_trgm"}
    cols = {c.name: c for c in s.table("Document").columns}
    assert {n: cols[n].type for n in ("id", "title", "email", "role", "status", "statuses",
                                       "labels", "amount", "ip", "small", "ratio", "at",
                                       "tsv", "meta")} == {
        "id": "UUID", "title": "TEXT", "email": "CITEXT", "role": "user_role",
        "status": '"Status"', "statuses": '"Status"[]', "labels": "TEXT[]",
        "amount": "MONEY", "ip": "INET", "small": "SMALLINT", "ratio": "DOUBLE",
        "at": "TIMESTAMPTZ(6)", "tsv": "TSVECTOR", "meta": "JSONB"}
    assert cols["role"].default == "'member'"      # the @map name of MEMBER
    assert cols["id"].default == "GEN_RANDOM_UUID()"
    assert cols["tsv"].nullable and not cols["at"].nullable


def test_enums_elsewhere_and_lists_refused_on_mysql():
    text = PG_ONLY.replace("  statuses  Status[] @default([Draft])\n", "") \
        .replace("  labels    String[] @default([])\n", "")
    text = text.replace("@db.Citext", "").replace("@db.Money", "").replace("@db.Inet", "") \
        .replace("@db.Uuid", "").replace("@db.JsonB", "").replace("@db.Timestamptz(6)", "")
    s = schema_from_prisma(text, MY)
    assert s.enums == {}
    assert s.table("Document").column("role").type == "ENUM('admin', 'member')"  # @map values
    with pytest.raises(ParseError, match="scalar list"):
        schema_from_prisma(PG_ONLY, MY)


def test_relation_mode_prisma_makes_no_foreign_keys():
    text = CORE.replace('url = env("DATABASE_URL")', 'url = env("X") relationMode = "prisma"')
    s = schema_from_prisma(text, MY)
    assert all(not t.foreign_keys for t in s.tables.values())
    assert "_PostToTag" in s.tables


def test_mongodb_provider_is_refused_for_sql_and_unknown_providers_too():
    mongo = 'datasource db { provider = "mongodb" url = env("U") }\nmodel A { id String @id }'
    assert prisma_provider(mongo) == "mongodb"
    for d in (PG, MY, LITE):
        with pytest.raises(ConfigError, match="provider is mongodb"):
            schema_from_prisma(mongo, d)
    with pytest.raises(ConfigError, match="unknown datasource provider 'oracle'"):
        schema_from_prisma(mongo.replace("mongodb", "oracle"), PG)


@pytest.mark.parametrize("bad, message", [
    ("model A {\n  id Int @id\n  @@index([nosuch])\n}", "not a scalar field"),
    ("model A {\n  id Int @id\n  b Blob\n}", "unsupported field type Blob"),
    ("model A {\n  id Int @id @default(\n}", "expected"),
    ("model A {\n  id Int @id\n", "not closed"),
    ("model A {\n  id Int @id\n  p B @relation(fields: [x], references: [id])\n}\n"
     "model B {\n  id Int @id\n}", "names 'x'"),
])
def test_malformed_schemas_fail_clearly(bad, message):
    with pytest.raises(ParseError, match=message):
        schema_from_prisma(bad, PG)


# -- applied on real engines ---------------------------------------------------------
def _apply_converge_rollback(bench, tmp_path, text, check=None):
    path = tmp_path / "schema.prisma"
    path.write_text(text)
    want = schema_from_prisma(text, bench.dialect)
    m = bench.migrate_to("prisma", str(path))
    assert m.status == "applied"
    live = bench.schema()
    assert plan_schema(want, live, bench.dialect).ops == []
    assert "already applied" in bench.migrate_to("prisma", str(path)).notes[0]
    if check is not None:
        check()
    bench.rollback()
    after = bench.schema()
    assert set(after.tables) <= {"dbwork_history", "dbwork_lock"} or not [
        t for t in after.tables if not t.startswith("dbwork")]
    return live, after


def test_core_constructs_apply_converge_and_roll_back(bench, tmp_path, backend):
    live, _ = _apply_converge_rollback(bench, tmp_path, CORE)
    names = {i.name for t in live.tables.values() for i in t.indexes}
    assert {"users_email_unique", "post_title_lookup",
            "_PostToTag_B_index", "Post_authorId_slug_key"} <= names
    pair = live.table("_PostToTag")
    if backend == "postgresql":
        assert pair.primary_key.name == "_PostToTag_AB_pkey"
    else:
        assert "_PostToTag_AB_unique" in names
    if backend != "sqlite":  # SQLite does not name foreign keys it reports
        fks = {f.name for t in live.tables.values() for f in t.foreign_keys}
        assert {"Post_authorId_fkey", "_PostToTag_A_fkey", "_Follows_B_fkey"} <= fks


def test_postgresql_constructs_apply_converge_and_roll_back(bench, tmp_path, backend):
    if backend != "postgresql":
        pytest.skip("enums, lists, extensions, index methods: PostgreSQL's")
    import sqlalchemy as sa

    def index_ddl():
        engine = sa.create_engine(bench.url.sqlalchemy_url())
        with engine.connect() as c:
            defs = dict(c.execute(sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Document'")).all())
        engine.dispose()
        assert defs["Document_at_idx"].endswith("USING btree (at DESC)")
        assert defs["Document_title_idx"].endswith("USING gin (title gin_trgm_ops)")
        assert defs["Document_email_idx"].endswith("USING hash (email)")
        assert defs["Document_pkey"].startswith("CREATE UNIQUE INDEX")
    live, after = _apply_converge_rollback(bench, tmp_path, PG_ONLY, index_ddl)
    assert live.enums == {"user_role": ("admin", "member"), "Status": ("Draft", "Published")}
    assert {"citext", "pg_trgm"} <= live.extensions
    assert after.enums == {} and not ({"citext", "pg_trgm"} & after.extensions)
