"""One fixture project per format (tests/fixtures/detect/<case>/): exact technologies,
tools, the primary target's masked URL and the evidence (file:line) that points at it."""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "detect"

# case: (technologies, tools, primary name, best_url, primary evidence, ambiguous)
CASES = {
    "alembic_requirements": (["postgresql", "redis"], ["alembic", "sqlalchemy"], "alembic",
                             "postgresql+psycopg2://api:***@localhost:5432/api", ["alembic.ini:4"], False),
    "boto3_dynamodb": (["dynamodb"], [], None, None, None, False),
    "boto3_s3_only": ([], [], None, None, None, False),
    "cloudformation": (["dynamodb"], [], None, None, None, False),
    "compose_mongo_custom": (["mongodb"], [], "documents", "mongodb://127.0.0.1:27018/",
                             ["docker-compose.yml:3"], False),
    "commented_out": ([], [], None, None, None, False),
    "compose_and_env": (["mysql"], [], "DATABASE_URL", "mysql://app:***@127.0.0.1:3307/inventory",
                        [".env:2", "docker-compose.yml:3"], False),
    "compose_emulators": (["cosmosdb", "dynamodb", "mariadb", "mongodb", "sqlserver"], [], "cosmos",
                          "https://127.0.0.1:8081/", ["compose.yaml:22"], True),
    "compose_password": (["postgresql", "redis"], [], "db", "postgresql://shop:***@127.0.0.1:5433/shop",
                         ["docker-compose.yml:6"], False),
    "dev_deps_only": (["mongodb", "postgresql", "redis", "sqlite"], [], None, None, None, False),
    "django_settings": (["postgresql", "sqlite"], ["django"], "django",
                        "postgresql://mysite:***@localhost:5432/mysite",
                        ["mysite/mysite/settings.py:9", ".env:1"], False),
    "django_annotated": (["postgresql"], ["django"], "django",
                         "postgresql://annot:***@localhost:5433/annotated",
                         ["config/settings.py:8"], False),
    "drizzle_config": (["postgresql"], ["drizzle"], "drizzle",
                       "postgres://drizzle:***@localhost:5432/drizzle",
                       ["drizzle.config.ts:6", ".env.local:1"], False),
    "efcore": (["redis", "sqlite", "sqlserver"], ["entity-framework"], "DefaultConnection",
               "mssql://sa:***@localhost:1433/Shop", ["src/Shop.Api/appsettings.json:5"], False),
    "efcore_npgsql": (["cosmosdb", "postgresql"], ["entity-framework"], "Catalog",
                      "AccountEndpoint=https://localhost:8081/;AccountKey=***",
                      ["appsettings.Development.json:4"], True),
    "empty": ([], [], None, None, None, False),
    "env_beats_example": (["mysql", "postgresql", "redis"], [], "DATABASE_URL",
                          "mysql://dev:***@localhost:3306/app", [".env:2"], False),
    "env_example_only": (["postgresql"], [], "DATABASE_URL",
                         "postgresql://user:***@localhost:5432/mydb", [".env.example:2"], False),
    "flyway_conf": (["postgresql"], ["flyway"], "flyway",
                    "postgresql://billing:***@localhost:5432/billing", ["conf/flyway.conf:2"], False),
    "flyway_toml": (["sqlserver"], ["flyway"], "flyway", "mssql://sa:***@localhost:1433/payroll",
                    ["flyway.toml:2", ".env:1"], False),
    "hostile": (["redis"], ["alembic", "mongoose"], "REDIS_URL", "redis://:***@localhost:6380/1",
                [".env:1"], False),
    "knexfile_js": (["mysql", "sqlite"], ["knex"], "knex", "mysql://knex:***@127.0.0.1:3306/knex_dev",
                    ["knexfile.js:7", ".env:1"], False),
    "laravel_env": (["mysql"], [], "DB_HOST", "mysql://sail:***@127.0.0.1:3306/laravel", [".env:2"], False),
    "liquibase_props": (["mariadb"], ["liquibase"], "liquibase", "mariadb://crm:***@localhost:3306/crm",
                        ["liquibase.properties:2"], False),
    "mongoose_source": (["mongodb"], ["mongoose"], "mongoose",
                        "mongodb://blog:***@localhost:27017/blog?authSource=admin",
                        ["src/db.ts:5", ".env:1"], False),
    "monorepo": (["mongodb", "postgresql"], ["knex"], "DATABASE_URL",
                 "postgresql://api:***@localhost:5432/api", ["services/api/.env:1"], True),
    "package_json": (["cosmosdb", "dynamodb", "mariadb", "mongodb", "mysql", "postgresql", "redis"],
                     ["drizzle", "knex", "mongoose", "sequelize", "typeorm"], None, None, None, False),
    "ormconfig_example": (["postgresql"], ["typeorm"], "typeorm",
                          "postgresql://example:***@localhost:5432/example_db",
                          ["ormconfig.json.example:2"], False),
    "pg_vars": (["postgresql"], [], "PGHOST", "postgresql://report:***@db.internal:6432/analytics",
                [".env:1"], False),
    "prisma_env": (["postgresql"], ["prisma"], "prisma",
                   "postgresql://app:***@localhost:5432/shop?schema=public",
                   ["prisma/schema.prisma:9", ".env:1"], False),
    "prisma_sqlite": (["sqlite"], ["prisma"], "prisma", "sqlite:///prisma_sqlite/prisma/dev.db",
                      ["prisma/schema.prisma:3"], False),
    "prisma_unresolved": (["mongodb"], ["prisma"], None, None, None, False),
    "pyproject_poetry": (["mongodb", "mysql"], ["django"], None, None, None, False),
    "rails_app": (["postgresql"], ["rails"], "rails", "postgresql://rails:***@localhost/blog_development",
                  ["config/database.yml:10", ".env:1"], False),
    "sequelize_config": (["postgresql", "sqlite"], ["sequelize"], "sequelize",
                         "postgresql://seq:***@127.0.0.1/seq_dev", ["config/config.json:2"], False),
    "serverless_dynamodb": (["dynamodb"], [], "dynamodb-local", "dynamodb://127.0.0.1:8001",
                            ["serverless.yml:4"], False),
    "typeorm_datasource": (["postgresql"], ["typeorm"], "typeorm",
                           "postgresql://typeorm:***@localhost:5434/photos",
                           ["src/data-source.ts:6", ".env:2", ".env:1"], False),
    "typeorm_ormconfig": (["mysql"], ["typeorm"], "typeorm", "mysql://orm:***@localhost:3306/orm_db",
                          ["ormconfig.json:2"], False),
}

# every password written in a fixture: none may ever be displayed
SECRETS = ["prisma-pw", "Sup3r-S3cret!pw", "compose-pw", "root-pw", "mongo-pw", "Mssql-Pw1!",
           "maria-pw", "old-pw", "dev-pw", "pg-vars-pw", "test-pw", "alembic-pw",
           "django-secret-pw", "orm-pw", "typeorm-pw", "seq-pw", "knex-pw", "rails-pw",
           "Ef-Core-Pw1", "prod-pw", "C2y6yDjf5", "flyway-pw", "Flyway-Toml-Pw1", "liquibase-pw",
           "mongoose-pw", "api-pw", "worker-pw", "drizzle-pw", "hostile-pw", "laravel-pw", "annot-pw", "ormexample-pw"]


def test_every_fixture_folder_has_a_case():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture(run, case):
    technologies, tools, name, best_url, evidence, ambiguous = CASES[case]
    d = run(case)
    assert d.path == case
    assert d.technologies == technologies
    assert d.tools == tools
    assert d.best_url == best_url
    assert d.is_ambiguous is ambiguous
    primary = d.primary()
    if name is None:
        assert primary is None
    else:
        assert primary.name == name
        assert primary.display_url == best_url
        assert [f.where for f in primary.evidence] == evidence
        assert d.target(name) is primary


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_password_in_any_display(run, case):
    d = run(case)
    shown = "\n".join([str(d), repr(d), d._repr_html_(), d.to_frame().to_string(),
                       repr(d.targets), repr(d.findings), "\n".join(d.notes),
                       "\n".join(t.display_url for t in d.targets)])
    for secret in SECRETS:
        assert secret not in shown, (case, secret)
