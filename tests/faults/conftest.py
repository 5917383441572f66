"""The fault suite shares the backend fixtures (fresh databases per test) of
tests/backends/conftest.py: they are loaded from there, not copied."""
from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "dbwork_backend_fixtures", Path(__file__).resolve().parents[1] / "backends" / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

backend = _fixtures.backend
backend_url = _fixtures.backend_url
wb = _fixtures.wb
make_wb = _fixtures.make_wb
create_database = _fixtures.create_database


import pytest  # noqa: E402


@pytest.fixture
def make_target(tmp_path):
    """``url, wb = make_target("mariadb")``: a fresh database and a Workbench on it, for
    tests that also hand the URL to a child process; every database is dropped after."""
    import dbwork
    made = []

    def make(kind: str):
        where = tmp_path / f"target{len(made)}"
        where.mkdir()
        url, drop = create_database(kind, where)
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
