"""Walk a project tree, bounded: skip vendored/build folders, big and binary files.

>>> import tempfile, os
>>> root = tempfile.mkdtemp(); open(os.path.join(root, ".env"), "w").close()
>>> [f.rel for f in walk(root)[0]]
['.env']
"""
from __future__ import annotations

import os
from dataclasses import dataclass

SKIP_DIRS = {"node_modules", ".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "dist",
             "build", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".next", ".nuxt",
             "target", "bin", "obj", "vendor", "coverage", ".terraform", ".serverless",
             ".idea", ".vscode", ".ipynb_checkpoints", "site-packages", ".gradle"}
MAX_FILES = 5000
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class File:
    """A file found under the root: its "/"-separated relative path and full path.

    >>> File("a/.env", "/p/a/.env").rel
    'a/.env'
    """

    rel: str
    path: str


def walk(root: str, max_files: int = MAX_FILES) -> tuple[list[File], list[str]]:
    """Files under ``root`` in a stable order, plus notes on what was cut short.

    >>> import tempfile, os
    >>> root = tempfile.mkdtemp(); os.makedirs(os.path.join(root, "node_modules"))
    >>> open(os.path.join(root, "node_modules", "x.js"), "w").close()
    >>> walk(root)
    ([], [])
    """
    files: list[File] = []
    notes: list[str] = []
    real_root = os.path.realpath(root)
    for here, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
                         and not os.path.islink(os.path.join(here, d)))
        for name in sorted(names):
            path = os.path.join(here, name)
            if os.path.islink(path) and not _inside(os.path.realpath(path), real_root):
                continue
            if len(files) >= max_files:
                notes.append(f"stopped after {max_files} files; some files were not read")
                return files, notes
            files.append(File(os.path.relpath(path, root).replace(os.sep, "/"), path))
    return files, notes


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_text(path: str, max_bytes: int = MAX_BYTES) -> tuple[str | None, str | None]:
    """``(text, None)`` or ``(None, reason)`` for big, binary or unreadable files.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("wb", delete=False) as fh: _ = fh.write(b"\\0\\1")
    >>> read_text(fh.name)
    (None, 'binary content, not read')
    """
    try:
        if os.path.getsize(path) > max_bytes:
            return None, f"larger than {max_bytes // 1_000_000} MB, not read"
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        return None, f"unreadable ({e.strerror or e})"
    if b"\0" in data[:8192]:
        return None, "binary content, not read"
    text = data.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff"), None
