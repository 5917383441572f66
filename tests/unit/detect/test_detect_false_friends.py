"""Issue 10 point 7: detection false friends. boto3 alone is not DynamoDB (a DynamoDB
resource, client or table definition is); Django settings written as an annotated
assignment are read; ormconfig.json.example is read as an example; a MongoDB compose
service is recognised by its mongod command or its port 27017, whatever its image."""
from __future__ import annotations

from dbwork.detect.read_aws import read_terraform
from dbwork.detect.read_compose import read as read_compose
from dbwork.detect.read_django import read as read_django
from dbwork.detect.read_python import read_requirements, read_source
from dbwork.detect.read_typeorm import read_ormconfig
from dbwork.detect.sources import RANK, Source


def _techs(report):
    return [(f.name, f.line) for f in report.findings if f.kind == "technology"]


def test_boto3_requirement_alone_is_not_dynamodb():
    assert _techs(read_requirements(Source("requirements.txt", "boto3==1.34\nrequests\n"))) == []


def test_dynamodb_calls_are_found_other_aws_calls_are_not():
    s3 = "import boto3\ns3 = boto3.client('s3')\nsqs = boto3.resource(\"sqs\")\n"
    assert _techs(read_source(Source("app.py", s3))) == []
    for call in ('boto3.resource("dynamodb")', "session.client('dynamodb', region_name='x')",
                 'boto3.client(service_name="dynamodb")'):
        text = f"import boto3\n\nddb = {call}\n"
        assert _techs(read_source(Source("db.py", text))) == [("dynamodb", 3)], call
    commented = "# t = boto3.resource('dynamodb')\n"
    assert _techs(read_source(Source("db.py", commented))) == []


def test_fixture_evidence_points_at_the_dynamodb_code(run):
    d = run("boto3_dynamodb")
    where = sorted(f.where for f in d.findings if f.name == "dynamodb")
    assert where == ["infra/main.tf:5", "store.py:4"]
    assert run("boto3_s3_only").technologies == []


def test_terraform_dynamodb_table():
    tf = 'resource "aws_s3_bucket" "b" {}\n\nresource "aws_dynamodb_table" "t" {\n}\n'
    assert _techs(read_terraform(Source("main.tf", tf))) == [("dynamodb", 3)]
    assert _techs(read_terraform(Source("main.tf", 'resource "aws_s3_bucket" "b" {}\n'))) == []


def test_django_annotated_databases_is_read():
    text = ('from typing import Any\nNAME: str = "shop"\n'
            'DATABASES: dict[str, Any] = {"default": {"ENGINE": "django.db.backends.mysql",'
            ' "NAME": NAME, "USER": "u", "HOST": "db", "PORT": "3307"}}\n')
    r = read_django(Source("settings.py", text))
    assert [c.url for c in r.candidates] == ["mysql://u@db:3307/shop"]
    # an annotation without a value is no assignment
    assert read_django(Source("settings.py", "DATABASES: dict\n")).candidates == []


def test_ormconfig_example_ranks_below_the_real_config():
    body = '{"type": "postgres", "host": "h", "username": "u", "database": "d"}'
    example = read_ormconfig(Source("ormconfig.json.example", body)).candidates
    real = read_ormconfig(Source("ormconfig.json", body)).candidates
    assert [c.rank for c in example] == [RANK["example"]]
    assert [c.rank for c in real] == [RANK["config"]]


def test_compose_mongodb_by_command_or_port_not_by_image():
    by_command = ("services:\n  docs:\n    image: acme/docstore:1\n"
                  "    command: mongod --bind_ip_all\n")
    by_port = ("services:\n  docs:\n    build: ./docs\n    expose:\n      - \"27017\"\n")
    by_ports = ("services:\n  docs:\n    image: acme/docstore:1\n    ports:\n"
                "      - \"27999:27017\"\n")
    urls = [[c.url for c in read_compose(Source("compose.yaml", t)).candidates]
            for t in (by_command, by_port, by_ports)]
    assert urls == [["mongodb://127.0.0.1:27017/"], ["mongodb://127.0.0.1:27017/"],
                    ["mongodb://127.0.0.1:27999/"]]
    other = ("services:\n  web:\n    image: acme/web:1\n    command: node mongod-report.js\n"
             "    ports:\n      - \"27017:8080\"\n")
    assert read_compose(Source("compose.yaml", other)).candidates == []
