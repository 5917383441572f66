"""Readers for AWS templates: ``serverless.yml`` and CloudFormation/SAM templates
(``AWS::DynamoDB::Table``, ``AWS::Serverless::SimpleTable``, RDS engines).

With the serverless-dynamodb-local plugin, the local endpoint becomes a target.

>>> text = "Resources:\\n  Users:\\n    Type: AWS::DynamoDB::Table\\n"
>>> [(f.name, f.line) for f in read_cloudformation(Source("template.yaml", text)).findings]
[('dynamodb', 3)]
"""
from __future__ import annotations

import json
import re

from . import yamlish
from .sources import RANK, Report, Source

TYPES = {"AWS::DynamoDB::Table": "dynamodb", "AWS::DynamoDB::GlobalTable": "dynamodb",
         "AWS::Serverless::SimpleTable": "dynamodb"}
RDS = {"postgres": "postgresql", "aurora-postgresql": "postgresql", "mysql": "mysql",
       "aurora-mysql": "mysql", "aurora": "mysql", "mariadb": "mariadb", "sqlserver": "sqlserver"}


def _load(source: Source):
    if source.name.endswith(".json"):
        return json.loads(source.text)
    return yamlish.load(source.text)


def _resources(report: Report, resources) -> None:
    if not isinstance(resources, dict):
        return
    for name, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        line = _type_line(report.source, resource, name)
        if kind in TYPES:
            report.technology(TYPES[kind], line, evidence=f"{name}: Type: {kind}")
        elif kind in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
            props = resource.get("Properties") or {}
            engine = str(props.get("Engine") or "").lower() if isinstance(props, dict) else ""
            tech = RDS.get(engine) or (RDS.get(engine.split("-")[0]) if engine.startswith("sqlserver") else None)
            if tech:
                report.technology(tech, line, evidence=f"{name}: {kind} Engine: {engine}")
        elif kind == "AWS::DocDB::DBCluster":
            report.technology("mongodb", line, "medium", evidence=f"{name}: {kind}")


def _line(source: Source, mapping, key) -> int | None:
    if isinstance(mapping, yamlish.YMap):
        return mapping.key_line.get(key)
    m = re.search(r'"%s"\s*:' % re.escape(str(key)), source.text)
    return source.line_at(m.start()) if m else None


def _type_line(source: Source, resource, name) -> int | None:
    """The line of a resource's ``Type`` key."""
    if isinstance(resource, yamlish.YMap):
        return resource.key_line.get("Type", resource.line)
    start = source.text.find('"%s"' % name)
    at = source.text.find('"Type"', max(start, 0))
    return source.line_at(at) if at >= 0 else None


def read_cloudformation(source: Source) -> Report:
    """Resources of a CloudFormation or SAM template (YAML or JSON).

    >>> read_cloudformation(Source("template.json", "{}")).findings
    []
    """
    report = Report(source)
    if "AWS::" not in source.text:
        return report
    doc = _load(source)
    if isinstance(doc, dict):
        _resources(report, doc.get("Resources"))
    return report


def read_serverless(source: Source) -> Report:
    """``resources.Resources`` of a serverless.yml, and a dynamodb-local endpoint.

    >>> text = "plugins:\\n  - serverless-dynamodb-local\\n"
    >>> [c.url for c in read_serverless(Source("serverless.yml", text)).candidates]
    ['dynamodb://127.0.0.1:8000']
    """
    report = Report(source)
    doc = _load(source)
    if not isinstance(doc, dict):
        return report
    resources = doc.get("resources")
    if isinstance(resources, dict):
        _resources(report, resources.get("Resources"))
    plugins = doc.get("plugins")
    plugins = plugins.get("modules") if isinstance(plugins, dict) else plugins
    if isinstance(plugins, list) and any(str(p).startswith("serverless-dynamodb") for p in plugins):
        custom = doc.get("custom") if isinstance(doc.get("custom"), dict) else {}
        dynamo = custom.get("dynamodb") if isinstance(custom.get("dynamodb"), dict) else {}
        start = dynamo.get("start") if isinstance(dynamo.get("start"), dict) else {}
        port = str(start.get("port") or "8000")
        line = _line(source, doc, "plugins")
        report.technology("dynamodb", line)
        report.connection("dynamodb-local", "dynamodb", f"dynamodb://127.0.0.1:{port}", line,
                          RANK["compose"], evidence=f"serverless-dynamodb-local on port {port}")
    return report


_TF_DYNAMO = re.compile(r"""^\s*resource\s+"aws_dynamodb_(?:global_)?table"\s""", re.M)


def read_terraform(source: Source) -> Report:
    """``resource "aws_dynamodb_table" ...`` in a Terraform file: dynamodb.

    >>> [f.line for f in read_terraform(Source("main.tf", 'resource "aws_dynamodb_table" "t" {\\n}')).findings]
    [1]
    """
    report = Report(source)
    m = _TF_DYNAMO.search(source.text) if "aws_dynamodb" in source.text else None
    if m:
        report.technology("dynamodb", source.line_at(m.start() + len(m.group(0)) - len(m.group(0).lstrip())))
    return report
