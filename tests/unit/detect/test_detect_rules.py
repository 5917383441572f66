"""Precedence and confidence rules, hostile input, the environment and the displays."""
from __future__ import annotations

import os

import pytest

from dbwork.detect import Detection, Finding, Target, detect
from dbwork.errors import ConfigError


def test_compose_password_is_kept_for_connecting_but_never_shown(run):
    d = run("compose_password")
    db = d.target("db")
    assert db.url == "postgresql://shop:Sup3r-S3cret%21pw@127.0.0.1:5433/shop"
    assert db.confidence == "medium"
    frame = d.to_frame()
    assert list(frame.columns) == ["kind", "name", "file", "line", "evidence", "confidence"]
    assert "Sup3r" not in frame.to_csv() and "Sup3r" not in d._repr_html_()
    assert d.target("cache").display_url == "redis://127.0.0.1:6379/0"


def test_explicit_url_beats_compose_and_both_are_evidence(run):
    t = run("compose_and_env").primary()
    assert t.confidence == "high"
    assert t.aliases == ["DATABASE_URL", "db"]


def test_compose_published_port_and_unpublished_service(run):
    d = run("compose_emulators")
    assert d.target("sqlserver").display_url == "mssql://sa:***@127.0.0.1:14330/master"
    assert d.target("mongo").display_url == "mongodb://root:***@127.0.0.1:27018/blog?authSource=admin"
    assert d.target("dynamo").display_url == "dynamodb://127.0.0.1:8000"
    maria = d.target("maria")
    assert maria.display_url == "mariadb://root:***@127.0.0.1:3306/legacy"
    assert maria is d.targets[-1]  # its port is not published: ranked last
    assert "ambiguous" in str(d) and "Ambiguous" in d._repr_html_()


def test_commented_out_urls_are_ignored(run):
    d = run("commented_out")
    assert d.empty and d.findings == [] and d.targets == []
    assert "no database configuration found" in str(d)
    assert "no database configuration found" in d._repr_html_()
    assert d.to_frame().empty


def test_dev_only_dependencies_are_low_and_never_primary(run):
    d = run("dev_deps_only")
    assert {(f.name, f.file, f.line, f.confidence) for f in d.findings} == {
        ("sqlite", "package.json", 5, "low"), ("mongodb", "pyproject.toml", 6, "low"),
        ("redis", "pyproject.toml", 9, "low"), ("postgresql", "requirements-dev.txt", 2, "low"),
        ("DATABASE_URL", ".env.test", 1, "low")}
    assert [t.confidence for t in d.targets] == ["low"]
    assert d.primary() is None and d.best_url is None and not d.is_ambiguous


def test_main_dependency_is_high_dev_dependency_low(run):
    d = run("package_json")
    found = {(f.kind, f.name): (f.line, f.confidence) for f in d.findings}
    assert found[("technology", "postgresql")] == (16, "low")
    assert found[("technology", "mongodb")] == (4, "high")
    assert found[("tool", "mongoose")] == (4, "high")
    assert found[("technology", "cosmosdb")] == (6, "high")
    assert d.targets == [] and "no connectable database" in str(d)


def test_poetry_dev_group_is_low(run):
    found = {f.name: (f.line, f.confidence) for f in run("pyproject_poetry").findings}
    assert found == {"mysql": (7, "high"), "django": (8, "high"), "mongodb": (11, "low")}


def test_env_beats_example(run):
    d = run("env_beats_example")
    example = [t for t in d.targets if t.evidence[0].file == ".env.example"][0]
    assert example.confidence == "medium" and d.primary().technology == "mysql"


def test_env_example_only_is_medium(run):
    assert run("env_example_only").primary().confidence == "medium"


def test_monorepo_is_ambiguous_and_targets_are_picked_by_name(run):
    d = run("monorepo")
    assert d.is_ambiguous
    assert d.target("MONGODB_URI").display_url == "mongodb://worker:***@localhost:27017/jobs"
    with pytest.raises(ConfigError) as e:
        d.target("nope")
    assert "DATABASE_URL" in str(e.value) and "MONGODB_URI" in str(e.value)


def test_prisma_env_unresolved_then_resolved_from_the_environment(run, monkeypatch):
    monkeypatch.setenv("MONGO_URL", "mongodb://env:env-pw@localhost/x")
    d = run("prisma_unresolved")  # hermetic by default: os.environ is not read
    assert d.targets == []
    assert [(f.kind, f.line, f.confidence) for f in d.findings if f.kind == "connection"] == [
        ("connection", 3, "low")]
    d = run("prisma_unresolved", use_environ=True)
    assert d.best_url == "mongodb://env:***@localhost/x"
    assert [f.where for f in d.primary().evidence] == ["schema.prisma:3", "(environment)"]
    assert "env-pw" not in str(d) + d._repr_html_() + d.to_frame().to_string()


def test_environ_mapping_beats_dotenv(run):
    d = run("prisma_env", environ={"DATABASE_URL": "postgresql://ci:ci-pw@ci-db:5432/shop"})
    assert d.best_url == "postgresql://ci:***@ci-db:5432/shop"
    assert d.primary().name == "prisma"


def test_django_reads_settings_without_running_them(run):
    d = run("django_settings")
    assert d.target("django.legacy").display_url == "sqlite:///django_settings/mysite/legacy.sqlite3"
    assert d.primary().url == "postgresql://mysite:django-secret-pw@localhost:5432/mysite"


def test_test_and_production_sections_rank_below_development(run):
    knex = run("knexfile_js")
    assert [(t.name, t.confidence) for t in knex.targets] == [("knex", "high"), ("knex.test", "low")]
    seq = run("sequelize_config")
    assert seq.target("sequelize.test").display_url == "sqlite:///:memory:"
    rails = run("rails_app")
    assert [(t.name, t.confidence) for t in rails.targets] == [("rails", "high"), ("rails.test", "low")]
    unresolved = [f for f in rails.findings if f.name == "rails.production"]
    assert [(f.line, f.confidence) for f in unresolved] == [(18, "low")]


def test_efcore_test_project_is_low(run):
    d = run("efcore")
    sqlite = [f for f in d.findings if f.name == "sqlite"]
    assert [(f.file, f.line, f.confidence) for f in sqlite] == [
        ("tests/Shop.Tests/Shop.Tests.csproj", 4, "low")]
    assert d.target("Redis").display_url == "redis://localhost:6379"


def test_efcore_development_settings_outrank_appsettings(run):
    d = run("efcore_npgsql")
    assert d.target("Orders").display_url == "postgresql://orders:***@localhost:5432/orders"


def test_cloudformation_table_line(run):
    assert [(f.name, f.where) for f in run("cloudformation").findings] == [
        ("dynamodb", "template.yaml:7")]


def test_hostile_files_are_skipped_with_notes(run):
    d = run("hostile")
    notes = "\n".join(d.notes)
    for part in ("knexfile.js: binary content", "package.json: invalid JSON",
                 "pyproject.toml: invalid TOML", "docker-compose.yml: not understood",
                 "settings.py: not understood"):
        assert part in notes
    assert "skipped" in str(d) and "Skipped" in d._repr_html_()


def test_big_files_and_file_limit(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgres://a@h/" + "x" * 2000 + "\n")
    (tmp_path / "alembic.ini").write_text("[alembic]\n")
    d = detect(tmp_path, max_bytes=1000)
    assert d.technologies == [] and d.tools == ["alembic"]
    assert any(".env: larger than" in n for n in d.notes)
    d = detect(tmp_path, max_files=1)
    assert any("stopped after 1 files" in n for n in d.notes)


def test_vendored_folders_are_skipped(tmp_path):
    for folder in ("node_modules/pg", ".venv/lib", "dist", ".git"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / ".env").write_text("DATABASE_URL=postgres://a@h/db\n")
    assert detect(tmp_path).empty


def test_empty_folder_and_not_a_folder(tmp_path):
    d = detect(tmp_path)
    assert d.empty and d.targets == [] and d.primary() is None and d.best_url is None
    assert str(d).endswith("no database configuration found")
    with pytest.raises(ConfigError):
        detect(tmp_path / "missing")


def test_stable_text_form(run):
    assert str(run("prisma_env")) == (
        "Detection of 'prisma_env': 1 technology, 1 tool, 1 target\n"
        "  technologies: postgresql\n"
        "  tools: prisma\n"
        "  targets (best first):\n"
        "    1. prisma [postgresql] postgresql://app:***@localhost:5432/shop?schema=public "
        "(high; prisma/schema.prisma:9, .env:1)\n"
        "  findings: 6 (see .findings or .to_frame())")
    assert repr(run("prisma_env")) == str(run("prisma_env"))


def test_public_types():
    f = Finding("connection", "DATABASE_URL", ".env", 1, "DATABASE_URL=postgres://a:***@h/db", "high")
    t = Target("DATABASE_URL", "postgresql", "postgres://a:pw@h/db", [f], "high")
    d = Detection("x", [f], ["postgresql"], [], [t])
    assert d.primary() is t and d.best_url == "postgres://a:***@h/db"
    assert "pw@" not in repr(t) + str(d) + d._repr_html_()
    assert d.to_frame().loc[0, "line"] == 1
