"""The one table that maps file names to readers.

A pattern is matched against the file's path relative to the root (``fnmatch``, case
sensitive); a pattern without ``/`` matches the file name in any folder.

>>> [r.__module__.rpartition(".")[2] for r in readers_for("prisma/schema.prisma")]
['read_prisma']
>>> [r.__name__ for r in readers_for("api/config/database.yml")]
['read']
>>> readers_for("README.md")
[]
"""
from __future__ import annotations

from fnmatch import fnmatchcase

from . import (read_alembic, read_aws, read_azure, read_compose, read_django, read_dotenv,
               read_dotnet, read_jssource, read_jvm, read_knex, read_node, read_prisma, read_python,
               read_rails, read_sequelize, read_typeorm)

# Read first: their variables resolve references in every other file.
ENV_READERS = [
    ((".env", ".env.*", "*.env", ".envrc"), read_dotenv.read),
]

READERS = [
    (("*.prisma",), read_prisma.read),
    (("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
      "docker-compose.*.yml", "docker-compose.*.yaml", "compose.*.yml", "compose.*.yaml"),
     read_compose.read),
    (("package.json",), read_node.read),
    (("requirements*.txt", "*requirements.txt", "*/requirements/*.txt", "requirements/*.txt"),
     read_python.read_requirements),
    (("pyproject.toml",), read_python.read_pyproject),
    (("alembic.ini",), read_alembic.read),
    (("settings.py", "*/settings/*.py", "settings/*.py", "*_settings.py", "settings_*.py"),
     read_django.read),
    (("ormconfig.json", "ormconfig.json.example", "ormconfig.json.sample",
      "ormconfig.json.dist"), read_typeorm.read_ormconfig),
    (("*.py",), read_python.read_source),
    (("*.tf",), read_aws.read_terraform),
    (("*.tf",), read_azure.read_terraform),
    (("*.bicep", "azuredeploy*.json", "*.arm.json", "*.deploymentTemplate.json"),
     read_azure.read_template),
    (("*.ts", "*.js", "*.mjs", "*.cjs"), read_typeorm.read_source),
    (("config/config.json", "*/config/config.json"), read_sequelize.read),
    (("knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs"), read_knex.read),
    (("config/database.yml", "*/config/database.yml"), read_rails.read),
    (("appsettings.json", "appsettings.*.json"), read_dotnet.read_appsettings),
    (("*.csproj", "*.fsproj"), read_dotnet.read_csproj),
    (("serverless.yml", "serverless.yaml", "serverless.json"), read_aws.read_serverless),
    (("template.yaml", "template.yml", "template.json", "*.template.yaml", "*.template.yml",
      "*.template.json", "*cloudformation*.yaml", "*cloudformation*.yml", "*cloudformation*.json",
      "*.cfn.yaml", "*.cfn.yml", "*.cfn.json"), read_aws.read_cloudformation),
    (("flyway.conf", "flyway*.conf"), read_jvm.read_flyway_conf),
    (("flyway.toml", "flyway.*.toml"), read_jvm.read_flyway_toml),
    (("liquibase.properties", "liquibase.*.properties"), read_jvm.read_liquibase),
    (("*.ts", "*.js", "*.mjs", "*.cjs", "*.tsx", "*.jsx"), read_jssource.read),
    (("drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs"),
     read_jssource.read_drizzle),
]


def readers_for(rel: str, table=None) -> list:
    """The readers whose patterns match ``rel`` (a "/"-separated relative path).

    >>> [r.__name__ for r in readers_for("knexfile.js")]
    ['read_source', 'read', 'read']
    """
    name = rel.rpartition("/")[2]
    found = []
    for patterns, reader in READERS if table is None else table:
        if any(fnmatchcase(rel if "/" in p else name, p) or ("/" in p and fnmatchcase("x/" + rel, p))
               for p in patterns) and reader not in found:
            found.append(reader)
    return found
