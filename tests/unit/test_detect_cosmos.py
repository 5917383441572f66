"""Cosmos DB is detected from the files a project keeps: a connection string in .env,
the SDK in Python and Node dependencies, Terraform, Bicep and ARM templates; the
account key never shows in the findings."""
from __future__ import annotations

import dbwork


def _write(root, files: dict) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_every_kind_of_cosmos_evidence_is_found_with_file_and_line(tmp_path):
    _write(tmp_path, {
        ".env": "APP=1\nCOSMOS=AccountEndpoint=https://acct.documents.azure.com:443/;"
                "AccountKey=c2VjcmV0LWtleQ==;\n",
        "requirements.txt": "flask\nazure-cosmos>=4.7\n",
        "web/package.json": '{"dependencies": {"@azure/cosmos": "^4.0.0"}}',
        "infra/main.tf": 'provider "azurerm" {}\n\nresource "azurerm_cosmosdb_sql_container" '
                         '"orders" {\n  name = "orders"\n}\n',
        "infra/main.bicep": "param location string\nresource account "
                            "'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n}\n",
        "infra/azuredeploy.json": '{"resources": [\n {"type": '
                                  '"Microsoft.DocumentDB/databaseAccounts/sqlDatabases"}]}',
    })
    d = dbwork.detect(tmp_path)
    seen = {(f.file, f.line) for f in d.findings if f.name in ("cosmosdb", "COSMOS")}
    assert seen == {(".env", 2), ("requirements.txt", 2), ("web/package.json", 1),
                    ("infra/main.tf", 3), ("infra/main.bicep", 2),
                    ("infra/azuredeploy.json", 2)}
    assert "c2VjcmV0LWtleQ" not in repr(d) + repr(d.findings)


def test_other_cosmos_apis_and_other_azure_resources_are_not_the_nosql_api(tmp_path):
    _write(tmp_path, {"main.tf": 'resource "azurerm_cosmosdb_mongo_collection" "c" {}\n'
                                 'resource "azurerm_storage_account" "s" {}\n'})
    assert not [f for f in dbwork.detect(tmp_path).findings if f.name == "cosmosdb"]
