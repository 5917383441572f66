"""PostgreSQL's connections: libpq's time limits and keepalives, session limits that
must hold, a client-side deadline (psycopg has no read timeout), the search path,
the backend pid (registered on import)."""
from __future__ import annotations

from sqlalchemy import event

from ...execute.faults import describe_lock_holders
from ...multi.fleets import server_names_query
from ...execute.locks import limit_statements
from ...execute.sql import (_arm, _disarm, apply_limits, connect_args, end_session_sql,
                            has_table_here, listen_for_deadline, session_id_sql)


@connect_args.override("postgresql")
def _libpq_args(dialect, url, t) -> dict:
    # libpq: connect_timeout (whole seconds, at least 2); keepalives notice a host
    # that died; tcp_user_timeout a peer that stopped acknowledging what we send
    return {"connect_timeout": max(2, int(-(-t.connect // 1))), "keepalives": 1,
            "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
            "tcp_user_timeout": int(max(t.connect, 10) * 1000)}


@apply_limits.override("postgresql")
def _limits_that_hold(dialect, dbapi_conn, cur, statements, t) -> None:
    for sql in statements:
        cur.execute(sql)   # every variable exists here: a failure is real
    dbapi_conn.commit()


@listen_for_deadline.override("postgresql")
def _timer(dialect, engine, timeouts) -> None:
    if timeouts.client_deadline():
        event.listen(engine, "before_cursor_execute", _arm)
        event.listen(engine, "after_cursor_execute", _disarm)
        event.listen(engine, "handle_error", lambda ctx: _disarm(ctx.connection))


@has_table_here.override("postgresql")
def _on_search_path(dialect, conn, table: str) -> bool:
    return conn.exec_driver_sql(f"SELECT to_regclass('{table}')").scalar() is not None


@session_id_sql.override("postgresql")
def _pid(dialect) -> str:
    return "SELECT pg_backend_pid()"


@end_session_sql.override("postgresql")
def _terminate(dialect, backend_id) -> str:
    return f"SELECT pg_terminate_backend({int(backend_id)})"


@limit_statements.override("postgresql")
def _timeouts(dialect, lock: float, statement: float | None) -> list[str]:
    out = [f"SET lock_timeout = '{int(lock * 1000)}ms'"]
    if statement is not None:
        out.append(f"SET statement_timeout = '{int((statement or 0) * 1000)}ms'")
    return out


@describe_lock_holders.override("postgresql")
def _pg_locks(dialect, conn, limit: int) -> str:
    rows = conn.exec_driver_sql(_HOLDERS.format(limit=limit)).all()
    return "; ".join(f"pid {r[0]} ({r[1]}, {r[2]}: {r[3]!r})" for r in rows)


_HOLDERS = """
SELECT DISTINCT a.pid, a.usename, a.state, left(coalesce(a.query, ''), 60)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.pid <> pg_backend_pid() AND a.datname = current_database()
  AND l.locktype IN ('relation', 'tuple', 'transactionid', 'advisory')
ORDER BY a.pid LIMIT {limit}"""


@server_names_query.override("postgresql")
def _catalog_names(dialect, url, kind: str):
    """Schemas of the URL's database, or the server's databases (asked on postgres)."""
    from dataclasses import replace
    if kind == "schemas":
        return (replace(url, query=""),
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE :p ORDER BY 1")
    return (replace(url, database="postgres", query=""),
            "SELECT datname FROM pg_database WHERE datname LIKE :p ORDER BY 1")
