"""Fixtures for the detection tests: run detect() on a fixture project by name.

Detection runs from inside tests/fixtures/detect with a relative path, so paths and
sqlite URLs in the results are stable whatever the checkout's location.
"""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "detect"


@pytest.fixture
def run(monkeypatch):
    """``run("prisma_env")`` -> Detection of that fixture project."""
    from dbwork.detect import detect

    monkeypatch.chdir(FIXTURES)

    def _run(name: str, **options):
        return detect(name, **options)
    return _run
