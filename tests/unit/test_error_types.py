"""One error type (issue 11 point 5) and credentials masked in malformed URLs (point 6):
bad input is a DbworkError subclass naming the file, step or URL part, never a
driver's or Python's own exception, and no message, repr or str shows a password."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dbwork
from dbwork.errors import ConfigError, DbworkError, ParseError
from dbwork.url import DatabaseURL, check_query_options, mask_raw_url, mask_url


def test_migration_file_that_is_not_utf8_names_the_file_and_line(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    bad = folder / "20200101000000_latin.sql"
    bad.write_bytes(b"-- migrate:up\nCREATE TABLE caf\xe9 (id INTEGER);\n")
    wb = dbwork.connect(f"sqlite:///{tmp_path / 'a.sqlite'}", migrations=folder)
    with pytest.raises(ParseError) as err:
        wb.upgrade()
    assert str(bad) in str(err.value) and "UTF-8" in str(err.value)
    assert (err.value.line, err.value.column) == (2, 17)


@pytest.mark.parametrize("open_, close", [("{a:", "}"), ("[", "]")])
def test_mongosh_nested_3400_levels_is_a_parse_error(open_, close):
    from dbwork.backends.mongodb.parse import DocumentSchema, parse_mongosh
    text = "db.c.insertOne({x: " + open_ * 3400 + "1" + close * 3400 + "})"
    with pytest.raises(ParseError, match="nested deeper than 100 levels") as err:
        parse_mongosh(text, DocumentSchema())
    assert err.value.line == 1


def test_mongosh_nesting_within_the_limit_still_parses():
    from dbwork.backends.mongodb.parse import parse_calls
    _, [call] = parse_calls("db.c.insertOne(" + "{a:" * 99 + "1" + "}" * 99 + ")")
    depth, doc = 0, call.args[0]
    while isinstance(doc, dict):
        depth, doc = depth + 1, doc["a"]
    assert depth == 99


def test_mysql_password_outside_latin1_is_a_config_error_before_connecting(tmp_path):
    # port 9 (discard) on loopback: nothing listens; the check comes first anyway
    wb = dbwork.connect("mariadb://root:p%E2%82%ACss@127.0.0.1:9/test", migrations=tmp_path)
    with pytest.raises(ConfigError, match="password .* outside latin-1") as err:
        wb.schema()
    assert "p€ss" not in str(err.value) and "%E2%82%AC" not in str(err.value)


@pytest.mark.parametrize("url, option", [
    ("mariadb://root@127.0.0.1:9/test?chrset=utf8", "chrset"),
    ("postgresql://root@127.0.0.1:9/test?sslmod=require", "sslmod"),
    ("sqlite:///x.sqlite?mdoe=ro", "mdoe"),
])
def test_unknown_url_query_option_is_named(url, option, tmp_path):
    wb = dbwork.connect(url.replace("x.sqlite", str(tmp_path / "x.sqlite")),
                        migrations=tmp_path / "m")
    with pytest.raises(ConfigError, match=f"unknown option '{option}'"):
        wb.schema()


def test_known_query_options_pass():
    u = DatabaseURL.parse("postgresql://h/db?sslmode=disable&application_name=x&schema=app")
    assert check_query_options(u)["sslmode"] == "disable"


@pytest.mark.parametrize("url", ["postgresql://:secret@127.0.0.1/test",
                                 "mariadb://@127.0.0.1/test", "mysql://:@h/db"])
def test_empty_user_is_a_config_error(url):
    with pytest.raises(ConfigError, match="user name .* is empty") as err:
        DatabaseURL.parse(url)
    assert "secret" not in str(err.value)


@pytest.mark.parametrize("kw, bad", [({"lock_timeout": -1}, "lock_timeout"),
                                     ({"statement_timeout": "soon"}, "statement_timeout"),
                                     ({"connect_timeout": 0}, "connect_timeout")])
def test_bad_time_limits_are_config_errors(kw, bad, tmp_path):
    with pytest.raises(ConfigError, match=bad):
        dbwork.connect(f"sqlite:///{tmp_path / 'a.sqlite'}", migrations=tmp_path, **kw)


def test_time_limits_from_the_url_and_keywords():
    wb = dbwork.connect("postgresql://h/db?lock_timeout=4&statement_timeout=none",
                        connect_timeout=3)
    assert (wb.timeouts.connect, wb.timeouts.lock, wb.timeouts.statement) == (3, 4.0, None)
    assert wb.lock_timeout == 4.0
    with pytest.raises(ConfigError, match="lock_timeout"):
        dbwork.connect("postgresql://h/db?lock_timeout=soon")


@pytest.mark.parametrize("password", ["pa ss", "p?ss", "p#ss", "p/ss", "p@ss", "pa ss?x#y/z@w"])
def test_malformed_url_never_shows_the_password(password):
    url = f"postgresql://app:{password}@db.example:5432/shop"
    try:
        parsed = DatabaseURL.parse(url)
    except DbworkError as e:
        assert password not in str(e) and password not in repr(e)
    else:
        assert password not in repr(parsed) + str(parsed) + parsed.masked()


# the property: for any password, nothing dbwork builds from the URL shows it
_SECRET = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF,
                                blacklist_categories=("Cs",)), min_size=6, max_size=24)
_TEMPLATES = ["postgresql://app:{pw}@db.example:5432/shop",
              "mariadb://app:{pw}@db.example/shop?charset=utf8mb4",
              "mysql://app:{pw}@db.example:33x6/shop",
              "mongodb://app:{pw}@db.example/shop",
              "postgresql://app:{pw}@/shop"]


def _shown(url: str) -> list[str]:
    """Everything dbwork builds from ``url`` for people to read."""
    shown = [mask_raw_url(url), mask_url(url)]
    try:
        parsed = DatabaseURL.parse(url)
        shown += [repr(parsed), str(parsed), parsed.masked(),
                  parsed.sqlalchemy_url(hide_password=True)]
        wb = dbwork.connect(url)
        shown += [repr(wb), wb.display_url]
        check_query_options(parsed)
    except DbworkError as e:
        shown += [str(e), repr(e)]
    return shown


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(password=_SECRET, template=st.sampled_from(_TEMPLATES))
def test_no_message_repr_or_str_contains_the_password(password, template):
    # a password that the texts hold anyway (a driver name, the host) proves nothing
    baseline = " ".join(_shown(template.format(pw="Q" * 6)) + [template])
    if password in baseline or password.strip() != password:
        return
    for text in _shown(template.format(pw=password)):
        assert password not in text, text
