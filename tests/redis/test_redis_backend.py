"""Redis as a migration target, against the real redis-server: the round trip restores
every key byte for byte with its TTL, an applied migration is not applied twice, bad
input is refused with line and column before Redis is touched, a failure mid-migration
leaves step history and rolls back, two migrators take turns under the lock key."""
from __future__ import annotations

import json
import time

import pytest

import dbwork
from dbwork.errors import DataLossRefused, LockTimeout, MigrationFailed, ParseError
from dbwork.backends.redis.execute import BadValue, KeyConflict

from redisserver import OTHER_DB, client

CHANGE = """\
# profiles become hashes under their own prefix; sessions expire; cache moves out
RENAME PATTERN user:*:profile TO profile:{1}
CONVERT profile:* FROM json TO hash
EXPIRE PATTERN session:* 3600
MOVE PATTERN cache:* TO DB %d
CONVERT events:* FROM list TO stream
RENAME FIELD account:* mail TO email
SPLIT FIELD account:* name INTO first_name,last_name
PERSIST PATTERN token:*
""" % OTHER_DB


def seed(r, users: int = 30) -> None:
    pipe = r.pipeline()
    for i in range(1, users + 1):
        pipe.set(f"user:{i}:profile", json.dumps({"name": f"User {i}", "age": 20 + i,
                                                  "tags": ["a", "b"]}))
    pipe.set("session:a1", "s1", px=900_000)
    pipe.set("session:b2", "s2")
    pipe.rpush("events:1", "login", "view", "login")
    pipe.set("cache:home", b"\x00\xffbinary")
    pipe.set("cache:about", "about", ex=7200)
    pipe.hset("account:1", mapping={"name": "Ann Lee", "mail": "ann@example.org"})
    pipe.hset("account:2", mapping={"name": "Cher", "mail": "cher@example.org"})
    pipe.set("token:x", "t", ex=3000)
    pipe.set("other:keep", "untouched")
    pipe.execute()


def snapshot(r) -> dict:
    """Every user key: its DUMP payload (bytes: type, value, encoding) and the moment it
    expires (PEXPIRETIME, Unix ms; -1: never), to the tenth of a second."""
    out = {}
    for key in r.scan_iter(count=100):
        if key.startswith(b"_dbwork"):
            continue
        expires = r.execute_command("PEXPIRETIME", key)
        out[key] = (r.dump(key), -1 if expires < 0 else round(expires / 100))
    return out


def test_round_trip_restores_every_key_byte_for_byte_with_ttls(wb, r):
    seed(r)
    before, other_before = snapshot(r), snapshot(client(OTHER_DB))
    m = wb.migrate("reshape", CHANGE)
    assert m.status == "applied"
    assert r.type("profile:7") == b"hash" and r.hget("profile:7", "age") == b"27"
    assert r.hget("profile:7", "tags") == b'["a", "b"]' and not r.exists("user:7:profile")
    assert 0 < r.ttl("session:b2") <= 3600 and r.ttl("token:x") == -1
    assert client(OTHER_DB).get("cache:home") == b"\x00\xffbinary"
    assert not r.exists("cache:home") and r.type("events:1") == b"stream"
    assert [e[1][b"value"] for e in r.xrange("events:1")] == [b"login", b"view", b"login"]
    assert r.hgetall("account:1") == {b"email": b"ann@example.org", b"first_name": b"Ann",
                                      b"last_name": b"Lee"}
    assert r.hgetall("account:2")[b"last_name"] == b""
    assert [x.status for x in wb.rollback()] == ["rolled_back"]
    assert snapshot(r) == before and snapshot(client(OTHER_DB)) == other_before
    assert not [k for k in r.scan_iter(match="_dbwork_bak_*")]   # backups dropped
    assert list(wb.history()["status"]) == ["rolled_back"]


def test_dry_run_changes_nothing_and_shows_what_would_run(wb, r):
    seed(r, 3)
    before = snapshot(r)
    m = wb.migrate("reshape", CHANGE, dry_run=True)
    assert m.status == "planned" and snapshot(r) == before
    assert "RENAME PATTERN user:*:profile TO profile:{1}" in m.up
    assert f"BACKUP INTO _dbwork_bak_{m.version}_1 FOR RENAME PATTERN" in m.up
    assert f"RESTORE FROM _dbwork_bak_{m.version}_1 FOR user:*:profile" in m.down
    assert r.hlen("_dbwork_migrations") == 0


def test_persistence_off_is_a_warning(wb, r):
    seed(r, 2)
    m = wb.migrate("ttl", "EXPIRE PATTERN session:* 60")
    save, aof = r.config_get("save")["save"], r.config_get("appendonly")["appendonly"]
    off = [w for w in m.warnings if w.startswith("persistence is off")]
    assert bool(off) == (not save and aof == "no")
    assert any("backup _dbwork_bak_" in w and "2 key(s) of session:*" in w for w in m.warnings)
    assert [(c["table"], c["count"]) for c in m.checks if c["table"] == "session:*"] == \
        [("session:*", 2)]


def test_big_keys_are_named(wb, r):
    r.set("blob:1", b"x" * (1 << 20) + b"y")
    r.set("blob:2", b"small")
    m = wb.migrate("expire_blobs", "EXPIRE PATTERN blob:* 600")
    big = [w for w in m.warnings if w.startswith("big keys")]
    assert big and "1 key(s) of blob:*" in big[0] and "blob:1" in big[0]


def test_an_applied_migration_is_reported_not_applied_twice(wb, r):
    seed(r, 3)
    wb.migrate("ttl", "EXPIRE PATTERN session:* 3600")
    r.persist("session:b2")   # if it ran again, b2 would get a TTL back
    again = wb.migrate("ttl", "EXPIRE PATTERN session:* 3600")
    assert any("already applied" in n for n in again.notes)
    assert r.ttl("session:b2") == -1 and len(wb.history()) == 1


@pytest.mark.parametrize("text, line, column, words", [
    ("EXPIRE PATTERN session:* 3600\nEXPIRE PATTERN session:* soon", 2, 26, "seconds"),
    ("RENAME PATTERN user:*:profile TO profile:{2}", 1, 42, "names no *"),
    ("\n\nCONVERT user:* FROM json TO set", 3, 29, "cannot convert json to set"),
    ("MOVE PATTERN cache:* TO 2", 1, 25, "expected DB"),
    ("FLUSHALL", 1, 1, "unknown command"),
    ("RENAME PATTERN a:* TO b", 1, 23, "leaves out {1}"),
    ("DELETE PATTERN _dbwork_migrations", 1, 16, "dbwork's own"),
])
def test_bad_input_is_a_parse_error_with_line_and_column(wb, r, text, line, column, words):
    seed(r, 2)
    before = snapshot(r)
    with pytest.raises(ParseError) as e:
        wb.migrate("bad", text)
    assert (e.value.line, e.value.column) == (line, column) and words in str(e.value)
    assert snapshot(r) == before and r.hlen("_dbwork_migrations") == 0


def test_conflicts_are_refused_before_anything_is_written(wb, r):
    seed(r, 3)
    r.set("profile:2", "in the way")
    r.set("user:bad:json", "{not json")
    before = snapshot(r)
    with pytest.raises(KeyConflict, match="profile:2"):
        wb.migrate("rename", "RENAME PATTERN user:*:profile TO profile:{1}")
    with pytest.raises(BadValue, match="user:bad:json: not JSON"):
        wb.migrate("convert", "CONVERT user:* FROM json TO hash")
    client(OTHER_DB).set("cache:home", "there")
    with pytest.raises(KeyConflict, match=f"database {OTHER_DB} has keys"):
        wb.migrate("move", f"MOVE PATTERN cache:* TO DB {OTHER_DB}")
    assert snapshot(r) == before and r.hlen("_dbwork_migrations") == 0


def test_delete_asks_for_consent_and_comes_back(wb, r):
    seed(r, 2)
    before = snapshot(r)
    with pytest.raises(DataLossRefused, match="delete keys session:\\* over 2"):
        wb.migrate("drop_sessions", "DELETE PATTERN session:*")
    wb.migrate("drop_sessions", "DELETE PATTERN session:*", allow_data_loss=True)
    assert not r.exists("session:a1", "session:b2")
    wb.rollback()
    assert snapshot(r) == before


def test_failure_mid_migration_keeps_step_history_and_rolls_back(wb, r):
    """Step 4 converts in batches of 2 and meets a value that is not JSON after some
    keys are converted (its check could not run at plan time: the keys only get their
    name at step 2). History says how far it got; the rollback restores every key."""
    seed(r, 7)
    r.set("user:zz:profile", "[1, 2]")
    wb.backend.batch = 2
    before = snapshot(r)
    with pytest.raises(MigrationFailed) as e:
        wb.migrate("reshape", "RENAME PATTERN user:*:profile TO profile:{1}\n"
                              "CONVERT profile:* FROM json TO hash")
    assert e.value.step == 4 and "profile:zz is not a JSON object" in str(e.value)
    row = wb.history().iloc[-1]
    assert (row["status"], row["steps_done"]) == ("failed", 3)
    assert any(r.type(f"profile:{i}") == b"hash" for i in range(1, 8))   # half done
    assert [m.status for m in wb.rollback()] == ["rolled_back"]
    assert snapshot(r) == before


def test_a_held_lock_makes_the_second_migrator_fail_clearly(wb, r):
    seed(r, 2)
    r.set("_dbwork_lock", "someone-else:42", px=30_000)
    wb.lock_timeout = 0.5
    with pytest.raises(LockTimeout, match="someone-else:42") as e:
        wb.migrate("ttl", "EXPIRE PATTERN session:* 60")
    assert "expires in" in str(e.value) and r.ttl("session:b2") == -1


def test_a_crashed_holders_lock_runs_out(wb, r):
    seed(r, 2)
    r.set("_dbwork_lock", "crashed:1", px=1200)   # its holder died: nobody renews it
    wb.lock_timeout = 10
    start = time.monotonic()
    assert wb.migrate("ttl", "EXPIRE PATTERN session:* 60").status == "applied"
    assert 0.8 < time.monotonic() - start < 10 and not r.exists("_dbwork_lock")


def test_schema_summarises_patterns_types_and_ttls(wb, r):
    seed(r, 3)
    s = wb.schema()
    assert s.collection("user:*:profile").options == {"type": "string (json)", "ttl": "none"}
    assert s.collection("user:*:profile").documents == 3
    assert s.collection("session:*").options["ttl"] == "some"
    assert s.collection("account:*").field_paths() == ["mail", "name"]
    assert "_dbwork" not in repr(s)


def test_url_and_detection(tmp_path):
    from dbwork.errors import ConfigError
    with pytest.raises(ConfigError, match="by its number"):
        dbwork.connect("redis://127.0.0.1:6379/cache")
    (tmp_path / ".env").write_text("REDIS_URL=redis://127.0.0.1:6379/4\n")
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  cache:\n    image: redis:7\n    ports: ['6380:6379']\n"
        "  kv:\n    image: registry.example.org/team/kv:1\n    ports: ['6381:6379']\n")
    (tmp_path / "package.json").write_text('{"dependencies": {"ioredis": "^5"}}')
    (tmp_path / "requirements.txt").write_text("redis>=5\n")
    found = dbwork.detect(tmp_path)
    urls = {t.display_url for t in found.targets if t.technology == "redis"}
    assert {"redis://127.0.0.1:6379/4", "redis://127.0.0.1:6380/0",
            "redis://127.0.0.1:6381/0"} <= urls
    files = {f.file for f in found.findings if f.name == "redis"}
    assert {"package.json", "requirements.txt"} <= files
