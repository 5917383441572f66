"""A group: several targets (SQL databases, MongoDB) that take one change together.

``group.migrate(name, {"main": sql, "backup": mongosh})`` plans the change on every
target first (bad input anywhere stops it before anything runs), then applies it target
by target. Each target keeps its own history row; the rows share a ``group_id``. When a
later target fails, the targets that had applied it are rolled back (schema and data, by
their own rollback) and the :class:`~dbwork.errors.GroupFailed` error says what was
undone. ``group.rollback()`` undoes the newest group change on every target.
"""
from __future__ import annotations

import html
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ConfigError, DbworkError, GroupFailed, MigrationConflict
from ..parse.cell import validate_name
from .cell import has_sections, split_targets
from .mirror import MirrorSpec, mirror_text

LIVE = ("applied", "failed", "running")


def connect_many(urls: dict, migrations: str | os.PathLike = "migrations",
                 **options) -> "Group":
    """A group of targets by name: ``{"main": url, "backup": url2}``. Each target keeps
    its migrations in its own folder, ``<migrations>/<name>``; ``options`` go to every
    :func:`dbwork.connect` (timeouts). Nothing connects until a target is used.

    >>> import dbwork
    >>> g = dbwork.connect_many({"main": "sqlite:///:memory:"})
    >>> g.targets
    ['main']
    """
    from ..workbench import connect
    if not isinstance(urls, dict) or not urls:
        raise ConfigError("connect_many() needs a dict of target name -> URL, e.g. "
                          "{'main': url, 'backup': url2}")
    for name, url in urls.items():
        _check_target_name(name)
        if not isinstance(url, str) or not url.strip():
            raise ConfigError(f"target {name}: the URL must be text")
    base = Path(migrations)
    return Group({name: connect(url, base / name, **options) for name, url in urls.items()})


def _check_target_name(name) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigError(f"a target name must be a plain identifier (letters, digits, _), "
                          f"not {name!r}")


def new_group_id() -> str:
    """Sortable by time, unique: ``g20261203085501-1a2b3c4d``."""
    return f"g{datetime.now(timezone.utc).strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"


@dataclass
class GroupChange:
    """What one group migrate or rollback did: ``migrations`` (target -> Migration),
    ``group_id``, ``kind`` ("migrate" or "rollback"), ``statuses()``, ``frame``."""

    name: str
    group_id: str
    kind: str
    migrations: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def statuses(self) -> dict:
        return {t: m.status for t, m in self.migrations.items()}

    @property
    def frame(self):
        import pandas as pd
        rows = [{"target": t, "version": m.version, "name": m.name, "status": m.status,
                 "group_id": self.group_id} for t, m in self.migrations.items()]
        return pd.DataFrame(rows, columns=["target", "version", "name", "status", "group_id"])

    def __repr__(self) -> str:
        lines = [f"group {self.kind} {self.name} ({self.group_id}):"]
        lines += [f"  {t}: {m.version} {m.status}" for t, m in self.migrations.items()]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])

    def _repr_html_(self) -> str:
        head = (f"<p><b>group {html.escape(self.kind)} {html.escape(self.name)}</b> "
                f"<code>{html.escape(self.group_id)}</code></p>")
        cards = "".join(f"<h4>{html.escape(t)}</h4>{m._repr_html_()}"
                        for t, m in self.migrations.items())
        return head + self.frame.to_html(index=False) + cards


class Group:
    """Named targets, each a :class:`~dbwork.Workbench` (``group["main"]``)."""

    def __init__(self, workbenches: dict):
        self.workbenches = dict(workbenches)

    @property
    def targets(self) -> list[str]:
        return list(self.workbenches)

    def __getitem__(self, name: str):
        if name not in self.workbenches:
            raise ConfigError(f"unknown target {name!r} (targets: {', '.join(self.targets)})")
        return self.workbenches[name]

    def __repr__(self) -> str:
        inner = ", ".join(f"{t}={wb.display_url}" for t, wb in self.workbenches.items())
        return f"<Group {inner}>"

    def close(self) -> None:
        for wb in self.workbenches.values():
            wb.close()

    # -- one change, every target ---------------------------------------------------
    def migrate(self, name: str, texts, dry_run: bool = False, allow_data_loss: bool = False,
                mirror: str | MirrorSpec | None = None) -> GroupChange:
        """Apply ``texts`` (target -> text; or one text with ``-- target: NAME`` sections,
        or one text for every target) as migration ``name`` on each target, in the
        group's order. ``mirror="main:events backup"`` adds the collection derived from
        table ``events`` of ``main`` to ``backup``'s change. A failure undoes the targets
        that had applied it (GroupFailed says which); a re-run of an applied change is
        reported, not applied twice."""
        validate_name(name)
        plan = {} if mirror is not None and texts in ({}, None, "") else self.plan_texts(texts)
        if mirror is not None:
            plan = self._with_mirror(plan, mirror)
        planned = self._preflight(name, plan, allow_data_loss)
        if dry_run:
            return GroupChange(name, "(dry run)", "migrate", planned)
        return self._apply(name, plan, allow_data_loss)

    def plan_texts(self, texts) -> dict[str, str]:
        """Each target's text, in the group's order: from a dict, from one text with
        ``-- target: NAME`` sections, or one text for every target."""
        if isinstance(texts, str):
            if has_sections(texts):
                return split_targets(texts, self.targets)
            return {t: texts for t in self.targets}
        if not isinstance(texts, dict) or not texts:
            raise ConfigError("texts must be a non-empty dict of target -> text, or one text")
        for target, text in texts.items():
            self[target]
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"the change for target {target} is empty")
        return {t: texts[t] for t in self.targets if t in texts}   # the group's order

    def _with_mirror(self, plan: dict, mirror) -> dict:
        spec = mirror if isinstance(mirror, MirrorSpec) else MirrorSpec.parse(mirror)
        source, target = self[spec.source], self[spec.target]
        if not source.dialect.relational or target.dialect.relational:
            raise ConfigError(f"mirror goes from a SQL target to a MongoDB one: {spec.source} "
                              f"is {source.dialect.name}, {spec.target} is {target.dialect.name}")
        table = planned_table(source, plan.get(spec.source), spec.table)
        derived = mirror_text(table)
        out = dict(plan)
        out[spec.target] = (plan[spec.target] + "\n" + derived) if spec.target in plan else derived
        return {t: out[t] for t in self.targets if t in out}

    def _preflight(self, name: str, plan: dict, allow_data_loss: bool) -> dict:
        """A dry run on every target before anything runs: parse errors, unknown tables,
        data-loss refusals and conflicts surface while every database is untouched."""
        return {t: self[t].migrate(name, text, dry_run=True, allow_data_loss=allow_data_loss)
                for t, text in plan.items()}

    def _apply(self, name: str, plan: dict, allow_data_loss: bool) -> GroupChange:
        gid = self._group_of_applied(name, plan) or new_group_id()
        change = GroupChange(name, gid, "migrate")
        fresh: list[str] = []
        for target, text in plan.items():
            wb = self[target]
            wb.group_id = gid
            try:
                m = wb.migrate(name, text, allow_data_loss=allow_data_loss)
            except DbworkError as e:
                raise self._compensate(name, target, e, fresh, change) from e
            finally:
                wb.group_id = None
            change.migrations[target] = m
            if not any("already applied" in n for n in m.notes):
                fresh.append(target)
        return change

    def _group_of_applied(self, name: str, plan: dict) -> str | None:
        """A re-run keeps the group id the first run gave (where a target has it)."""
        for target in plan:
            for row in self[target].backend.history():
                if row.name == name and row.status == "applied" and row.group_id:
                    return row.group_id
        return None

    def _compensate(self, name, failed, error, fresh, change) -> GroupFailed:
        """Undo the failing target's partial steps (non-transactional engines), then
        every earlier target's applied change, newest first."""
        undone, not_undone = {}, {}
        partial = self._undo_partial(failed, name, not_undone)
        for target in reversed(fresh):
            m = change.migrations[target]
            try:
                self._undo_one(target, m.version)
                undone[target] = m.version
            except DbworkError as e:
                not_undone[target] = str(e).splitlines()[0]
        return GroupFailed(name, failed, error, dict(reversed(list(undone.items()))),
                           not_undone, partial)

    def _undo_partial(self, target: str, name: str, not_undone: dict) -> int:
        """The steps a non-transactional engine ran before the failure, rolled back;
        returns how many."""
        wb = self[target]
        rows = [r for r in wb.backend.history() if r.status in LIVE]
        rows.sort(key=lambda r: r.version)
        if not rows or rows[-1].name != name or rows[-1].status not in ("failed", "running"):
            return 0
        try:
            wb.rollback(reason="group change failed on this target")
        except DbworkError as e:
            not_undone[target] = f"its partial steps stay: {str(e).splitlines()[0]}"
            return 0
        return rows[-1].steps_done

    def _undo_one(self, target: str, version: str, reason: str = "a later target failed"):
        wb = self[target]
        live = sorted((r for r in wb.backend.history() if r.status in LIVE),
                      key=lambda r: r.version)
        if not live or live[-1].version != version:
            newest = live[-1] if live else None
            raise MigrationConflict(
                f"{target}: {version} is not the newest migration there "
                f"({newest.version + ' ' + newest.name if newest else 'none'} is); "
                "roll that back first")
        return wb.rollback(reason=reason)[0]

    # -- take the newest group change back -------------------------------------------
    def rollback(self, dry_run: bool = False, reason: str | None = None) -> GroupChange:
        """Undo the newest group change on every target that applied it, last target
        first. Refused before anything runs when it is not the newest migration on one
        of them."""
        found = self._newest_group()
        if found is None:
            raise ConfigError("no group change is applied on these targets")
        gid, rows = found
        for target, row in rows.items():
            self._refuse_if_not_newest(target, row.version)
        change = GroupChange(next(iter(rows.values())).name, gid, "rollback")
        done: dict = {}
        for target in reversed(list(rows)):
            try:
                out = self[target].rollback(dry_run=dry_run, reason=reason)
            except DbworkError as e:
                raise GroupFailed(f"rollback of {gid}", target, e, done, {}) from e
            change.migrations[target] = out[0]
            done[target] = out[0].version
        change.migrations = {t: change.migrations[t] for t in rows}
        return change

    def _newest_group(self):
        by_group: dict[str, dict] = {}
        for target, wb in self.workbenches.items():
            for row in wb.backend.history():
                if row.group_id and row.status in LIVE:
                    by_group.setdefault(row.group_id, {})[target] = row
        if not by_group:
            return None
        gid = max(by_group)
        rows = by_group[gid]
        return gid, {t: rows[t] for t in self.targets if t in rows}

    def _refuse_if_not_newest(self, target: str, version: str) -> None:
        live = sorted((r.version for r in self[target].backend.history()
                       if r.status in LIVE))
        if live and live[-1] != version:
            raise MigrationConflict(f"{target}: the group's migration {version} is not the "
                                    f"newest there ({live[-1]} is): roll that back first")

    # -- looking ----------------------------------------------------------------------
    def history(self):
        """Every target's history rows with their group id (a DataFrame)."""
        import pandas as pd
        cols = ["target", "version", "name", "status", "group_id", "applied_at"]
        rows = [{"target": t, **{c: getattr(r, c) for c in cols[1:]}}
                for t, wb in self.workbenches.items() for r in wb.backend.history()]
        return pd.DataFrame(rows, columns=cols)

    def check(self, table: str, key: str = "id", fields=None, targets=None):
        """Compare ``table`` (or collection) across targets by ``key``: ids present in
        one and not the other, field values that differ, counts -> ConsistencyReport."""
        from .check import check
        return check(self, table, key, fields, targets)


def planned_table(wb, text: str | None, table: str):
    """The table as it is after ``text`` (when the change creates or alters it), else as
    it is live: what a mirror derives from."""
    schema = wb.schema()
    if text:
        from ..parse.sql import parse_sql
        parsed = parse_sql(text, wb.dialect, schema, allow_dml=True)
        for op in parsed.ops:
            schema = op.apply(schema)
    if not schema.has_table(table):
        from ..errors import UnknownObjectError
        raise UnknownObjectError("table", table)
    return schema.table(table)
