"""Fresh databases on SQLite, PostgreSQL and MariaDB, each with a unique name, dropped
after the test (as a fixture: tests never import from conftest)."""
from __future__ import annotations

import uuid

import pytest

PG_ADMIN = "host=127.0.0.1 port=5432 user=root dbname=postgres"
MY_HOST = {"host": "127.0.0.1", "port": 3306, "user": "root"}
ENGINES = ["sqlite", "postgresql", "mysql"]


def _server_names(kind: str) -> set[str]:
    """Database names on the server (to prove shadows are dropped)."""
    if kind == "postgresql":
        import psycopg
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            return {r[0] for r in c.execute("SELECT datname FROM pg_database")}
    import pymysql
    c = pymysql.connect(**MY_HOST)
    try:
        with c.cursor() as cur:
            cur.execute("SHOW DATABASES")
            return {r[0] for r in cur.fetchall()}
    finally:
        c.close()


def _execute(kind: str, name: str, sql: str) -> None:
    if kind == "postgresql":
        import psycopg
        with psycopg.connect(f"host=127.0.0.1 port=5432 user=root dbname={name}",
                             autocommit=True) as c:
            c.execute(sql)
        return
    import pymysql
    c = pymysql.connect(database=name, autocommit=True, **MY_HOST)
    try:
        with c.cursor() as cur:
            cur.execute(sql)
    finally:
        c.close()


class Databases:
    """Makes databases of one engine; ``run(url, sql)`` runs SQL behind dbwork's back."""

    def __init__(self, kind: str, tmp_path):
        self.kind, self.tmp_path, self.made = kind, tmp_path, []

    def new(self) -> str:
        name = f"dbwork_vcli_{uuid.uuid4().hex[:10]}"
        self.made.append(name)
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp_path / name}.sqlite"
        if self.kind == "postgresql":
            _execute("postgresql", "postgres", f'CREATE DATABASE "{name}"')
            return f"postgresql://root@127.0.0.1:5432/{name}"
        import pymysql
        c = pymysql.connect(**MY_HOST)
        with c.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
        c.close()
        return f"mysql://root@127.0.0.1:3306/{name}"

    def run(self, url: str, sql: str) -> None:
        name = url.rsplit("/", 1)[1].split("?")[0]
        if self.kind == "sqlite":
            import sqlite3
            c = sqlite3.connect(url.split(":///", 1)[1])
            c.executescript(sql)
            c.close()
            return
        _execute(self.kind, name, sql)

    def names(self) -> set[str]:
        return set() if self.kind == "sqlite" else _server_names(self.kind)

    def drop_all(self) -> None:
        for name in self.made:
            if self.kind == "postgresql":
                _execute("postgresql", "postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            elif self.kind == "mysql":
                import pymysql
                c = pymysql.connect(**MY_HOST)
                with c.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
                c.close()


@pytest.fixture(params=ENGINES)
def dbs(request, tmp_path):
    made = Databases(request.param, tmp_path)
    yield made
    made.drop_all()
