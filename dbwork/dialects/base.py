"""What a dialect is: capability flags plus a few overrides, nothing else.

A backend is added with one file here that builds a :class:`Dialect`, plus one small
module in introspect/, render/ and execute/locks under the same name.

>>> from dbwork.dialects import get_dialect
>>> get_dialect("postgresql").transactional_ddl
True
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Dialect:
    name: str                      # our name, also the module name in every layer
    sqlglot: str | None            # sqlglot reader/writer name (None: not SQL)
    alembic: str | None            # SQLAlchemy/Alembic dialect name
    transactional_ddl: bool        # can DDL and the history row commit together?
    lock: str                      # how apply/rollback are serialised
    family: str = "sql"            # "sql" or "document"
    native_alter: bool = True      # False: ALTERs are table rebuilds (SQLite)
    concurrent_index: bool = False
    # neutral type -> type text this dialect writes (identity when absent)
    type_names: dict[str, str] = field(default_factory=dict)
    # type text this dialect reports -> neutral type (applied after sqlglot's parse)
    type_aliases: dict[str, str] = field(default_factory=dict)
    # sqlglot type names this dialect keeps as they are instead of folding them into a
    # neutral family name (MySQL's LONGBLOB is not a BLOB: folding it loses values)
    native_types: frozenset = frozenset()
    can_run_here: bool = True      # False: render only (SQL Server)
    note: str = ""
    # longest identifier the engine keeps (PostgreSQL 63 bytes, MySQL 64 characters)
    max_identifier: int | None = None
    max_identifier_bytes: bool = False   # True: the limit counts UTF-8 bytes
    # True: the engine cuts a longer name to the limit (PostgreSQL, with a NOTICE)
    # rather than refusing it (MySQL)
    cuts_long_identifiers: bool = False
    # how the engine folds an unquoted name ("lower": PostgreSQL; None: kept as written)
    folds_unquoted: str | None = None
    # capabilities the core reads instead of asking for a name (see docs/ARCHITECTURE.md)
    relational: bool = True            # tables, foreign keys, row and table locks
    online_ddl: bool = False           # online=True has non-blocking rewrites (PostgreSQL)
    indexes_foreign_keys: bool = False  # the engine indexes a foreign key itself (MySQL)
    restores_column_position: bool = False  # a re-added column goes back in place
    enum_types: bool = False           # named enum types (CREATE TYPE ... AS ENUM)
    partial_indexes: bool = True       # CREATE INDEX ... WHERE
    exclusion_constraints: bool = False  # ADD CONSTRAINT x EXCLUDE USING gist (...)
    comments: bool = True              # tables and columns keep a comment
    unique_constraints: bool = True    # False: a UNIQUE is a unique index (MySQL)
    reports_autoincrement: bool = True  # False: the catalog does not say (SQLite's rowid)
    long_text: str = "TEXT"            # the type of unbounded text dbwork's own tables use
    schema_option: bool = False        # a URL's ?schema= selects a namespace (PostgreSQL)
    identity_columns: bool = False     # GENERATED ALWAYS AS IDENTITY (PostgreSQL)
    restores_counters: bool = False    # a dropped table's restore continues its counters
    verifies_restores: bool = True     # restores prove their values (verify_restore)
    except_all: bool = True            # EXCEPT ALL (SQLite has only EXCEPT)
    drop_temporary_table: str = "DROP TABLE"   # how a temporary table is dropped
    extensions: bool = False           # CREATE EXTENSION (PostgreSQL)
    null_default_is_none: bool = False  # a reported DEFAULT NULL means none (MySQL)
    typeless_columns: bool = False     # a column may have no type (SQLite)
    alter_type_using: bool = False     # ALTER COLUMN ... TYPE ... USING expr (PostgreSQL)
    names_unnamed_constraints: bool = False  # an unnamed FK/UNIQUE is <table>_<cols>_fkey/_key
    engine_options: bool = False       # CREATE TABLE ... ENGINE=, CHARSET=, COLLATE= (MySQL)
    drop_trigger_on_table: bool = True  # DROP TRIGGER t ON table (trigger names per table)
    drop_routine_signature: bool = True  # DROP FUNCTION f(argument types)
    boolean_literals: bool = True      # TRUE/FALSE (False: 1/0)
    backslash_escapes: bool = False    # a backslash in a string literal escapes (MySQL)
    param_mark: str = "%s"             # the driver's parameter placeholder
    admin_database: str | None = None  # the database to connect to for CREATE DATABASE
    drop_database_force: str = ""      # what DROP DATABASE adds to end its sessions
    display_name: str = ""             # the engine's name as people write it
    random_function: str = "RANDOM()"  # a random number per row (ORDER BY it to sample)
    array_columns: bool = False        # a column holds a list (TEXT[])
    inline_enums: bool = False         # a column's own ENUM('a', 'b') type (MySQL)
    time_precision_in_now: bool = False  # CURRENT_TIMESTAMP(n) carries the column's
    #                                      precision, and precision 0 is reported bare (MySQL)
    named_primary_keys: bool = True    # False: every primary key is called PRIMARY (MySQL)
    default_primary_key_name: bool = True  # an unnamed primary key is <table>_pkey
    prisma_join_primary_key: bool = False  # Prisma's many-to-many tables get a primary
    #                                        key, not a unique index (Prisma 6, PostgreSQL)
    # Prisma scalar -> the type prisma migrate writes (empty: the PostgreSQL connector's,
    # Prisma's reference, in dbwork.diff.prisma)
    prisma_types: dict[str, str] = field(default_factory=dict)
    prisma_name_limit: int = 63        # Prisma connector's max_identifier_length
    prisma_providers: tuple[str, ...] = ()  # datasource providers that mean this engine
    # neutral type base -> what this engine makes of it, when a cell written for another
    # engine uses it (MySQL's TIMESTAMP has no time zone): a warning, not a refusal
    lossy_types: dict[str, str] = field(default_factory=dict)

    def quote(self, name: str) -> str:
        """``name`` as this dialect must write it: quoted where it is mixed case, a
        reserved word, or holds characters beyond letters, digits and ``_``/``$``
        (SQLAlchemy's rules, so it agrees with the DDL Alembic writes); case is kept.

        >>> from dbwork.dialects import get_dialect
        >>> pg, my = get_dialect("postgresql"), get_dialect("mysql")
        >>> pg.quote("users"), pg.quote("User"), pg.quote("order"), pg.quote('we"ird')
        ('users', '"User"', '"order"', '"we""ird"')
        >>> my.quote("Order"), my.quote("a`b")
        ('`Order`', '`a``b`')
        """
        return quote(name, self)

    def qualified(self, *parts: str | None) -> str:
        """A dotted name with every part quoted (None parts are left out).

        >>> from dbwork.dialects import get_dialect
        >>> get_dialect("postgresql").qualified("app", "User")
        'app."User"'
        """
        return ".".join(self.quote(p) for p in parts if p is not None)

    def fit(self, name: str) -> str:
        """A name dbwork generates, cut to what the engine keeps: unchanged when it fits,
        else shortened deterministically with a hash of the whole name, so two long
        names stay distinct and the same name always gives the same result.

        >>> from dbwork.dialects import get_dialect
        >>> n = get_dialect("postgresql").fit("_dbwork_bak_20240101000000_1_" + "x" * 60)
        >>> len(n.encode()), n == get_dialect("postgresql").fit("_dbwork_bak_20240101000000_1_" + "x" * 60)
        (63, True)
        """
        if self.max_identifier is None or self.identifier_length(name) <= self.max_identifier:
            return name
        digest = "_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        head = name
        while self.identifier_length(head + digest) > self.max_identifier:
            head = head[:-1]
        return head + digest

    def identifier_length(self, name: str) -> int:
        """The length the engine counts: UTF-8 bytes on PostgreSQL, characters elsewhere."""
        return len(name.encode("utf-8")) if self.max_identifier_bytes else len(name)

    def cut_identifier(self, name: str) -> str:
        """``name`` cut to the engine's limit as the engine cuts it: whole characters
        only (PostgreSQL's pg_mbcliplen).

        >>> from dbwork.dialects import get_dialect
        >>> len(get_dialect("postgresql").cut_identifier("a" * 62 + "éé").encode())
        62
        """
        if self.max_identifier is None:
            return name
        while self.identifier_length(name) > self.max_identifier:
            name = name[:-1]
        return name


def quote(name: str, dialect: Dialect) -> str:
    """The one quoting rule: ``name`` as ``dialect`` writes it in every statement dbwork
    generates (DDL, data checks, backups, restores, history, lint, copies). Quoted when
    it is mixed case, a reserved word or holds anything beyond letters, digits, ``_``
    and ``$`` (SQLAlchemy's IdentifierPreparer, so it agrees with what Alembic writes);
    the case is always kept. :meth:`Dialect.quote` is this function.

    >>> from dbwork.dialects import get_dialect
    >>> quote("AccountType", get_dialect("postgresql")), quote("order", get_dialect("mysql"))
    ('"AccountType"', '`order`')
    >>> quote("a b", get_dialect("sqlite"))
    '"a b"'
    """
    if not isinstance(name, str) or not name:
        from ..errors import ConfigError
        raise ConfigError(f"an identifier must be a non-empty string, not {name!r}")
    return _preparer(dialect.alembic or "sqlite").quote(name)


def fold_unquoted(tree, dialect: Dialect):
    """A sqlglot tree with unquoted names as ``dialect``'s engine stores them
    (PostgreSQL lower-cases them); quoted names keep their case and quotes
    (``Identifier.quoted``). Every reader of a person's SQL goes through it, so the
    model names what the engine made.

    >>> import sqlglot
    >>> from dbwork.dialects import get_dialect
    >>> t = sqlglot.parse_one('CREATE TABLE Post (Id INT, "userId" INT)', read="postgres")
    >>> fold_unquoted(t, get_dialect("postgresql")).sql("postgres")
    'CREATE TABLE post (id INT, "userId" INT)'
    """
    if dialect.folds_unquoted != "lower" or tree is None:
        return tree
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
    return normalize_identifiers(tree, dialect="postgres")


@lru_cache(maxsize=None)
def _preparer(sa_name: str):
    """SQLAlchemy's IdentifierPreparer for a dialect name (no driver is imported).
    Named parameters: dbwork's statements run without driver parameters, so a ``%``
    in a name is written once (a pyformat preparer would double it)."""
    from sqlalchemy.dialects import registry
    return registry.load(sa_name)(paramstyle="named").identifier_preparer
