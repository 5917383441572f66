"""Lint from the files alone, with no database: what CI runs on a pull request.

Every statement is parsed against an empty schema (tables and columns it names are
stood in for, as :func:`dbwork.safety.lint_text` does for a live database that lacks
them), so every statement-level finding is reported; no row is counted, so DW108 says
it did not count rows instead of claiming "a table with rows". Malformed SQL is a
ParseError with line and column, including a statement whose verb no engine knows
(sqlglot keeps ``CREATE TABLEE t (...)`` as an opaque command rather than failing).

>>> from dbwork.dialects import get_dialect
>>> [f.rule for f in lint_offline("ALTER TABLE users DROP COLUMN email;", get_dialect("sqlite"))]
['DW102']
>>> lint_offline("SELECT 1;\\n  CREATE TABLEE t (id INT);", get_dialect("sqlite"))
Traceback (most recent call last):
...
dbwork.errors.ParseError: malformed SQL: 'CREATE TABLEE' is not a statement (line 2, column 3)
"""
from __future__ import annotations

import re

from ..errors import ParseError
from ..model import Schema
from ..lint import lint_ops

# the first word of a statement, and for CREATE / ALTER / DROP the next one
_VERBS = frozenset(
    "ALTER ANALYZE BEGIN CALL CHECKPOINT CLUSTER COMMENT COMMIT COPY CREATE DEALLOCATE "
    "DECLARE DELETE DISCARD DO DROP END EXECUTE EXPLAIN GRANT IMPORT INSERT LOAD LOCK "
    "MERGE NOTIFY OPTIMIZE PRAGMA PREPARE REASSIGN REFRESH REINDEX RELEASE RENAME REPAIR "
    "REPLACE RESET REVOKE ROLLBACK SAVEPOINT SECURITY SELECT SET SHOW START TRUNCATE "
    "UPDATE UPSERT USE VACUUM VALUES WITH".split())
_OBJECTS = frozenset(
    "ACCESS AGGREGATE ALGORITHM CAST COLLATION COLUMN CONSTRAINT CONVERSION DATABASE "
    "DEFAULT DEFINER DOMAIN EVENT EXTENSION FOREIGN FULLTEXT FUNCTION GLOBAL GROUP IF "
    "INDEX LANGUAGE LOCAL MATERIALIZED OPERATOR OR OWNED POLICY PROCEDURE PUBLICATION "
    "RECURSIVE ROLE ROUTINE RULE SCHEMA SEQUENCE SERVER SPATIAL SQL STATISTICS "
    "SUBSCRIPTION SYSTEM TABLE TABLESPACE TEMP TEMPORARY TEXT TRANSFORM TRIGGER TYPE "
    "UNIQUE UNLOGGED USER VIEW VIRTUAL".split())
_WORD = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*([A-Za-z_]+)(?:\s+([A-Za-z_]+))?", re.S)


def lint_offline(text: str, dialect, source=None) -> list:
    """Lint findings for migration ``text`` with no database (pure)."""
    from ..parse.cell import split_cell, split_statements
    from . import _parse_offline
    cell = split_cell(text)
    for st in split_statements(cell.up, dialect.name, cell.up_line):
        check_verb(st.text, st.line, st.column)
    ops, schema, _ = _parse_offline(cell, dialect, Schema(), source)
    return lint_ops(ops, schema, dialect)


def check_verb(statement: str, line: int, column: int = 1) -> None:
    """A ParseError (with line and column) when ``statement`` does not start with a
    statement verb any engine knows, or CREATE / ALTER / DROP with no object kind."""
    m = _WORD.match(statement)
    if not m:
        return
    verb, obj = m.group(1).upper(), (m.group(2) or "").upper()
    bad = verb not in _VERBS or (verb in ("CREATE", "ALTER", "DROP") and obj not in _OBJECTS)
    if bad:
        shown = f"{verb} {obj}".strip() if verb in _VERBS else verb
        before = statement[:m.start(1)]
        row = line + before.count("\n")
        col = len(before) - before.rfind("\n") if "\n" in before else column + len(before)
        raise ParseError(f"malformed SQL: {shown!r} is not a statement", row, col)
