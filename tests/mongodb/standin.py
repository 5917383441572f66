"""Which MongoDB serves the suite, and how a stand-in gap is marked. A module of its own
(not conftest) so tests can import it whatever other conftest.py pytest loaded last."""
import os

import pytest

REAL_URL = os.environ.get("DBWORK_TEST_MONGODB_URL")
STANDIN = not REAL_URL


def standin_gap(reason: str):
    """xfail(strict) on the stand-in only: on a real server the test must pass."""
    return pytest.mark.xfail(STANDIN, strict=True, reason=f"nx-27017 stand-in: {reason}")
