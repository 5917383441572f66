"""Existing migration histories: the migrations another tool keeps in the project, and
which of them the database says are applied (Alembic, Prisma Migrate, Flyway, Django
migrations, dbmate).

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> os.makedirs(f"{d}/prisma/migrations/20240101000000_init")
>>> open(f"{d}/prisma/migrations/20240101000000_init/migration.sql", "w").write("SELECT 1;")
9
>>> [(e.tool, e.id, e.name, e.applied) for e in existing_history(d)]
[('prisma', '20240101000000_init', 'init', None)]
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import ConfigError

SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", "site-packages",
             ".tox", "dist", "build", ".ipynb_checkpoints"}
COLUMNS = ["tool", "id", "name", "file", "applied"]


@dataclass(frozen=True)
class Entry:
    """One migration of another tool. ``applied``: True/False from the database, None
    when no database was asked."""

    tool: str
    id: str
    name: str
    file: str
    applied: bool | None = None
    parent: str | None = None      # Alembic: down_revision


class History(list):
    """Entries in order per tool; ``.to_frame()`` gives a DataFrame, and a notebook
    shows it as one."""

    def to_frame(self):
        import pandas as pd
        return pd.DataFrame([{k: asdict(e)[k] for k in COLUMNS} for e in self], columns=COLUMNS)

    def tools(self) -> list[str]:
        return sorted({e.tool for e in self})

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def __repr__(self) -> str:
        return repr(self.to_frame()) if self else "History([])"


def existing_history(path: str | os.PathLike = ".", url=None) -> History:
    """The migrations of every tool found under ``path``; with ``url``, which are applied
    (read from the tool's own table: alembic_version, _prisma_migrations,
    flyway_schema_history, django_migrations, schema_migrations)."""
    root = Path(path)
    if not root.is_dir():
        raise ConfigError(f"not a folder: {root}")
    files = list(_walk(root))
    found = History()
    for reader in (_alembic, _prisma, _flyway, _django, _dbmate):
        found += reader(root, files)
    if url is not None:
        found = History(_with_applied(found, url))
    return found


def _walk(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for f in sorted(filenames):
            yield Path(dirpath) / f


def _rel(root: Path, p: Path) -> str:
    return p.relative_to(root).as_posix()


# -- Alembic -------------------------------------------------------------------------------
def alembic_revisions(files) -> list[tuple[str, str | None, str, Path]]:
    """(revision, down_revision, message, file) of Alembic revision files, base first."""
    revs = []
    for p in files:
        if p.suffix != ".py" or p.parent.name != "versions":
            continue
        ids = _alembic_ids(p.read_text(errors="replace"))
        if ids:
            revs.append((*ids, p))
    return _chain(revs)


def _alembic_ids(text: str):
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    vals = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id in ("revision", "down_revision"):
                    try:
                        vals[t.id] = ast.literal_eval(node.value)
                    except ValueError:
                        pass
    if not isinstance(vals.get("revision"), str):
        return None
    down = vals.get("down_revision")
    down = down[0] if isinstance(down, (tuple, list)) and down else down
    doc = ast.get_docstring(tree) or ""
    return vals["revision"], down, (doc.splitlines() or [""])[0]


def _chain(revs):
    by_parent = {}
    for r in revs:
        by_parent.setdefault(r[1], []).append(r)
    out, frontier = [], [None]
    seen = set()
    while frontier:
        parent = frontier.pop(0)
        for r in sorted(by_parent.get(parent, []), key=lambda x: x[0]):
            if r[0] not in seen:
                seen.add(r[0])
                out.append(r)
                frontier.append(r[0])
    return out + [r for r in revs if r[0] not in seen]


def _alembic(root: Path, files) -> list[Entry]:
    return [Entry("alembic", rev, msg or p.stem, _rel(root, p), parent=down)
            for rev, down, msg, p in alembic_revisions(files)]


# -- Prisma Migrate ------------------------------------------------------------------------
_PRISMA_DIR = re.compile(r"^(\d+)_(.+)$")


@dataclass(frozen=True)
class PrismaMigration:
    """One folder of a Prisma history: ``folder`` as Prisma names it (its order),
    ``name`` a dbwork migration name made from it, ``path`` its migration.sql."""

    folder: str
    name: str
    path: str


def prisma_name(folder: str) -> str:
    """A dbwork migration name for a Prisma folder (any folder name is valid to Prisma;
    a dbwork name starts with a letter and holds letters, digits, '_' and '-').

    >>> prisma_name("20240101000000_init"), prisma_name("01_init"), prisma_name("add users!")
    ('m20240101000000_init', 'm01_init', 'add_users_')
    """
    name = re.sub(r"[^A-Za-z0-9_\-]", "_", folder)
    if not name[:1].isalpha():
        name = "m" + name
    return name[:100]


def prisma_folders(migrations_dir: str | os.PathLike) -> tuple[list[PrismaMigration], list[str]]:
    """The migrations of a Prisma ``migrations`` folder in Prisma's order (folder name,
    whatever the name looks like: ``20240101000000_init``, ``01_init``, ``20241231_x``),
    and what was skipped with the reason, e.g. ``"notes: no migration.sql"``.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for f in ("02_posts", "01_init", "20240101_x"): (d / f).mkdir(); (d / f / "migration.sql").write_text("SELECT 1;")
    9
    9
    9
    >>> (d / "notes").mkdir()
    >>> ms, skipped = prisma_folders(d)
    >>> [m.folder for m in ms], skipped
    (['01_init', '02_posts', '20240101_x'], ['notes: no migration.sql'])
    """
    root = Path(migrations_dir)
    if not root.is_dir():
        raise ConfigError(f"not a folder: {root}")
    out, skipped, names = [], [], {}
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        sql = d / "migration.sql"
        if not sql.is_file():
            skipped.append(f"{d.name}: no migration.sql")
            continue
        name = prisma_name(d.name)
        if name in names:
            skipped.append(f"{d.name}: its dbwork name {name} is taken by {names[name]}")
            continue
        names[name] = d.name
        out.append(PrismaMigration(d.name, name, str(sql)))
    return out, skipped


def _prisma(root: Path, files) -> list[Entry]:
    """Every ``migrations/<folder>/migration.sql`` beside a Prisma marker (a
    ``migration_lock.toml``, or a ``schema.prisma`` in the folder above), ordered by
    folder name as Prisma orders them; folders with other names are read too."""
    out = []
    for p in files:
        mdir = p.parent.parent
        if p.name != "migration.sql" or mdir.name != "migrations" or not _is_prisma(mdir):
            continue
        m = _PRISMA_DIR.match(p.parent.name)
        out.append(Entry("prisma", p.parent.name, m.group(2) if m else p.parent.name,
                         _rel(root, p)))
    return sorted(out, key=lambda e: (str(Path(e.file).parent.parent), e.id))


def _is_prisma(mdir: Path) -> bool:
    if (mdir / "migration_lock.toml").exists() or (mdir.parent / "schema.prisma").exists():
        return True
    # no marker: the folder-per-migration layout is still Prisma's when every folder is
    # <digits>_<name> (the layout this reader has always accepted)
    return all(_PRISMA_DIR.match(d.name) for d in mdir.iterdir() if d.is_dir())


# -- Flyway --------------------------------------------------------------------------------
_FLYWAY = re.compile(r"^V(\d+(?:[._]\d+)*)__(.+)\.sql$")


def flyway_version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.split(r"[._]", version))


_FLYWAY_REPEATABLE = re.compile(r"^R__(.+)\.sql$")


def _flyway(root: Path, files) -> list[Entry]:
    """Versioned migrations (``V1_1__fix.sql``: id ``1.1``) in version order, then the
    repeatable ones (``R__views.sql``: id ``R__views``) in name order, as Flyway runs
    them."""
    versioned, repeatable = [], []
    for p in files:
        m = _FLYWAY.match(p.name)
        if m:
            versioned.append(Entry("flyway", m.group(1).replace("_", "."),
                                   m.group(2).replace("_", " "), _rel(root, p)))
        elif m := _FLYWAY_REPEATABLE.match(p.name):
            repeatable.append(Entry("flyway", p.stem, m.group(1).replace("_", " "),
                                    _rel(root, p)))
    return (sorted(versioned, key=lambda e: flyway_version_key(e.id))
            + sorted(repeatable, key=lambda e: e.id))


def _flyway_norm(version: str) -> tuple[int, ...]:
    """``1.0`` and ``1`` are one version to Flyway: trailing zeros do not count."""
    key = list(flyway_version_key(version))
    while len(key) > 1 and key[-1] == 0:
        key.pop()
    return tuple(key)


def _flyway_done(rows) -> tuple[set, tuple[int, ...] | None, set[str]]:
    """(applied versions, baseline version, applied repeatable ids) from the rows of
    flyway_schema_history (installed_rank, version, type, script, success) in rank
    order. The latest row of a version or script decides: a failed row (success false)
    or an undo does not count as applied; a BASELINE row covers every version up to
    its own."""
    latest_v, latest_r, baseline = {}, {}, None
    for _rank, version, kind, script, success in rows:
        kind, ok = str(kind or "").upper(), bool(success)
        if version is None:
            name = str(script).replace("\\", "/").rsplit("/", 1)[-1]
            if name.lower().endswith(".sql"):
                latest_r[name[:-4]] = ok
            continue
        try:
            key = _flyway_norm(str(version))
        except ValueError:
            continue
        if kind == "BASELINE":
            if ok:
                baseline = max(baseline or key, key)
        elif kind != "SCHEMA":
            latest_v[key] = ok and not kind.startswith("UNDO")
    return ({k for k, ok in latest_v.items() if ok}, baseline,
            {r for r, ok in latest_r.items() if ok})


def _flyway_applied(e: Entry, done) -> bool:
    versions, baseline, repeatable = done
    if e.id.startswith("R__"):
        return e.id in repeatable
    key = _flyway_norm(e.id)
    return key in versions or (baseline is not None and key <= baseline)


# -- Django --------------------------------------------------------------------------------
_DJANGO = re.compile(r"^(\d{4})_(\w+)\.py$")


def _django(root: Path, files) -> list[Entry]:
    out = []
    for p in files:
        m = _DJANGO.match(p.name)
        if m and p.parent.name == "migrations" and (p.parent / "__init__.py").exists():
            app = p.parent.parent.name
            out.append(Entry("django", f"{app}.{p.stem}", p.stem, _rel(root, p)))
    return sorted(out, key=lambda e: e.id)


# -- dbmate --------------------------------------------------------------------------------
_DBMATE = re.compile(r"^(\d+)_(.+)\.sql$")


def _dbmate(root: Path, files) -> list[Entry]:
    out = []
    for p in files:
        m = _DBMATE.match(p.name)
        if m and p.parent.name == "migrations" and p.parent.parent.name == "db":
            out.append(Entry("dbmate", m.group(1), m.group(2), _rel(root, p)))
    return sorted(out, key=lambda e: e.id)


# -- what the database says ----------------------------------------------------------------
def _with_applied(entries: list[Entry], url) -> list[Entry]:
    from dataclasses import replace
    tools = sorted({e.tool for e in entries})
    done = applied_ids(url, [t for t in tools if t != "flyway"])
    flyway = _flyway_done(applied_rows(url, "flyway rows")) if "flyway" in tools else None
    alembic = _alembic_applied(entries, done.get("alembic", set()))
    out = []
    for e in entries:
        if e.tool == "flyway":
            applied = _flyway_applied(e, flyway)
        else:
            applied = e.id in (alembic if e.tool == "alembic" else done.get(e.tool, set()))
        out.append(replace(e, applied=applied))
    return out


def _alembic_applied(entries: list[Entry], heads: set[str]) -> set[str]:
    """alembic_version holds only the heads: a revision is applied when it is one of
    them or an ancestor of one."""
    parent = {e.id: e.parent for e in entries if e.tool == "alembic"}
    out = set()
    for h in heads:
        while h and h not in out:
            out.add(h)
            h = parent.get(h)
    return out


_QUERIES = {
    "alembic": ("alembic_version", "SELECT version_num FROM alembic_version"),
    "prisma": ("_prisma_migrations", "SELECT migration_name FROM _prisma_migrations "
               "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL"),
    "flyway": ("flyway_schema_history", "SELECT version FROM flyway_schema_history "
               "WHERE success AND version IS NOT NULL"),
    "flyway rows": ("flyway_schema_history", "SELECT installed_rank, version, type, "
                    "script, success FROM flyway_schema_history ORDER BY installed_rank"),
    "django": ("django_migrations", "SELECT app, name FROM django_migrations"),
    "dbmate": ("schema_migrations", "SELECT version FROM schema_migrations"),
}


def applied_ids(url, tools) -> dict[str, set[str]]:
    """Ids each tool's table records as applied (a missing table: none applied).
    Flyway's plain version list ignores repeatable, undone and baselined migrations:
    ``existing_history`` reads its whole table through ``applied_rows``."""
    rows = _query(url, list(tools))
    return {tool: {f"{r[0]}.{r[1]}" if tool == "django" else str(r[0]) for r in rs}
            for tool, rs in rows.items()}


def applied_rows(url, query: str) -> list[tuple]:
    """The rows of one of ``_QUERIES`` (e.g. ``"flyway rows"``); none without the table."""
    return _query(url, [query])[query]


def _query(url, queries: list[str]) -> dict[str, list[tuple]]:
    import sqlalchemy as sa

    from ..url import DatabaseURL
    u = url if isinstance(url, DatabaseURL) else DatabaseURL.parse(str(url))
    engine = sa.create_engine(u.sqlalchemy_url())
    out: dict[str, list[tuple]] = {}
    try:
        with engine.connect() as c:
            names = set(sa.inspect(c).get_table_names())
            for q in queries:
                table, sql = _QUERIES[q]
                out[q] = [tuple(r) for r in c.execute(sa.text(sql))] if table in names else []
    finally:
        engine.dispose()
    return out
