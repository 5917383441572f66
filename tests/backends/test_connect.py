"""Connecting as users write URLs, with the password masked everywhere it is shown."""
from __future__ import annotations

import pytest

import dbwork
from dbwork.errors import ConnectionFailed
from dbwork.url import DatabaseURL, mask_url


@pytest.mark.parametrize("url, dialect, driver", [
    ("postgresql://u:pw@h/db", "postgresql", "postgresql+psycopg"),
    ("postgres://u:pw@h/db", "postgresql", "postgresql+psycopg"),
    ("mysql://u:pw@h/db", "mysql", "mysql+pymysql"),
    ("mariadb://u:pw@h/db", "mysql", "mysql+pymysql"),
    ("sqlite:///x.sqlite", "sqlite", "sqlite"),
])
def test_schemes_pick_the_driver(url, dialect, driver):
    u = DatabaseURL.parse(url)
    assert (u.dialect, u.driver) == (dialect, driver)
    assert "pw" not in repr(u) and "pw" not in str(u)


def test_workbench_repr_masks_password():
    wb = dbwork.connect("postgresql://app:s3cret@127.0.0.1:5432/shop", migrations="m")
    assert "s3cret" not in repr(wb) and "***" in wb.display_url


@pytest.mark.parametrize("url", [
    "postgresql://root:s3cret@127.0.0.1:1/test",         # dead port
    "mariadb://root:s3cret@127.0.0.1:1/test",            # dead port
    "mariadb://root:s3cret@127.0.0.1:3306/test",         # wrong password (root has none)
])
def test_connection_failures_are_dbwork_errors_with_the_password_masked(url, tmp_path):
    wb = dbwork.connect(url, migrations=tmp_path)
    with pytest.raises(ConnectionFailed) as err:
        wb.schema()
    text = str(err.value)
    assert "s3cret" not in text and "***" in text
    assert err.value.url == mask_url(url)


def test_live_connection_on_every_backend(backend_url, tmp_path):
    wb = dbwork.connect(backend_url, migrations=tmp_path / "m")
    assert wb.schema().tables == {}
    assert wb.history().empty
