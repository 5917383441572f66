"""Readers for Azure infrastructure files that declare Cosmos DB: Terraform
(``azurerm_cosmosdb_account``, ``azurerm_cosmosdb_sql_container``, ...), Bicep and ARM
templates (``Microsoft.DocumentDB/databaseAccounts``).

>>> tf = 'resource "azurerm_cosmosdb_account" "main" {\\n  kind = "GlobalDocumentDB"\\n}'
>>> [(f.name, f.line) for f in read_terraform(Source("infra/main.tf", tf)).findings]
[('cosmosdb', 1)]
>>> bicep = "resource acct 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\\n}"
>>> [(f.name, f.line) for f in read_template(Source("main.bicep", bicep)).findings]
[('cosmosdb', 1)]
"""
from __future__ import annotations

import re

from .sources import Report, Source

_TF_COSMOS = re.compile(r'resource\s+"(azurerm_cosmosdb_[a-z_]+)"\s+"([^"]+)"')
# Cosmos DB's MongoDB, Cassandra, Gremlin and Table APIs are other engines: only the
# account and the NoSQL (sql_*) resources name the NoSQL API dbwork migrates
_TF_NOSQL = ("azurerm_cosmosdb_account", "azurerm_cosmosdb_sql_database",
             "azurerm_cosmosdb_sql_container")
_TEMPLATE = re.compile(r"Microsoft\.DocumentDB/databaseAccounts[A-Za-z/]*", re.I)


def read_terraform(source: Source) -> Report:
    """The first Cosmos DB (NoSQL) resource of a Terraform file."""
    report = Report(source)
    if "azurerm_cosmosdb" not in source.text:
        return report
    for m in _TF_COSMOS.finditer(source.text):
        if m.group(1) in _TF_NOSQL:
            report.technology("cosmosdb", source.line_at(m.start()),
                              evidence=f'resource "{m.group(1)}" "{m.group(2)}"')
            break
    return report


def read_template(source: Source) -> Report:
    """The first ``Microsoft.DocumentDB/databaseAccounts`` resource type of a Bicep or
    ARM template."""
    report = Report(source)
    if "documentdb" not in source.text.lower():
        return report
    m = _TEMPLATE.search(source.text)
    if m:
        report.technology("cosmosdb", source.line_at(m.start()), evidence=m.group(0))
    return report
