"""The magics against DynamoDB (moto server) in a real IPython shell: the same
%detect / %%migrate / %history / %rollback as every backend, errors that fail the cell,
and %detect on a project folder whose serverless.yml names a DynamoDB Local endpoint."""
from __future__ import annotations

import pytest

pytest.importorskip("IPython")


def test_detect_migrate_history_rollback(ip, ddb_url, tmp_path):
    url, p = ddb_url
    r = ip.run_cell(f"%detect {url}")
    assert r.success, r.error_in_exec
    r = ip.run_cell(f"%%migrate users\nCREATE TABLE {p}users KEY (id S HASH)\n"
                    f"  GSI by_email (email S HASH)\nTTL ON {p}users ATTRIBUTE expires")
    assert r.success and r.result.status == "applied"
    assert "create table" in r.result._repr_html_()
    r = ip.run_cell("%history")
    assert list(r.result["name"]) == ["users"]
    r = ip.run_cell("%rollback")
    assert r.result[0].status == "rolled_back"
    assert list((tmp_path / "migrations").glob("*_users.ddb"))


def test_bad_command_fails_the_cell_with_its_line(ip, ddb_url):
    import dbwork
    url, p = ddb_url
    ip.run_cell(f"%detect {url}")
    r = ip.run_cell(f"%%migrate bad\nCREATE TABLE {p}t KEY (id S HASH)\nDROP GSI ON")
    assert not r.success and isinstance(r.error_in_exec, dbwork.ParseError)
    assert r.error_in_exec.line == 2


def test_a_serverless_project_detects_its_dynamodb_local_endpoint(tmp_path):
    import dbwork
    (tmp_path / "serverless.yml").write_text(
        "service: shop\nplugins:\n  - serverless-dynamodb-local\ncustom:\n  dynamodb:\n"
        "    start:\n      port: 8123\nresources:\n  Resources:\n    Orders:\n"
        "      Type: AWS::DynamoDB::Table\n")
    (tmp_path / "requirements.txt").write_text("boto3\n")
    d = dbwork.detect(tmp_path)
    assert "dynamodb" in d.technologies
    target = d.target("dynamodb-local")
    assert target.display_url == "dynamodb://127.0.0.1:8123"
    from dbwork.url import DatabaseURL
    assert DatabaseURL.parse(target.url).dialect == "dynamodb"   # dbwork.connect takes it
