"""Seed rows from where people keep them: a list of dicts, a DataFrame, a CSV, JSON or
YAML file, or the text of a ``%%seed`` cell. Pure (files are read, nothing else); each
row remembers the line it came from, so an error can name it.

>>> s = parse_text("code,name\\nFR,France\\nDE,Germany\\n", "countries")
>>> [(r.line, r.values) for r in s.rows]
[(2, {'code': 'FR', 'name': 'France'}), (3, {'code': 'DE', 'name': 'Germany'})]
>>> parse_text('[{"code": "FR"}]', "countries").typed
True
"""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SeedError

SUFFIXES = {".csv": "csv", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class SeedRow:
    """One row: column -> value, and its line in the source (for rows given in
    memory, its 1-based position)."""

    values: dict
    line: int | None = None


@dataclass(frozen=True)
class SeedSet:
    """The rows of one table from one source. ``typed`` is False for CSV, whose
    values are text to be read by the column's type; ``key`` as the source named it."""

    table: str
    rows: tuple[SeedRow, ...]
    source: str = "<rows>"
    key: tuple[str, ...] | None = None
    typed: bool = True
    columns: tuple[str, ...] = field(default=())

    def column_names(self) -> tuple[str, ...]:
        """Every column any row names, in first-seen order."""
        seen: dict[str, None] = dict.fromkeys(self.columns)
        for r in self.rows:
            seen.update(dict.fromkeys(r.values))
        return tuple(seen)


def as_key(key) -> tuple[str, ...] | None:
    """``"code"``, ``"a,b"`` or a sequence -> a tuple of column names."""
    if key is None:
        return None
    if isinstance(key, str):
        return tuple(k.strip() for k in key.split(",") if k.strip())
    return tuple(key)


def read_rows(table: str, rows, key=None) -> SeedSet:
    """A SeedSet from a list of dicts, a pandas DataFrame, or a path to a file.

    >>> read_rows("t", [{"id": 1}], key="id").key
    ('id',)
    """
    if isinstance(rows, (str, Path)):
        s = read_file(Path(rows), table)
    elif hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        s = _from_frame(table, rows)
    elif isinstance(rows, (list, tuple)):
        s = _from_dicts(table, rows, "<rows>")
    else:
        raise SeedError(f"rows for {table} must be a list of dicts, a DataFrame or a file "
                        f"path, not {type(rows).__name__}", table=table)
    k = as_key(key)
    return SeedSet(s.table, s.rows, s.source, k or s.key, s.typed, s.columns)


def read_file(path: Path, table: str | None = None) -> SeedSet:
    """A seed file (.csv, .json, .yaml/.yml); the table is the file's stem by default."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SeedError(f"unknown seed file type {path.suffix!r} (use .csv, .json or .yaml)",
                        source=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SeedError(f"cannot read the file: {e.strerror}", source=str(path)) from None
    except UnicodeDecodeError as e:
        raise SeedError(f"not UTF-8 text ({e.reason})", source=str(path)) from None
    return parse_text(text, table or path.stem, fmt, str(path))


def sniff(text: str) -> str:
    """The format of cell text: JSON, YAML (a list of mappings) or CSV."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if first[:1] in "[{":
        return "json"
    if first.startswith("- ") or first == "-" or first.startswith(("key:", "rows:")):
        return "yaml"
    return "csv"


def parse_text(text: str, table: str, fmt: str | None = None,
               source: str = "<cell>") -> SeedSet:
    """Rows from text in ``fmt`` (sniffed when None)."""
    fmt = fmt or sniff(text)
    parse = {"csv": _parse_csv, "json": _parse_json, "yaml": _parse_yaml}[fmt]
    return parse(text, table, source)


# -- CSV ---------------------------------------------------------------------------------
def _parse_csv(text: str, table: str, source: str) -> SeedSet:
    """Header line, then rows; an empty field is NULL; a leading ``# key: a,b`` line
    names the key. A line with the wrong number of fields is an error naming it."""
    lines = text.splitlines(keepends=True)
    key, skip = None, 0
    while skip < len(lines) and lines[skip].lstrip().startswith("#"):
        head = lines[skip].lstrip()[1:].strip()
        if head.lower().startswith("key:"):
            key = as_key(head[4:])
        skip += 1
    reader = csv.reader(io.StringIO("".join(lines[skip:])), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise SeedError("no header line (column names)", source=source, line=skip + 1)
        header = [h.strip() for h in header]
        _check_header(header, source, skip + 1)
        rows = []
        for fields in reader:
            line = reader.line_num + skip
            if not fields or fields == [""]:
                continue
            if len(fields) != len(header):
                raise SeedError(f"malformed line: {len(fields)} field(s) where the header "
                                f"has {len(header)}", source=source, line=line)
            rows.append(SeedRow({h: (v if v != "" else None) for h, v in zip(header, fields)},
                                line))
    except csv.Error as e:
        raise SeedError(f"malformed CSV: {e}", source=source,
                        line=reader.line_num + skip) from None
    return SeedSet(table, tuple(rows), source, key, typed=False, columns=tuple(header))


def _check_header(header: list[str], source: str, line: int) -> None:
    for i, h in enumerate(header):
        if not h:
            raise SeedError(f"column {i + 1} of the header has no name", source=source, line=line)
        if h in header[:i]:
            raise SeedError("column named twice in the header", source=source, line=line,
                            column=h)


# -- JSON --------------------------------------------------------------------------------
def _parse_json(text: str, table: str, source: str) -> SeedSet:
    """A list of objects, or ``{"key": ..., "rows": [...]}``; each row's line is where
    its object starts."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SeedError(f"malformed JSON: {e.msg} (column {e.colno})", source=source,
                        line=e.lineno) from None
    key, items = _unwrap(doc, source)
    starts = _json_starts(text) if isinstance(doc, list) else _json_starts(text, "rows")
    lines = starts if len(starts) == len(items) else [None] * len(items)
    return _from_dicts(table, items, source, lines, key)


def _json_starts(text: str, member: str | None = None) -> list[int]:
    """Line numbers where each element of the top-level array (or of ``member``) starts."""
    dec = json.JSONDecoder()
    i = text.index("[", text.index(f'"{member}"') if member else 0) + 1
    out = []
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            return out
        out.append(text.count("\n", 0, i) + 1)
        _, i = dec.raw_decode(text, i)


def _unwrap(doc, source: str):
    if isinstance(doc, dict) and "rows" in doc:
        return as_key(doc.get("key")), doc["rows"] if isinstance(doc["rows"], list) else None
    if isinstance(doc, list):
        return None, doc
    raise SeedError("expected a list of rows, or a mapping with 'rows' (and 'key')",
                    source=source, line=1)


# -- YAML --------------------------------------------------------------------------------
def _parse_yaml(text: str, table: str, source: str) -> SeedSet:
    import yaml
    try:
        doc = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise SeedError(f"malformed YAML: {e.problem} (column {mark.column + 1})",
                        source=source, line=mark.line + 1) from None
    except yaml.YAMLError as e:
        raise SeedError(f"malformed YAML: {e}", source=source) from None
    key, items = _unwrap(doc, source)
    seq = node
    if isinstance(node, yaml.MappingNode):
        seq = next(v for k, v in node.value if k.value == "rows")
    lines = [n.start_mark.line + 1 for n in getattr(seq, "value", [])]
    return _from_dicts(table, items, source, lines if len(lines) == len(items) else None, key)


# -- in-memory ---------------------------------------------------------------------------
def _from_dicts(table, items, source, lines=None, key=None) -> SeedSet:
    if items is None:
        raise SeedError("'rows' must be a list", source=source)
    rows = []
    for i, item in enumerate(items):
        line = lines[i] if lines else None
        if not isinstance(item, dict):
            raise SeedError(f"row {i + 1} is {type(item).__name__}, not a mapping of "
                            "column to value", source=source, line=line)
        bad = next((k for k in item if not isinstance(k, str) or not k), None)
        if any(not isinstance(k, str) or not k for k in item):
            raise SeedError(f"row {i + 1} has a column name that is not text: {bad!r}",
                            source=source, line=line)
        rows.append(SeedRow(dict(item), line if lines else i + 1))
    return SeedSet(table, tuple(rows), source, key, typed=True)


def _from_frame(table: str, frame) -> SeedSet:
    items = frame.to_dict(orient="records")
    clean = [{k: (None if _missing(v) else _unbox(v)) for k, v in r.items()} for r in items]
    s = _from_dicts(table, clean, "<DataFrame>")
    return SeedSet(table, s.rows, "<DataFrame>", None, True, tuple(str(c) for c in frame.columns))


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        import pandas as pd
        return bool(pd.isna(v)) if not isinstance(v, (list, dict, tuple)) else False
    except (TypeError, ValueError):
        return isinstance(v, float) and math.isnan(v)


def _unbox(v):
    """numpy scalars and pandas Timestamps -> plain Python values."""
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime()
    if hasattr(v, "item") and type(v).__module__ == "numpy":
        return v.item()
    return v
