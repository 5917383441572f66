"""``detect(path)``: walk the project, read env files first, then every other file
through the reader table, and merge. The only module here that touches the disk.

>>> import tempfile, os
>>> root = tempfile.mkdtemp()
>>> _ = open(os.path.join(root, ".env"), "w").write("DATABASE_URL=postgres://app:pw@localhost/shop\\n")
>>> detect(root).best_url
'postgres://app:***@localhost/shop'
"""
from __future__ import annotations

import os
import posixpath
from typing import Mapping

from ..errors import ConfigError
from . import merge
from .model import Detection, Finding
from .read_dotenv import read_environ
from .registry import ENV_READERS, readers_for
from .sources import RANK, Candidate, Report, Source, Var
from .walk import MAX_BYTES, MAX_FILES, read_text, walk


def detect(path: str | os.PathLike = ".", *, environ: Mapping[str, str] | None = None,
           use_environ: bool = False, max_files: int = MAX_FILES,
           max_bytes: int = MAX_BYTES) -> Detection:
    """Read a project and say which databases and tools it uses, with evidence.

    The process environment is read only when ``environ`` is given or
    ``use_environ=True``, so results depend on the files alone by default.

    >>> import tempfile
    >>> print(detect(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Detection of '...': no database configuration found
    """
    root = os.fspath(path)
    if not os.path.isdir(root):
        raise ConfigError(f"cannot detect in {root!r}: not a directory")
    if environ is None and use_environ:
        environ = os.environ
    files, notes = walk(root, max_files)
    texts: dict[str, str] = {}
    for f in files:
        if readers_for(f.rel, ENV_READERS) or readers_for(f.rel):
            text, reason = read_text(f.path, max_bytes)
            if reason:
                notes.append(f"{f.rel}: {reason}")
            else:
                texts[f.rel] = text
    reports = [_run(reader, Source(rel, text)) for rel, text in texts.items()
               for reader in readers_for(rel, ENV_READERS)]
    if environ is not None:
        reports.append(read_environ(environ))
    env = _Env([v for r in reports for v in r.variables])
    for rel, text in texts.items():
        lookup = env.scope(rel.rpartition("/")[0])
        reports += [_run(reader, Source(rel, text, lookup)) for reader in readers_for(rel)]
    findings: list[Finding] = [f for r in reports for f in r.findings]
    candidates = [_anchor(c, root) for r in reports for c in r.candidates]
    notes += [n for r in reports for n in r.notes]
    return merge.build(root, findings, candidates, notes)


def _anchor(candidate: Candidate, root: str) -> Candidate:
    """Readers give sqlite paths relative to the project root; make them usable from here."""
    url = candidate.url
    if url.startswith("sqlite:///") and not url.startswith(("sqlite:////", "sqlite:///:memory:")):
        path = posixpath.normpath(posixpath.join(root.replace(os.sep, "/"), url[len("sqlite:///"):]))
        candidate.url = "sqlite:///" + path
    return candidate


def _run(reader, source: Source) -> Report:
    """Run one reader; a reader that fails on hostile content yields a note, not a crash."""
    try:
        return reader(source)
    except (ValueError, RecursionError, MemoryError, IndexError, KeyError, TypeError,
            AttributeError, SyntaxError) as e:
        report = Report(source)
        report.note(f"not understood ({type(e).__name__}: {str(e)[:120]}); skipped")
        return report


class _Env:
    """Variables visible from a folder: the process env, then ``.env`` files in the
    folder and its parents (nearest wins within the same kind of file)."""

    def __init__(self, variables: list[Var]):
        self.by_name: dict[str, list[Var]] = {}
        for v in variables:
            if v.rank > RANK["test"]:  # .env.test is never used to resolve a reference
                self.by_name.setdefault(v.name, []).append(v)

    def scope(self, folder: str):
        def lookup(name: str) -> Var | None:
            visible = [v for v in self.by_name.get(name, ()) if _visible(v.file, folder)]
            if not visible:
                return None
            return max(visible, key=lambda v: (v.rank, v.file.count("/")))
        return lookup


def _visible(file: str, folder: str) -> bool:
    if file == "(environment)":
        return True
    where = file.rpartition("/")[0]
    return where == "" or folder == where or folder.startswith(where + "/")


__all__ = ["detect"]
