"""Notebook magics for several targets (dbwork.multi):

    %%migrate NAME --targets main,backup [--group VAR] [--mirror main:events backup] [--dry-run] [--allow-data-loss]
    -- target: main
    CREATE TABLE events (...);
    -- target: backup
    db.createCollection('events')

    %rollback_group [--group VAR]
    %check TABLE [--key id] [--fields a,b] [--group VAR]

The group is a :func:`dbwork.connect_many` result in the notebook (``--group VAR``, or
the only one there). ``%%migrate`` without ``--targets`` or ``--mirror`` is the
ordinary single-target magic.
"""
from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring


@magics_class
class MultiMagics(Magics):
    """The group magics: ``%rollback_group``, ``%check``, and the group half of
    ``%%migrate --targets`` (the option itself belongs to core's ``%%migrate``)."""

    def migrate_group(self, args, cell):
        """The group half of ``%%migrate NAME --targets a,b`` (core's magic hands it here):
        ``-- target: NAME`` lines start each target's section; a failure on a later
        target undoes the earlier ones."""
        group = self._group(args.group)
        texts = group.plan_texts(cell) if cell.strip() else {}
        if args.targets:
            wanted = [t.strip() for t in args.targets.split(",") if t.strip()]
            for t in wanted:
                group[t]   # an unknown name is refused here
            texts = {t: text for t, text in texts.items() if t in wanted}
        mirror = " ".join(args.mirror) if args.mirror else None
        return group.migrate(args.name, texts, dry_run=args.dry_run,
                             allow_data_loss=args.allow_data_loss, mirror=mirror)

    @magic_arguments()
    @argument("--group", default=None, help="the notebook variable holding the group")
    @line_magic
    def rollback_group(self, line):
        """%rollback_group [--group VAR]: undo the newest group change on every target."""
        args = _parse(self.rollback_group, line)
        return self._group(args.group).rollback()

    @magic_arguments()
    @argument("table", help="the table or collection")
    @argument("--key", default="id", help="the field rows are matched by")
    @argument("--fields", default=None, help="comma-separated fields (default: common ones)")
    @argument("--group", default=None, help="the notebook variable holding the group")
    @line_magic
    def check(self, line):
        """%check TABLE [--key id] [--fields a,b] [--group VAR]: compare a table across
        the group's first two targets (a ConsistencyReport)."""
        args = _parse(self.check, line)
        fields = [f for f in args.fields.split(",") if f] if args.fields else None
        return self._group(args.group).check(args.table, key=args.key, fields=fields)

    def _group(self, name: str | None):
        from dbwork.multi.group import Group
        ns = self.shell.user_ns
        if name is not None:
            value = ns.get(name)
            if not isinstance(value, Group):
                raise UsageError(f"{name} is not a group (dbwork.connect_many(...))")
            return value
        groups = [k for k, v in ns.items() if isinstance(v, Group) and not k.startswith("_")]
        if len(groups) != 1:
            raise UsageError("name the group with --group VAR" if groups else
                             "no group in the notebook: g = dbwork.connect_many({...})")
        return ns[groups[0]]


def _parse(fn, line):
    try:
        return parse_argstring(fn, line)
    except UsageError:
        raise
    except SystemExit:
        raise UsageError(f"bad arguments: {line!r}") from None
