"""What the DynamoDB suite knows about its emulator (moto's server mode): the fake
credentials it runs with and how a test of behaviour moto does not emulate is marked.
"""
from __future__ import annotations

import pytest

EMULATOR = True
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def moto_gap(reason: str):
    """Mark a test of behaviour moto's DynamoDB does not emulate (AWS does)."""
    return pytest.mark.xfail(EMULATOR, reason=f"moto server: {reason}", strict=True)


def table_names(client, prefix: str = "") -> list[str]:
    """Every table name starting with ``prefix``, through ListTables' pages (it returns
    at most 100 names a call, and moto keeps every test's tables in one process-wide
    store, so a long run has hundreds)."""
    pages = client.get_paginator("list_tables").paginate()
    return [n for page in pages for n in page["TableNames"] if n.startswith(prefix)]
