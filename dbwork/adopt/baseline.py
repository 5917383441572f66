"""Adoption: record the live schema as dbwork's baseline migration, without running it.

The choice, and why:

- Its **up** is the CREATE statements of the live schema (tables in dependency order,
  then the foreign keys of cycles, as the diff orders them). It is recorded in
  dbwork's history as *applied* without running, so it never runs on this database;
  ``upgrade`` on a fresh, empty database runs it like any migration file and builds the
  schema the older tool had built, so new dbwork migrations continue from it there too.
- Other tools' bookkeeping tables (alembic_version, _prisma_migrations, ...) are left
  out: they belong to those tools.
- Its **down** is empty. A baseline is the floor of dbwork's history: undoing it would
  drop every table the older tool made, with its rows and without backups. Rolling it
  back only marks it rolled back; the tables stay.

>>> from dbwork.model import Column, PrimaryKey, Schema, Table
>>> from dbwork.dialects import get_dialect
>>> s = Schema.of(Table("t", (Column("id", "INTEGER", False),), PrimaryKey(("id",))))
>>> steps = baseline_steps(s, get_dialect("sqlite"))
>>> [(st.comment, st.reverse) for st in steps]
[('create table t (1 columns)', [])]
"""
from __future__ import annotations

from ..dialects.base import Dialect
from ..errors import ConfigError
from ..migration import Migration, Step
from ..model.schema import Schema

BASELINE_NOTE = ("baseline: the schema as it was when dbwork adopted this database; "
                 "recorded as applied without running; its rollback changes nothing")


def baseline_steps(schema: Schema, dialect: Dialect) -> list[Step]:
    """Steps that build ``schema`` from nothing, with no reverse statements."""
    from ..diff.core import TOOL_TABLES, diff
    from ..plan.steps import plan_steps
    schema = Schema({n: t for n, t in schema.tables.items() if n not in TOOL_TABLES})
    ops = diff(Schema(), schema, dialect)
    if not ops:
        raise ConfigError("the database has no tables to adopt: start with wb.migrate()")
    steps = plan_steps(ops, Schema(), dialect, reversible=False)
    for st in steps:
        st.reverse = []
    return steps


def record_baseline(wb, name: str = "baseline") -> Migration:
    """Write the baseline migration file and its history row (status applied) for
    ``wb``'s live schema, under dbwork's lock. Refused when dbwork already has history."""
    from ..execute.runner import now_iso, record
    from ..parse.cell import validate_name
    validate_name(name)
    with wb.backend.session(wb.lock_timeout) as s:
        if s.history():
            raise ConfigError("this database already has dbwork history: adopt() is for "
                              "a database that dbwork has not changed yet")
        schema = s.introspect()
        version = wb._new_version(s)
        m = Migration(version, name, baseline_steps(schema, wb.dialect), parent=None,
                      dialect=wb.dialect.name, created=now_iso(),
                      source="-- " + BASELINE_NOTE, warnings=[BASELINE_NOTE])
        m.status, m.applied_at, m.duration_ms = "applied", now_iso(), 0
        m.steps_done = len(m.steps)
        m.source_checksum = m.checksum
        m.tables = tuple(sorted(schema.tables))
        record(s, m, "applied", "applied")  # a row and its event
        s.commit()
    m.path = str(wb.files.write(m))
    m.notes.append("recorded as applied: nothing was run")
    return m
