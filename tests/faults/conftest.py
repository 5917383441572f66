"""The fault suite's fixtures: fresh databases per test from tests/conftest.py
(``backend``, ``backend_url``, ``make_wb``) and tests/freshdb.py, not copied."""
from __future__ import annotations

import pytest

import freshdb


@pytest.fixture
def wb(backend_url, tmp_path):
    import dbwork
    w = dbwork.connect(backend_url, migrations=tmp_path / "migrations")
    yield w
    w.close()


@pytest.fixture
def make_target(tmp_path):
    """``url, wb = make_target("mariadb")``: a fresh database and a Workbench on it, for
    tests that also hand the URL to a child process; every database is dropped after."""
    import dbwork
    made = []

    def make(kind: str):
        where = tmp_path / f"target{len(made)}"
        where.mkdir()
        url, drop = freshdb.create_database(kind, where)
        w = dbwork.connect(url, migrations=where / "migrations")
        made.append((w, drop))
        return url, w

    yield make
    for w, drop in made:
        w.close()
        drop()


def _hypothesis_profiles() -> None:
    """CI: a fixed, derandomized run of 200 examples per test, nothing written to disk;
    nightly (DBWORK_FUZZ_PROFILE=nightly, scripts/fuzz_nightly.sh): many more."""
    import os
    try:
        from hypothesis import settings
    except ModuleNotFoundError:  # the dev extra is not installed
        return
    settings.register_profile("ci", max_examples=200, derandomize=True, database=None,
                              deadline=None, print_blob=True)
    settings.register_profile("nightly", max_examples=int(os.environ.get(
        "DBWORK_FUZZ_EXAMPLES", "20000")), database=None, deadline=None, print_blob=True)
    settings.load_profile(os.environ.get("DBWORK_FUZZ_PROFILE", "ci"))


_hypothesis_profiles()
