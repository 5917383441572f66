"""The small parts: YAML subset, JS literals, URLs, masking, the reader table, doctests."""
from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from dbwork.detect import yamlish
from dbwork.detect.registry import readers_for
from dbwork.detect.sources import redact
from dbwork.detect.textscan import parse_js_value, strip_js_comments
from dbwork.detect.urls import from_ado, from_jdbc, same_key, technology_of

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "detect"

# importlib, not attribute access: dbwork.detect (the function) shadows the package name
MODULES = sorted(m.name for m in pkgutil.iter_modules(importlib.import_module("dbwork.detect").__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"dbwork.detect.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


YAML_FILES = sorted(p for p in FIXTURES.rglob("*.y*ml") if p.parent.name != "hostile")


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_yaml_subset_agrees_with_pyyaml(path):
    yaml = pytest.importorskip("yaml")  # only to cross-check; dbwork does not need it
    text = path.read_text()
    if "<%" in text or re.search(r"(^|\s)![A-Za-z]", text):
        pytest.skip("ERB or tags: not plain YAML")
    expected = yaml.safe_load(text)
    assert _strings(yamlish.load(text)) == _strings(expected)


def _strings(value):
    if isinstance(value, dict):
        return {str(k): _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@pytest.mark.parametrize("text", ["a: [1, 2", "a:\n  b: 1\n c: 2", "- a\nb: 1", "a: *nope",
                                  "a: " + "[" * 200 + "]" * 200])
def test_yaml_errors_are_yaml_errors(text):
    with pytest.raises((yamlish.YamlError, RecursionError)):
        yamlish.load(text)


def test_yaml_block_scalars_and_quotes():
    doc = yamlish.load("a: |\n  one\n  # not a comment\nb: 'it''s'\nc: \"x # y\"\nd: e # f\n")
    assert doc == {"a": "one\n# not a comment\n", "b": "it's", "c": "x # y", "d": "e"}
    assert doc.key_line == {"a": 1, "b": 4, "c": 5, "d": 6}


def test_js_comments_keep_offsets_and_strings():
    text = 'a("//x") /* b\nc */ d // e\n`/* t */`'
    out = strip_js_comments(text)
    assert len(out) == len(text) and out.count("\n") == 2
    assert '"//x"' in out and "`/* t */`" in out and "b" not in out.split("\n")[0][9:]


def test_js_literal_fallbacks_and_junk():
    value, _ = parse_js_value('{ url: process.env["DB"] ?? "postgres://x@h/db", n: a.b(c, d), m: 1 }', 0)
    assert value["url"].value.name == "DB" and value["url"].value.default == "postgres://x@h/db"
    assert value["n"].value is None and value["m"].value == "1"
    assert parse_js_value("{" * 5000, 0)[0] is not None


@pytest.mark.parametrize("url, tech", [
    ("postgresql+asyncpg://a@h/db", "postgresql"), ("mongodb+srv://c.example.net/x", "mongodb"),
    ("rediss://h:6380", "redis"), ("jdbc:mariadb://h/db", "mariadb"), ("sqlite:///x.db", "sqlite"),
    ("file:./dev.db", "sqlite"), ("https://acct.documents.azure.com:443/", "cosmosdb"),
    ("http://localhost:8000", None), ("not a url", None)])
def test_technology_of(url, tech):
    assert technology_of(url) == tech


def test_jdbc_and_ado():
    assert from_jdbc("jdbc:mysql://db:3306/app?user=u&password=p") == "mysql://u:p@db:3306/app"
    assert from_jdbc("postgresql://x") is None
    assert from_ado("Data Source=app.db") == ("sqlite", "sqlite:///app.db")
    assert from_ado("Server=db;Database=x;Uid=u;Pwd=p;", "mysql") == ("mysql", "mysql://u:p@db/x")
    assert from_ado("nonsense") is None


def test_same_database_key():
    assert same_key("mysql://a@localhost/x") == same_key("mariadb://b:c@127.0.0.1:3306/x")
    assert same_key("postgres://h1/x") != same_key("postgres://h2/x")


@pytest.mark.parametrize("text", [
    "postgres://user:p@ss:word@host/db", "PGPASSWORD=abc123", '"password": "abc123"',
    "Server=x;Password=abc123;", "AccountKey=abc123==", "password => 'abc123'",
    "jdbc:postgresql://h/db?user=u&password=abc123"])
def test_redact(text):
    masked = redact(text)
    assert "abc123" not in masked and "p@ss" not in masked and "***" in masked


@pytest.mark.parametrize("rel, expected", [
    ("prisma/schema.prisma", ["read_prisma.read"]),
    ("docker-compose.override.yml", ["read_compose.read"]),
    ("compose.yaml", ["read_compose.read"]),
    ("backend/requirements/dev.txt", ["read_python.read_requirements"]),
    ("app/config/database.yml", ["read_rails.read"]),
    ("knexfile.ts", ["read_typeorm.read_source", "read_knex.read", "read_jssource.read"]),
    ("src/Api/appsettings.Development.json", ["read_dotnet.read_appsettings"]),
    ("docs/README.md", []), ("config.yml", [])])
def test_reader_table(rel, expected):
    names = [f"{r.__module__.rpartition('.')[2]}.{r.__name__}" for r in readers_for(rel)]
    assert names == expected
