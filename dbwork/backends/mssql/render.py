"""SQL Server's SQL rendering (registered on import)."""
from __future__ import annotations

from ...render.data import copy_into_new_table
from ...render.sql import drop_column_options


@drop_column_options.override("mssql")
def _drop_default_first(dialect, column) -> dict:
    # SQL Server refuses to drop a column while its default constraint exists
    return {"mssql_drop_default": True} if column.default else {}


@copy_into_new_table.override("mssql")
def _select_into(d, target: str, columns: str, source: str) -> str:
    return f"SELECT {columns} INTO {target} FROM {source}"  # T-SQL has no CREATE TABLE ... AS
