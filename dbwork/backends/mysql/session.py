"""MySQL/MariaDB's connections: PyMySQL's time limits, latin-1 credentials checked
before connecting, the connection id (registered on import)."""
from __future__ import annotations

from ...execute.faults import describe_lock_holders
from ...execute.locks import limit_statements, stretch_read_timeout
from ...execute.sql import (_check_latin1, apply_limits, connect_args, end_session_sql,
                            session_id_sql)


@connect_args.override("mysql")
def _pymysql_args(dialect, url, t) -> dict:
    for part, value in (("user name", url.username), ("password", url.password)):
        _check_latin1(url, part, value)
    # PyMySQL reads the server's greeting with read_timeout: bound it by connect
    return {"connect_timeout": t.connect, "read_timeout": t.connect,
            "write_timeout": t.client_deadline() or t.connect * 3}


@apply_limits.override("mysql")
def _limits_and_read_timeout(dialect, dbapi_conn, cur, statements, t) -> None:
    apply_limits.default(dialect, dbapi_conn, cur, statements, t)
    dbapi_conn._read_timeout = t.client_deadline()


@session_id_sql.override("mysql")
def _connection_id(dialect) -> str:
    return "SELECT CONNECTION_ID()"


@end_session_sql.override("mysql")
def _kill(dialect, backend_id) -> str:
    return f"KILL {int(backend_id)}"


@limit_statements.override("mysql")
def _lock_waits(dialect, lock: float, statement: float | None) -> list[str]:
    whole = max(1, int(-(-lock // 1)))  # whole seconds, at least 1
    out = [f"SET SESSION lock_wait_timeout = {whole}",
           f"SET SESSION innodb_lock_wait_timeout = {whole}"]
    if statement is not None:  # MariaDB's name (seconds); MySQL has no such variable
        out.append(f"SET SESSION max_statement_time = {float(statement or 0):g}")
    return out


@stretch_read_timeout.override("mysql")
def _read_timeout(dialect, raw, deadline) -> None:
    raw._read_timeout = deadline


@describe_lock_holders.override("mysql")
def _process_list(dialect, conn, limit: int) -> str:
    rows = conn.exec_driver_sql(_HOLDERS.format(limit=limit)).all()
    return "; ".join(f"connection {r[0]} ({r[1]}@{r[2]}, {r[3]}"
                     f"{', ' + repr(r[4]) if r[4] else ''})" for r in rows)


_HOLDERS = """
SELECT ID, USER, HOST, COALESCE(NULLIF(STATE, ''), COMMAND), LEFT(COALESCE(INFO, ''), 60)
FROM information_schema.PROCESSLIST
WHERE DB = DATABASE() AND ID <> CONNECTION_ID() ORDER BY ID LIMIT {limit}"""
