"""The Redis cell language without a server: every command parses, renders back to the
same text and parses to the same operation; mistakes point at their line and column;
each operation's inverse; glob patterns and rename templates."""
from __future__ import annotations

import pytest

from dbwork.backends.redis import ops as o
from dbwork.backends.redis.keys import KeyGlob, summary_pattern
from dbwork.backends.redis.parse import parse_commands, parse_line, split_commands
from dbwork.backends.redis.render import render
from dbwork.errors import IrreversibleError, ParseError

COMMANDS = [
    ("RENAME PATTERN user:*:profile TO profile:{1}", o.RenamePattern("user:*:profile", "profile:{1}")),
    ("CONVERT user:* FROM json TO hash", o.ConvertValues("user:*", "json", "hash")),
    ("CONVERT q:* FROM list TO stream", o.ConvertValues("q:*", "list", "stream")),
    ("EXPIRE PATTERN session:* 3600", o.ExpirePattern("session:*", 3600)),
    ("PERSIST PATTERN session:*", o.PersistPattern("session:*")),
    ("MOVE PATTERN cache:* TO DB 2", o.MovePattern("cache:*", 2)),
    ("RENAME FIELD account:* mail TO email", o.RenameField("account:*", "mail", "email")),
    ('SPLIT FIELD account:* name INTO first,last SEPARATOR " "',
     o.SplitField("account:*", "name", ("first", "last"), " ")),
    ("DELETE PATTERN tmp:*", o.DeletePattern("tmp:*")),
    ('RENAME PATTERN "a b:*" TO "c d:{1}"', o.RenamePattern("a b:*", "c d:{1}")),
]


@pytest.mark.parametrize("text, op", COMMANDS)
def test_every_command_parses_and_renders_back(text, op):
    assert parse_line(text) == op
    assert render(op) == [text]
    backup, backed_up = op.backed_up("_dbwork_bak_1_1")
    assert render(backed_up) == [text]                  # the backup changes only its undo
    assert parse_line(render(backup)[0]) == backup      # BACKUP INTO ... FOR <command>


def test_keywords_are_case_insensitive_and_files_end_statements_with_semicolons():
    assert parse_line("rename pattern u:* to v:{1};") == o.RenamePattern("u:*", "v:{1}")
    assert split_commands("# c\n-- d\nPERSIST PATTERN a:*;\n\n") == ["PERSIST PATTERN a:*"]


@pytest.mark.parametrize("text, line, column, words", [
    ("PERSIST PATTERN a:*\nEXPIRE PATTERN s:* -5", 2, 20, "seconds"),
    ("RENAME PATTERN u:*:* TO p:{1}", 1, 25, "leaves out {2}"),
    ("RENAME PATTERN u:* TO p:{3}", 1, 25, "{3} names no *"),
    ("CONVERT u:* FROM xml TO hash", 1, 18, "unknown value format 'xml'"),
    ("MOVE PATTERN c:* TO DB", 1, 23, "database number is missing"),
    ("SPLIT FIELD a:* name INTO first", 1, 32, "two or more"),
    ("EXPIRE PATTERN s:* 10 now", 1, 23, "unexpected 'now'"),
    ("\n  KEYS *", 2, 3, "unknown command 'KEYS'"),
])
def test_mistakes_name_line_and_column(text, line, column, words):
    with pytest.raises(ParseError) as e:
        parse_commands(text)
    assert (e.value.line, e.value.column) == (line, column) and words in str(e.value)


def test_inverses_without_a_backup():
    assert o.RenamePattern("u:*:p:*", "p:{2}:{1}").reverse() == o.RenamePattern("p:*:*", "u:{2}:p:{1}")
    assert o.ConvertValues("u:*", "json", "hash").reverse() == o.ConvertValues("u:*", "hash", "json")
    assert o.RenameField("a:*", "x", "y").reverse() == o.RenameField("a:*", "y", "x")
    for op in (o.ConvertValues("u:*", "list", "set"), o.ExpirePattern("s:*", 5),
               o.MovePattern("c:*", 1), o.DeletePattern("t:*")):
        with pytest.raises(IrreversibleError):
            op.reverse()


def test_with_a_backup_the_rollback_is_the_restore():
    backup, op = o.ExpirePattern("s:*", 5).backed_up("_dbwork_bak_9_1")
    assert render(op.reverse()) == []
    assert render(backup.reverse()) == ["RESTORE FROM _dbwork_bak_9_1 FOR s:*"]
    assert o.DeletePattern("t:*").loss() == ("delete keys t:*", "t:*")


def test_globs_templates_and_summary_patterns():
    g = KeyGlob("order:[0-9]?:*")
    assert g.matches(b"order:12:x") and not g.matches(b"order:a2:x")
    assert not KeyGlob("*").matches(b"_dbwork_migrations")
    assert KeyGlob("u:*:p:*").rename(b"u:7:p:x", "p:{2}:{1}") == b"p:x:7"
    assert o.RenamePattern("user:*", "u:{1}").targets(b"user:5", 3) == [(3, b"u:5")]
    assert o.MovePattern("c:*", 2).targets(b"c:1", 0) == [(2, b"c:1")]
    assert summary_pattern(b"session:3f2a9c0d11") == "session:*"
    assert summary_pattern(b"config") == "config"


def test_a_password_only_url_is_accepted_and_never_shown(tmp_path):
    import dbwork
    from dbwork.errors import ConfigError
    from dbwork.url import DatabaseURL
    wb = dbwork.connect("redis://:s3cret@127.0.0.1:6379/4", migrations=tmp_path)
    assert wb.backend.db == 4 and wb.url.password == "s3cret" and wb.url.username is None
    assert "s3cret" not in repr(wb) + wb.display_url
    with pytest.raises(ConfigError, match="user name"):   # other backends still refuse it
        DatabaseURL.parse("postgresql://:pw@127.0.0.1/db")
