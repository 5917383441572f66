"""Which lock each operation takes on PostgreSQL, and a rough estimate of how long
it holds it (pure; the row counts come from :class:`~dbwork.plan.facts.Facts`).

The model is deliberately simple and stated as an estimate: seconds = rows / rate,
with one rate per kind of work (rewrite, scan, index build), measured roughly on a
small machine. It orders risks; it does not promise a duration.

>>> from dbwork.model import Index
>>> from dbwork.ops import CreateIndex
>>> from dbwork.plan.facts import Facts
>>> lock_level(CreateIndex(Index("ix", "t", ("a",))))
'SHARE'
>>> estimate(CreateIndex(Index("ix", "t", ("a",))), Facts(rows={"t": 2_000_000}))["seconds"]
2.0
"""
from __future__ import annotations

from ..model.schema import ForeignKey, PrimaryKey, Unique
from ..ops.data_ops import BackupRows, RestoreRows
from ..ops.schema_ops import (AddColumn, AddConstraint, AlterColumn, CreateIndex,
                              CreateTable, DropIndex,
                              RawSQL)
from ..plan.facts import Facts

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
ACCESS_SHARE = "ACCESS SHARE"

# rows per second, rough figures for a 2-core machine (an estimate, stated as one)
RATES = {"rewrite": 400_000, "scan": 2_000_000, "index": 1_000_000, "copy": 500_000,
         "update": 200_000, "none": None}

BLOCKS = {ACCESS_EXCLUSIVE: "reads and writes", SHARE: "writes",
          SHARE_ROW_EXCLUSIVE: "writes", SHARE_UPDATE_EXCLUSIVE: "other schema changes and VACUUM",
          ROW_EXCLUSIVE: "conflicting row writers", ACCESS_SHARE: "nothing but ACCESS EXCLUSIVE"}


def lock_level(op) -> str | None:
    """PostgreSQL's table lock for ``op`` (None: takes no table lock worth naming)."""
    from ..plan.online import AddConstraintNotValid, BackfillColumn, ValidateConstraint
    if isinstance(op, CreateIndex):
        return SHARE_UPDATE_EXCLUSIVE if op.concurrently else SHARE
    if isinstance(op, DropIndex):
        return SHARE_UPDATE_EXCLUSIVE if op.concurrently else ACCESS_EXCLUSIVE
    if isinstance(op, ValidateConstraint):
        return SHARE_UPDATE_EXCLUSIVE
    if isinstance(op, AddConstraintNotValid):
        return SHARE_ROW_EXCLUSIVE if isinstance(op.constraint, ForeignKey) else ACCESS_EXCLUSIVE
    if isinstance(op, AddConstraint) and isinstance(op.constraint, ForeignKey):
        return SHARE_ROW_EXCLUSIVE
    if isinstance(op, (BackfillColumn, RawSQL, RestoreRows)):
        return ROW_EXCLUSIVE
    if isinstance(op, BackupRows):
        return ACCESS_SHARE
    if isinstance(op, CreateTable):
        return None
    return ACCESS_EXCLUSIVE


def work_kind(op) -> str:
    """What the operation does to every row: rewrite, scan, index, copy or none."""
    from ..plan.online import BackfillColumn, ValidateConstraint
    if isinstance(op, AlterColumn):
        if op.before.type != op.after.type:
            return "rewrite"
        return "scan" if op.before.nullable and not op.after.nullable else "none"
    if isinstance(op, CreateIndex):
        return "index"
    if isinstance(op, AddConstraint):
        c = op.constraint
        return "index" if isinstance(c, (Unique, PrimaryKey)) else "scan"
    if isinstance(op, ValidateConstraint):
        return "scan"
    if isinstance(op, AddColumn):
        from ..lint.columns import _volatile
        return "rewrite" if _volatile(op.column.default) or op.column.autoincrement else "none"
    if isinstance(op, (BackupRows, RestoreRows)):
        return "copy"
    if isinstance(op, (BackfillColumn, RawSQL)):
        return "update"
    return "none"


def estimate(op, facts: Facts) -> dict:
    """{'table', 'lock', 'blocks', 'work', 'rows', 'seconds'} for one operation."""
    tables = [t for t in op.tables() if not t.startswith("_dbwork")]
    table = tables[0] if tables else None
    rows = facts.row_count(table) if table else None
    kind = work_kind(op)
    rate = RATES[kind]
    seconds = round(rows / rate, 3) if rows is not None and rate else (0.0 if rate is None else None)
    level = lock_level(op)
    return {"operation": op.describe(), "table": table, "lock": level,
            "blocks": BLOCKS.get(level, "") if level else "", "work": kind,
            "rows": rows, "seconds": seconds}


def lock_report(ops, facts: Facts) -> list[dict]:
    """One :func:`estimate` per operation that locks an existing table."""
    return [estimate(op, facts) for op in ops if lock_level(op) and op.tables()]


def lock_warnings(report: list[dict]) -> list[str]:
    """Lines for the migration's warnings: heavy locks held over real work."""
    out = []
    for r in report:
        if r["lock"] in (ACCESS_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE) and r["work"] != "none" \
                and r["rows"]:
            out.append(f"lock: {r['operation']} holds {r['lock']} on {r['table']} "
                       f"(blocks {r['blocks']}) over {r['rows']} rows, "
                       f"estimated ~{r['seconds']:g} s (rough rows-per-second model)")
    return out
