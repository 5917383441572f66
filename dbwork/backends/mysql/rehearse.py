"""MySQL/MariaDB's rehearsal copy: a scratch database, each table's DDL and a sample of its rows."""
from __future__ import annotations

from contextlib import contextmanager
from ...safety.rehearse import _admin_engine, _scratch_name, copy_for_rehearsal


@copy_for_rehearsal.override("mysql")
@contextmanager
def _mysql_copy(dialect, wb, sample_rows: int):
    real, scratch = wb.url.database, _scratch_name(wb.url.database)
    engine = _admin_engine(wb.url)
    sampled = {}
    try:
        with engine.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {dialect.quote(scratch)}")
            tables = [r[0] for r in c.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                "AND table_type = 'BASE TABLE'", (real,))]
            c.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
            for t in tables:
                sampled.update(_mysql_copy_table(dialect, c, real, scratch, t, sample_rows))
            c.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
        yield wb.url.with_database(scratch), sampled
    finally:
        with engine.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {dialect.quote(scratch)}")
        engine.dispose()


def _mysql_copy_table(dialect, c, real, scratch, t, sample_rows) -> dict:
    src, dst = dialect.qualified(real, t), dialect.qualified(scratch, t)
    ddl = c.exec_driver_sql(f"SHOW CREATE TABLE {src}").fetchone()[1]
    c.exec_driver_sql(f"USE {dialect.quote(scratch)}")
    c.exec_driver_sql(ddl)
    total = int(c.exec_driver_sql(f"SELECT COUNT(*) FROM {src}").scalar())
    limit = f" LIMIT {int(sample_rows)}" if total > sample_rows else ""
    c.exec_driver_sql(f"INSERT INTO {dst} SELECT * FROM {src}{limit}")
    return {t: f"{sample_rows} of {total}"} if limit else {}
