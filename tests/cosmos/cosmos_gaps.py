"""Which Cosmos DB serves the suite, and how an emulator gap is marked (a module of
its own, not conftest, so tests can import it whatever conftest pytest loaded last)."""
import os

import pytest

REAL_URL = os.environ.get("DBWORK_TEST_COSMOS_URL")
EMULATOR = not REAL_URL


def emulator_gap(reason: str):
    """xfail(strict) on the npm emulator only: on a real account the test must pass."""
    return pytest.mark.xfail(EMULATOR, strict=True,
                             reason=f"@vercel/cosmosdb-server emulator: {reason}")
