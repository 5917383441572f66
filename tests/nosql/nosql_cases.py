"""What the one behaviour suite (test_one_suite.py) needs to know about each NoSQL
backend: a ``Case`` per backend.

A case opens Workbenches on a fresh, empty place of its server (``open``), seeds some
data (``seed``), takes a ``snapshot`` of every user key/item that must come back byte
for byte after a rollback, and names, in its own language, a realistic ``change``, a
``bad`` input with the line and column its ParseError must carry, and a ``failing``
change that the server refuses at a later step (after earlier steps wrote).

    case = CASES["redis"].make(request, tmp_path)
    wb = case.open()
    case.seed(wb)
    wb.migrate("reshape", case.change(wb))
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass


@dataclass
class Bad:
    """A bad input and where its ParseError must point."""
    text: str
    line: int
    column: int
    words: str


@dataclass
class Failing:
    """A change the server refuses at ``step``, after ``steps_done`` steps wrote."""
    text: str
    step: int
    steps_done: int
    words: str


class Case:
    """A backend's place on its server, and its data, change and inputs."""

    name = ""

    def __init__(self, url: str, tmp_path):
        self.url = url
        self.tmp_path = tmp_path
        self.benches = []

    def open(self, folder: str = "migrations", lock_timeout: float = 10.0):
        """A Workbench on this case's place, with its own migrations folder."""
        import dbwork
        wb = dbwork.connect(self.url, migrations=self.tmp_path / folder,
                            lock_timeout=lock_timeout)
        self.benches.append(wb)
        return wb

    def close(self) -> None:
        for wb in self.benches:
            wb.close()

    # each backend says these
    def seed(self, wb) -> None: ...
    def snapshot(self, wb): ...
    def change(self, wb) -> str: ...
    def bad(self, wb) -> Bad: ...
    def failing(self, wb) -> Failing: ...


# -- Redis ------------------------------------------------------------------------------
class RedisCase(Case):
    """Keys of one database number; the snapshot is every key's DUMP and expiry."""

    name = "redis"

    @classmethod
    def make(cls, request, tmp_path):
        import freshdb
        try:
            import redis  # noqa: F401
        except ImportError:
            freshdb.skip_or_fail("the redis client is not installed (pip install dbwork[redis])")
        from redisserver import DB, SERVER, client
        db = DB + 2          # not the Redis suite's two numbers
        r = client(db)
        try:
            r.ping()
        except Exception as e:  # noqa: BLE001 - any connection error: no server
            freshdb.skip_or_fail(f"Redis at {SERVER} is not reachable: {e}")
        r.flushdb()
        case = cls(f"{SERVER}/{db}", tmp_path)
        case.r = r
        return case

    def close(self) -> None:
        super().close()
        self.r.flushdb()
        self.r.close()

    def seed(self, wb) -> None:
        pipe = self.r.pipeline()
        for i in range(1, 13):
            pipe.set(f"user:{i}:profile", json.dumps({"name": f"User {i}", "age": 20 + i}))
        pipe.set("session:a1", "s1", px=900_000)
        pipe.set("session:b2", "s2")
        pipe.hset("account:1", mapping={"name": "Ann Lee", "mail": "ann@example.org"})
        pipe.set("blob:1", b"\x00\xffbinary")
        pipe.execute()

    def snapshot(self, wb) -> dict:
        out = {}
        for key in self.r.scan_iter(count=100):
            if key.startswith(b"_dbwork"):
                continue
            expires = self.r.execute_command("PEXPIRETIME", key)
            out[key] = (self.r.dump(key), -1 if expires < 0 else round(expires / 100))
        return out

    def change(self, wb) -> str:
        return ("RENAME PATTERN user:*:profile TO profile:{1}\n"
                "CONVERT profile:* FROM json TO hash\n"
                "EXPIRE PATTERN session:* 3600\n"
                "RENAME FIELD account:* mail TO email\n")

    def bad(self, wb) -> Bad:
        return Bad("EXPIRE PATTERN session:* 3600\nEXPIRE PATTERN session:* soon", 2, 26,
                   "seconds")

    def failing(self, wb) -> Failing:
        # step 4 converts in batches of 2 and meets a value that is not a JSON object
        # after some keys are converted (it gets its name only at step 2)
        self.r.set("user:zz:profile", "[1, 2]")
        wb.backend.batch = 2
        return Failing("RENAME PATTERN user:*:profile TO profile:{1}\n"
                       "CONVERT profile:* FROM json TO hash", 4, 3,
                       "profile:zz is not a JSON object")


# -- DynamoDB ---------------------------------------------------------------------------
ORDERS = """CREATE TABLE {p}orders KEY (customer S HASH, order_id S RANGE)
    GSI by_status (status S HASH, created N RANGE) PROJECTION INCLUDE (total)
    TTL expires_at"""


class DynamoCase(Case):
    """Tables of one name prefix; the snapshot is every item as canonical JSON."""

    name = "dynamodb"

    @classmethod
    def make(cls, request, tmp_path):
        endpoint = request.getfixturevalue("moto_endpoint")
        prefix = f"t{uuid.uuid4().hex[:8]}_"
        case = cls(f"dynamodb://{endpoint}?region=us-east-1&prefix={prefix}", tmp_path)
        case.prefix = prefix
        return case

    def seed(self, wb) -> None:
        p = self.prefix
        wb.migrate("orders", ORDERS.format(p=p))
        client = wb.backend.client
        for i in range(12):
            item = {"customer": {"S": f"c{i % 4}"}, "order_id": {"S": f"{i:03}"},
                    "status": {"S": "new" if i % 3 else "paid"},
                    "created": {"N": str(1000 + i)}, "total": {"N": f"{i}.50"},
                    "name": {"S": f"Ann Lee {i}"}, "blob": {"B": bytes([i, 0, 255])},
                    "tags": {"SS": ["a", f"t{i}"]}}
            if i % 5 == 0:
                item["qty"] = {"N": str(i)}
            client.put_item(TableName=f"{p}orders", Item=item)

    def snapshot(self, wb) -> dict:
        client, out = wb.backend.client, {}
        from moto_emulator import table_names
        for name in table_names(client, self.prefix):
            if "dbwork_" not in name:
                items = client.scan(TableName=name, ConsistentRead=True)["Items"]
                out[name] = sorted(json.dumps(i, sort_keys=True, default=repr) for i in items)
        out["(schema)"] = repr(wb.schema().shape())
        return out

    def change(self, wb) -> str:
        p = self.prefix
        return (f"RENAME ATTRIBUTE qty TO quantity IN {p}orders\n"
                f'SPLIT ATTRIBUTE name ON " " INTO first_name, last_name IN {p}orders\n'
                f'ADD ATTRIBUTE currency = "EUR" TO {p}orders\n')

    def bad(self, wb) -> Bad:
        p = self.prefix
        return Bad(f"STREAM ON {p}orders\nRENAME ATTRIBUTE customer TO who IN {p}orders",
                   2, 18, "customer")

    def failing(self, wb) -> Failing:
        # a number where SPLIT wants a string: found while step 4 writes
        p = self.prefix
        wb.backend.client.put_item(TableName=f"{p}orders", Item={
            "customer": {"S": "x"}, "order_id": {"S": "x"}, "label": {"N": "7"}})
        return Failing(f"RENAME ATTRIBUTE qty TO quantity IN {p}orders\n"
                       f'SPLIT ATTRIBUTE label ON "-" INTO a, b IN {p}orders\n'
                       f"TTL OFF {p}orders", 4, 3, "not a string")


# -- Cosmos DB --------------------------------------------------------------------------
USERS = "CREATE CONTAINER users PARTITION KEY /tenant UNIQUE KEY /email"


class CosmosCase(Case):
    """Containers of one database; the snapshot is every item (without the server's
    own properties) as canonical JSON, and each container's definition."""

    name = "cosmos"

    @classmethod
    def make(cls, request, tmp_path):
        base, query = request.getfixturevalue("cosmos_endpoint")
        case = cls(f"{base}/dbw_{uuid.uuid4().hex[:10]}{query}", tmp_path)
        return case

    def close(self) -> None:
        wb = self.open("cleanup")
        try:
            wb.backend.client.delete_database(wb.backend.account.database)
        except Exception:  # noqa: BLE001 - never made
            pass
        super().close()

    def seed(self, wb) -> None:
        wb.migrate("users", USERS)
        users = wb.backend.db.get_container_client("users")
        for i in range(6):
            users.create_item({"id": f"u{i}", "tenant": f"t{i % 2}", "email": f"u{i}@x.org",
                               "name": f"N{i % 3}", "age": 20 + i, "score": 1.5 * i,
                               "tags": ["a", {"b": [1, None, True]}]})

    def snapshot(self, wb) -> dict:
        from dbwork.backends.cosmos.items import clean
        out, schema = {}, wb.schema()           # user containers only (no dbwork_*)
        for name in schema.collections:
            items = wb.backend.db.get_container_client(name).read_all_items()
            out[name] = sorted(json.dumps(clean(i), sort_keys=True) for i in items)
            out[name + " (definition)"] = json.dumps(
                dict(schema.collection(name).options), sort_keys=True, default=repr)
        return out

    def change(self, wb) -> str:
        return ("UPDATE ITEMS users RENAME name TO display_name\n"
                'UPDATE ITEMS users SET plan = {"tier": "free", "seats": 1}\n'
                "UPDATE ITEMS users REMOVE score\n")

    def bad(self, wb) -> Bad:
        return Bad("UPDATE ITEMS users SET active = true\nDROP CONTAINERS users", 2, 6,
                   "CONTAINERS")

    def failing(self, wb) -> Failing:
        # without email, two items of one tenant share the unique key's (missing)
        # value: the server refuses the second one, half-way through step 3
        return Failing("CREATE CONTAINER audit PARTITION KEY /day\n"
                       "UPDATE ITEMS users REMOVE email", 3, 2, "")


CASES = {c.name: c for c in (RedisCase, DynamoCase, CosmosCase)}
