"""MySQL/MariaDB's SQL rendering: a column put back in place, ON UPDATE, expression
defaults, MODIFY restating the column, prefix lengths, FULLTEXT/SPATIAL, engine
options, constraints MariaDB drops its own way (registered on import)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from ...dialects.base import quote
from ...model.schema import Check, ForeignKey
from ...render.data import counter_backup, reset_counters, same_value, seq_backup, value_fingerprint
from ...render.data import _literal
from ...render.sql import (CONSTRAINT_TYPE, alter_column_options, column_parts, default_text,
                           drop_constraint, index_column_suffix, index_method_options,
                           placed_column, restated_column, set_table_comment, table_options,
                           _execute)

_PLAIN_DEFAULT = re.compile(r"'(?:[^']|'')*'|-?\d+(\.\d+)?|NULL|TRUE|FALSE|b'[01]*'"
                            r"|CURRENT_TIMESTAMP(\(\d?\))?|NOW\(\d?\)|\(.*\)", re.I)


@placed_column.override("mysql")
def _placed(dialect, statements: list[str], op, schema) -> list[str]:
    """MySQL/MariaDB put a column where it stood (``FIRST`` / ``AFTER prev``), so a
    rollback of DROP COLUMN restores the column order too. Alembic has no keyword for
    it: the clause is added to its ADD COLUMN statement."""
    cols = schema.table(op.table).columns
    if op.position is None or op.position >= len(cols):
        return statements
    where = " FIRST" if op.position <= 0 else f" AFTER {quote(cols[op.position - 1].name, dialect)}"
    out = list(statements)
    for i, st in enumerate(out):
        if st.upper().startswith("ALTER TABLE") and " ADD COLUMN " in st.upper():
            out[i] = st + where
            break
    return out


def _with_on_update(c) -> str:
    default = c.default if c.default is not None else "NULL"
    return f"{default} ON UPDATE {c.on_update}"


@column_parts.override("mysql")
def _on_update(dialect, c, type_, kw: dict, args: list):
    if c.on_update is not None:
        # SQLAlchemy writes MySQL's ON UPDATE only as part of the default clause
        kw["server_default"] = sa.text(_with_on_update(c))
    return type_


@default_text.override("mysql")
def _expression_default(dialect, c) -> str:
    if not _PLAIN_DEFAULT.fullmatch(c.default.strip()):
        return f"({c.default})"  # MySQL/MariaDB take an expression default in parentheses
    return c.default


@table_options.override("mysql")
def _engine_options(dialect, t) -> dict:
    """Engine options (ENGINE, CHARSET, COLLATE) as Alembic's keywords."""
    opts = dict(t.options)
    if "collate" in opts and "charset" not in opts:
        opts["charset"] = opts["collate"].split("_", 1)[0]
    return {f"mysql_{k}": v for k, v in opts.items() if k in ("engine", "charset", "collate")}


@alter_column_options.override("mysql")
def _keep_on_update(dialect, o, kw: dict) -> None:
    b, a = o.before, o.after
    if a.on_update or b.on_update:
        # MODIFY restates the column: keep (or change) its ON UPDATE with its default
        if "server_default" not in kw:
            kw["server_default"] = sa.text(a.default) if a.default is not None else None
        if a.on_update is not None:
            kw["server_default"] = sa.text(_with_on_update(a))


@restated_column.override("mysql")
def _modify_restates(dialect, c) -> dict:
    """MySQL's MODIFY/CHANGE restate the whole column: say what it is, or it is lost."""
    kw = {"existing_autoincrement": c.autoincrement}
    if c.on_update is not None:
        kw["existing_server_default"] = sa.text(_with_on_update(c))
    return kw


@index_column_suffix.override("mysql")
def _prefix_length(dialect, column: str, opts: dict) -> str:
    return f"({int(opts[f'length:{column}'])})" if f"length:{column}" in opts else ""


@index_method_options.override("mysql")
def _index_prefix(dialect, using: str) -> dict:
    return {"mysql_prefix": using.upper()} if using in ("fulltext", "spatial") else {}


@drop_constraint.override("mysql")
def _drop_constraint(dialect, op, o, schema) -> None:
    c = o.constraint
    name = c.name or "PRIMARY"
    if isinstance(c, Check):
        op.execute(f"ALTER TABLE {quote(o.table, dialect)} DROP CONSTRAINT {quote(name, dialect)}")
        return  # MariaDB has no DROP CHECK (Alembic writes MySQL 8's spelling)
    op.drop_constraint(name, o.table, type_=CONSTRAINT_TYPE[type(c)])
    if isinstance(c, ForeignKey) and \
            not any(i.name == name for i in schema.table(o.table).indexes):
        # MySQL made an index of that name for the key and keeps it after the key goes
        op.execute(f"ALTER TABLE {quote(o.table, dialect)} DROP INDEX IF EXISTS {quote(name, dialect)}")


@set_table_comment.override("mysql")
def _table_comment(dialect, op, o) -> None:
    if o.after is None:
        _execute(op, f"ALTER TABLE {quote(o.table, dialect)} COMMENT ''")
        return
    set_table_comment.default(dialect, op, o)


# -- backups and restores (render/data.py)
@counter_backup.override("mysql")
def _auto_increment_position(d, op, cols: list[str]) -> list[str]:
    target = quote(seq_backup(op.backup), d)
    return [f"CREATE TABLE {target} AS SELECT {_literal(cols[0])} AS column_name, "
            "AUTO_INCREMENT AS next_value FROM information_schema.TABLES WHERE "
            f"TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {_literal(op.table)}"]


@reset_counters.override("mysql")
def _reset_auto_increment(d, op, schema, kept: list[str]) -> list[str]:
    """MySQL/MariaDB take ``ALTER TABLE t AUTO_INCREMENT = n`` with a literal only: the
    value is computed into a session variable and the statement prepared from it (the
    rollback check accepts PREPARE/EXECUTE as known commands)."""
    if not kept:
        return []
    t, col = quote(op.table, d), quote(kept[0], d)
    return [
        f"SET @dbwork_next = (SELECT GREATEST(COALESCE((SELECT MAX({col}) FROM {t}), 0) + 1, "
        f"COALESCE((SELECT MAX(next_value) FROM {quote(seq_backup(op.backup), d)}), 0)))",
        f"SET @dbwork_sql = CONCAT('ALTER TABLE {t} AUTO_INCREMENT = ', @dbwork_next)",
        "PREPARE dbwork_stmt FROM @dbwork_sql",
        "EXECUTE dbwork_stmt"]   # replaced by the next PREPARE, freed with the session


@same_value.override("mysql")
def _same_bytes(d, a: str, b: str) -> str:
    return f"CAST({a} AS BINARY) <=> CAST({b} AS BINARY)"


@value_fingerprint.override("mysql")
def _bytes(d, col: str) -> str:
    return f"CAST({col} AS BINARY)"
