"""Migration files: one reviewable text file per migration in the migrations folder.

The format is plain SQL (or mongosh commands) with a header of ``-- key: value`` lines
and ``-- migrate:up`` / ``-- migrate:down`` sections, each made of ``-- step N:``
blocks, so a failed non-transactional migration can be undone step by step.

>>> from dbwork.migration import Migration, Step
>>> m = Migration("20260101000000", "t", [Step(1, "create table t", ["CREATE TABLE t (a INT)"],
...               ["DROP TABLE t"])], dialect="sqlite", created="2026-01-01T00:00:00Z")
>>> back = parse_migration_text(format_migration(m))
>>> back.steps[0].forward, back.steps[0].reverse, back.name
(['CREATE TABLE t (a INT)'], ['DROP TABLE t'], 't')
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError, ParseError
from ..migration import Migration, Step
from ..parse.cell import split_statements

_HEADER = re.compile(r"^--\s*([a-z][a-z-]*):\s?(.*)$")
_STEP = re.compile(r"^(?:--|//)\s*step (\d+):\s?(.*)$")
_SECTION = re.compile(r"^(?:--|//)\s*migrate:(up|down)\s*$")


def format_migration(m: Migration) -> str:
    c = _language(m.dialect).comment
    lines = [f"{c} dbwork migration",
             f"{c} version: {m.version}",
             f"{c} name: {m.name}",
             _parent_line(c, m),
             f"{c} dialect: {m.dialect}",
             f"{c} created: {m.created}",
             f"{c} source-checksum: {m.source_checksum}"]
    if m.replaces:  # a squash: the applied versions this one file stands for
        lines.append(f"{c} replaces: {' '.join(m.replaces)}")
    lines += [f"{c} warning: {' '.join(w.split())}" for w in m.warnings]
    if m.forward_only:  # steps without a rollback (irreversible=True)
        lines.append(f"{c} forward-only: {' '.join(map(str, m.forward_only))}")
    up = m.up.replace("-- step", f"{c} step") if c != "--" else m.up
    down = m.down.replace("-- step", f"{c} step") if c != "--" else m.down
    lines += ["", f"{c} migrate:up", up, "", f"{c} migrate:down", down, ""]
    return "\n".join(lines)


def _parent_line(c: str, m: Migration) -> str:
    """``-- parent: V`` (one parent, the format files always had) or, for a merge,
    ``-- parents: V1 V2`` (in the order the merge applies its sides)."""
    if len(m.parents) > 1:
        return f"{c} parents: {' '.join(m.parents)}"
    return f"{c} parent: {m.parent or '(none)'}"


def _parents(header: dict[str, list[str]]) -> tuple[str, ...]:
    """The parents a header names: ``parents:`` (a merge), else the single ``parent:``."""
    if "parents" in header:
        return tuple(v for line in header["parents"] for v in line.split())
    parent = header.get("parent", ["(none)"])[0]
    return () if parent in ("(none)", "") else (parent,)


def parse_migration_text(text: str, path: str | None = None) -> Migration:
    header: dict[str, list[str]] = {}
    sections: dict[str, list[str]] = {"up": [], "down": []}
    current = None
    for line in text.splitlines():
        m = _SECTION.match(line.strip())
        if m:
            current = m.group(1)
            continue
        if current is None:
            h = _HEADER.match(line.replace("//", "--", 1) if line.startswith("//") else line)
            if h:
                header.setdefault(h.group(1), []).append(h.group(2).strip())
            continue
        sections[current].append(line)
    if "version" not in header or "name" not in header:
        raise ParseError(f"{path or 'migration file'}: not a dbwork migration (no version/name header)")
    dialect = header.get("dialect", [""])[0]
    up = _steps(sections["up"], dialect)
    down = _steps(sections["down"], dialect)
    steps = [Step(n, comment, stmts, down.get(n, ("", []))[1]) for n, (comment, stmts) in sorted(up.items())]
    return Migration(
        version=header["version"][0], name=header["name"][0], steps=steps,
        parents=_parents(header), dialect=dialect,
        replaces=tuple(v for line in header.get("replaces", []) for v in line.split()),
        created=header.get("created", [""])[0],
        source_checksum=header.get("source-checksum", [""])[0],
        warnings=header.get("warning", []), path=path,
        forward_only=tuple(int(n) for v in header.get("forward-only", []) for n in v.split()
                           if n.isdigit()))


def raw_sections(text: str) -> tuple[str, str]:
    """The up and down sections of a file as written (steps dbwork would ignore
    included), in the comment style of history ("-- step"): what verify compares.

    >>> text = format_migration(Migration("1", "t", [Step(1, "x", ["A"], ["B"])]))
    >>> raw_sections(text)
    ('-- step 1: x\\nA;', '-- step 1: x\\nB;')
    """
    sections: dict[str, list[str]] = {"up": [], "down": []}
    current = None
    for line in text.splitlines():
        m = _SECTION.match(line.strip())
        if m:
            current = m.group(1)
        elif current is not None:
            sections[current].append("--" + line[2:] if _STEP.match(line.strip()) and
                                      line.startswith("//") else line)
    return "\n".join(sections["up"]).strip(), "\n".join(sections["down"]).strip()


def parse_script(text: str, dialect: str) -> dict[int, tuple[str, list[str]]]:
    """``-- step N:`` blocks of a script -> {N: (comment, statements)}."""
    return _steps(text.splitlines(), dialect)


def _steps(lines: list[str], dialect: str) -> dict[int, tuple[str, list[str]]]:
    out: dict[int, tuple[str, list[str]]] = {}
    number, comment, body = None, "", []

    def flush():
        if number is not None:
            out[number] = (comment, _statements("\n".join(body), dialect))

    for line in lines:
        m = _STEP.match(line.strip())
        if m:
            flush()
            number, comment, body = int(m.group(1)), m.group(2), []
        elif number is not None:
            body.append(line)
    flush()
    return out


def _language(dialect: str | None):
    """The cell language of ``dialect``'s backend (SQL for an unknown or empty one)."""
    from ..backends import get_backend
    from ..errors import ConfigError
    from ..parse.language import SQL
    try:
        return get_backend(dialect).cell_language() if dialect else SQL
    except ConfigError:
        return SQL


def _file_extensions() -> set[str]:
    """The migration file extensions of every registered backend's language."""
    from ..backends import get_backend, names
    return {get_backend(n).cell_language().file_extension for n in names()}


def _statements(text: str, dialect: str) -> list[str]:
    """The statements of a section, split by the cell language of ``dialect``'s backend
    (a file of an unknown dialect is split as SQL)."""
    from ..backends import get_backend
    from ..errors import ConfigError
    try:
        spec = get_backend(dialect) if dialect else None
    except ConfigError:
        spec = None
    if spec is None:
        return [s.text for s in split_statements(text, None)]
    return spec.cell_language().split(text, spec.dialect)


class MigrationFiles:
    """The migrations folder: list, find by name, write atomically.

    Files are parsed once and cached by (modification time, size): a notebook or a
    deploy with hundreds of migrations does not re-read them at every step.
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._cache: dict[Path, tuple[tuple[int, int], Migration]] = {}

    def paths(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        suffixes = _file_extensions()
        return sorted(p for p in self.directory.iterdir()
                      if p.suffix in suffixes and _FILE_NAME.match(p.name))

    def versions(self) -> set[str]:
        """Versions of the files, from their names alone (no parsing)."""
        return {_FILE_NAME.match(p.name).group(1) for p in self.paths()}

    def all(self) -> list[Migration]:
        return sorted((self._read(p) for p in self.paths()), key=lambda m: m.version)

    def find(self, name: str) -> Migration | None:
        for p in self.paths():
            if _FILE_NAME.match(p.name).group(2) == name:
                return self._read(p)
        return None

    def _read(self, path: Path) -> Migration:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        hit = self._cache.get(path)
        if hit is None or hit[0] != key:
            hit = (key, parse_migration_text(_read_utf8(path), str(path)))
            self._cache[path] = hit
        return replace(hit[1], steps=list(hit[1].steps), warnings=list(hit[1].warnings),
                       notes=[], checks=[])

    def _check_replace(self, old: Path, m: Migration, applied) -> None:
        try:
            theirs = self._read(old)
        except (ParseError, UnicodeDecodeError, OSError):
            raise ConfigError(f"{old}: not a readable dbwork migration; dbwork will not "
                              "replace it (move it away first)") from None
        if theirs.dialect and m.dialect and theirs.dialect != m.dialect:
            raise ConfigError(
                f"{old} is a {theirs.dialect} migration; this database is {m.dialect}. "
                f"dbwork will not replace it: keep one migrations folder per target, e.g. "
                f"connect(url, migrations='migrations/{m.dialect}')")
        if theirs.version in applied and theirs.checksum != m.checksum:
            raise ConfigError(f"{old} belongs to applied migration {theirs.version}: "
                              "dbwork will not replace it")

    def path_for(self, m: Migration) -> Path:
        ext = _language(m.dialect).file_extension
        return self.directory / f"{m.version}_{m.name}{ext}"

    def write(self, m: Migration, applied: frozenset[str] | set[str] = frozenset()) -> Path:
        """Write ``m`` as its file (atomically). A file of another engine, or one whose
        migration is applied (``applied``: versions) with other content, is never
        replaced or deleted: that is refused, naming the file."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ConfigError(f"cannot create the migrations folder {self.directory}: {e}") from None
        path = self.path_for(m)
        same_name = [p for p in self.paths() if _FILE_NAME.match(p.name).group(2) == m.name]
        for old in same_name + ([path] if path.exists() and path not in same_name else []):
            self._check_replace(old, m, applied)
        for old in same_name:  # a re-run replaces the file of the same name
            if old != path:
                old.unlink()
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=path.suffix)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(format_migration(m))
        os.replace(tmp, path)
        m.path = str(path)
        return path


# a version: the UTC time it was made (14 digits) and, since versions carry one, a random
# suffix of 6 digits, so two machines making one in the same second still differ
_FILE_NAME = re.compile(r"^(\d{14}(?:\d{6})?)_([A-Za-z][A-Za-z0-9_\-]*)\.[A-Za-z0-9]+$")  # any backend's extension (checked apart)


def _read_utf8(path: Path) -> str:
    """A migration file's text; not UTF-8 is a ParseError naming the file and line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ParseError(f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x}); save the "
                         "file as UTF-8", line, column) from None
