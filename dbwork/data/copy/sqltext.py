"""SQLite writes the bulk-load text itself: one SELECT per key range returns the rows
already spelled as PostgreSQL's COPY text or MariaDB's LOAD DATA tab-separated lines,
joined in one string (SQLite runs without the GIL, so two chunks spell side by side,
and psycopg's per-row formatting is skipped). Pure: it only builds SQL.

SQLite is dynamically typed, so each column takes only the storage classes its family
expects, spelled exactly as the row-by-row path would send them: NULL as ``\\N``; text
with backslash, tab and line breaks escaped (checked with one GLOB first; for
MariaDB a NUL, which SQLite's replace() cannot find, sends the batch the Python way); integers as
they are; a REAL in SQLite's 15 digits when they read back as the same double, else in
Python's ``repr`` (a registered function: no double loses a bit); a BLOB as bytea hex
for PostgreSQL. Any other value (a text in an INTEGER column, a BLOB for MariaDB) makes
its line NULL: lines are counted against rows, and such a batch goes the Python
way, where a refused row is named.

>>> sql = batch_sql(lambda n: f'"{n}"', "t", ("id", "a"), ("integer", "text"), "id", "copy")
>>> sql.startswith("SELECT COUNT(*), group_concat(CASE typeof")
True
"""
from __future__ import annotations

REPR = "dbwork_float_repr"   # the registered function: repr() of a double

# per format: each character a text escapes, and its escaped spelling (SQL literals)
_ESCAPES = {
    "copy": (("\\", "'\\\\'"), ("char(9)", "'\\t'"), ("char(10)", "'\\n'"),
             ("char(13)", "'\\r'")),
    "tsv": (("\\", "'\\\\'"), ("char(9)", "'\\t'"), ("char(10)", "'\\n'")),
}


def _escaped(expr: str, fmt: str) -> str:
    """``expr`` (a text) with the format's special characters escaped.

    >>> _escaped("c", "tsv").count("replace(")
    3
    """
    out = expr
    for char, escaped in _ESCAPES[fmt]:
        char = f"'{char}'" if char == "\\" else char
        out = f"replace({out}, {char}, {escaped})"
    return out


NUMBERS = ("integer", "bool", "numeric", "real")


def value_sql(col: str, family: str, fmt: str) -> str:
    """The text of one column's value in the load format ('copy' or 'tsv'), or NULL
    for a value of a storage class the column's family does not expect.

    >>> value_sql("c", "integer", "copy")
    "CASE typeof(c) WHEN 'integer' THEN c WHEN 'null' THEN '\\\\N' ELSE NULL END"
    """
    whens = []
    if family != "binary":
        whens.append(f"WHEN 'integer' THEN {col}")
    if family in NUMBERS and family != "integer" or family == "other":
        # SQLite's 15 digits where they read back as the same double (a zero goes to
        # repr, which keeps the sign of -0.0)
        whens.append(f"WHEN 'real' THEN CASE WHEN CAST(CAST({col} AS TEXT) AS REAL) = {col} "
                     f"AND {col} <> 0 THEN CAST({col} AS TEXT) ELSE {REPR}({col}) END")
    if family not in ("integer", "bool"):
        # SQLite's replace() cannot find a NUL: a text holding one goes the Python way
        nul = f"WHEN instr({col}, char(0)) THEN NULL " if fmt == "tsv" else ""
        whens.append(f"WHEN 'text' THEN CASE {nul}WHEN {col} GLOB {_special(fmt)} "
                     f"THEN {_escaped(col, fmt)} ELSE {col} END")
    if family == "binary" and fmt == "copy":
        whens.append(f"WHEN 'blob' THEN '\\\\x' || hex({col})")
    return f"CASE typeof({col}) {' '.join(whens)} WHEN 'null' THEN '\\N' ELSE NULL END"


def _special(fmt: str) -> str:
    """A GLOB pattern matching a text that holds a character the format escapes."""
    codes = ", ".join(str(ord(ch)) if ch == "\\" else ch[5:-1]
                      for ch, _ in _ESCAPES[fmt])
    return f"'*[' || char({codes}) || ']*'"


def batch_sql(q, table: str, columns, families, key: str, fmt: str) -> str:
    """One SELECT over the keys in (?, ?]: how many rows, and their lines joined by
    newlines (a row with a value the format cannot spell has no line: count them with
    :func:`lines_in`; one SELECT, as a subquery would spell every line twice)."""
    line = " || char(9) || ".join(value_sql(q(c), f, fmt) for c, f in zip(columns, families))
    k = q(key)
    return (f"SELECT COUNT(*), group_concat({line}, char(10)) FROM {q(table)} "
            f"WHERE {k} > ? AND {k} <= ?")


def lines_in(data: bytes | None) -> int:
    """How many lines SQLite joined (a newline inside a value is escaped, so each raw
    newline separates two rows).

    >>> lines_in(None), lines_in(b"1\\ta"), lines_in(b"1\\ta\\n2\\tb\\\\n")
    (0, 1, 2)
    """
    return data.count(b"\n") + 1 if data else 0


def register(conn) -> None:
    """Register the function the SELECTs call on a sqlite3 connection."""
    conn.create_function(REPR, 1, repr, deterministic=True)
