"""Export a dbwork migration into another tool's own format, chained to that tool's
history: an Alembic revision file, a Prisma migration folder, a Flyway versioned file.

>>> text = alembic_revision_text("abc123", "000aaa", "add settings",
...                              ["CREATE TABLE s (id INT)"], ["DROP TABLE s"])
>>> [line for line in text.splitlines() if "revision =" in line or "op." in line]
["revision = 'abc123'", "down_revision = '000aaa'", "    op.execute('CREATE TABLE s (id INT)')", "    op.execute('DROP TABLE s')"]
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import ConfigError
from ..migration import Migration
from .history import alembic_revisions, flyway_version_key, _walk

FORMATS = ("alembic", "prisma", "flyway")


def statements(m: Migration) -> tuple[list[str], list[str]]:
    """(up statements in order, down statements in order)."""
    up = [st for step in m.steps for st in step.forward]
    down = [st for step in reversed(m.steps) for st in step.reverse]
    return up, down


def export_migration(m: Migration, fmt: str, path) -> Path:
    """Write ``m`` into the folder ``path`` in format ``fmt``; returns the written file
    (Prisma: the migration.sql inside its new folder)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    root = Path(path)
    if not root.is_dir():
        raise ConfigError(f"not a folder: {root}")
    up, down = statements(m)
    return {"alembic": _alembic, "prisma": _prisma, "flyway": _flyway}[fmt](m, root, up, down)


# -- Alembic -----------------------------------------------------------------------------
def _alembic(m: Migration, root: Path, up, down) -> Path:
    versions = root if root.name == "versions" else _versions_dir(root)
    revs = alembic_revisions(_walk(versions))
    parents = {r[1] for r in revs}
    heads = [r[0] for r in revs if r[0] not in parents]
    if len(heads) > 1:
        raise ConfigError(f"the Alembic history has several heads {heads}: merge them first")
    rev = hashlib.sha256(f"{m.version}_{m.name}".encode()).hexdigest()[:12]
    if rev in {r[0] for r in revs}:
        raise ConfigError(f"{m.id} is already exported as Alembic revision {rev}")
    out = versions / f"{rev}_{m.name}.py"
    out.write_text(alembic_revision_text(rev, heads[0] if heads else None,
                                         m.name.replace("_", " "), up, down))
    return out


def _versions_dir(root: Path) -> Path:
    found = sorted(p for p in root.rglob("versions") if p.is_dir()
                   and "node_modules" not in p.parts)
    if not found:
        raise ConfigError(f"no Alembic versions/ folder under {root}")
    return found[0]


def alembic_revision_text(rev: str, down_rev: str | None, message: str, up, down) -> str:
    """An Alembic revision module running ``up`` in upgrade() and ``down`` in downgrade()."""
    def body(stmts):
        if not stmts:
            return "    pass\n"
        return "".join(f"    op.execute({_py_str(s)})\n" for s in stmts)
    return (f'"""{message}\n\nRevision ID: {rev}\nRevises: {down_rev or ""}\n'
            f'Exported from dbwork.\n"""\nfrom alembic import op\n\n'
            f"revision = {rev!r}\ndown_revision = {down_rev!r}\n"
            f"branch_labels = None\ndepends_on = None\n\n\n"
            f"def upgrade() -> None:\n{body(up)}\n\ndef downgrade() -> None:\n{body(down)}")


def _py_str(s: str) -> str:
    return repr(s) if "\n" not in s else '"""' + s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


# -- Prisma ------------------------------------------------------------------------------
def _prisma(m: Migration, root: Path, up, down) -> Path:
    migrations = root if root.name == "migrations" else root / "prisma" / "migrations"
    if not migrations.is_dir():
        raise ConfigError(f"no Prisma migrations folder at {migrations}")
    folder = migrations / f"{m.version}_{m.name}"
    if folder.exists():
        raise ConfigError(f"{folder.name} already exists")
    folder.mkdir()
    text = f"-- {m.name} (exported from dbwork {m.version})\n" + _sql(up)
    if down:
        text += "\n-- rollback (Prisma Migrate does not run it):\n" + "".join(
            f"-- {line}\n" for line in _sql(down).splitlines())
    out = folder / "migration.sql"
    out.write_text(text)
    return out


# -- Flyway ------------------------------------------------------------------------------
def _flyway(m: Migration, root: Path, up, down) -> Path:
    existing = [re.match(r"^V(\d+(?:[._]\d+)*)__", p.name) for p in root.glob("V*__*.sql")]
    versions = [flyway_version_key(x.group(1)) for x in existing if x]
    nxt = (max(versions)[0] + 1) if versions else 1
    out = root / f"V{nxt}__{m.name}.sql"
    out.write_text(f"-- {m.name} (exported from dbwork {m.version})\n" + _sql(up))
    if down:  # Flyway's undo file for the same version
        (root / f"U{nxt}__{m.name}.sql").write_text(_sql(down))
    return out


def _sql(stmts) -> str:
    return "".join(s.rstrip().rstrip(";") + ";\n" for s in stmts)
