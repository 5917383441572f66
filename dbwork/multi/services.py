"""Services that depend on each other: each has its migrations folder and database
(``services.toml``, or ``[tool.dbwork.services]`` in pyproject.toml), and a migration
file may require another service's migration with a header line
``-- requires: billing@20261201120000`` (a version or a migration name). The plan
orders every service's pending migrations so each runs after what it requires; a
cycle or a requirement that is neither applied nor pending is refused, naming it.

>>> steps = {("orders", "2"): ["billing@1"], ("billing", "1"): [], ("orders", "3"): []}
>>> [f"{s}@{v}" for s, v in order_steps(steps, {})]
['billing@1', 'orders@2', 'orders@3']
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, PlanRefused

REQUIRES = re.compile(r"^\s*(?:--|//)\s*requires:\s*(?P<list>.+?)\s*$", re.IGNORECASE)
FILES = ("services.toml", "pyproject.toml")


@dataclass(frozen=True)
class Service:
    """One service: its name, database URL and migrations folder."""

    name: str
    database: str
    migrations: Path


def load_services(path: str | os.PathLike = ".") -> dict[str, Service]:
    """The services of ``path`` (a services.toml / pyproject.toml, or a folder holding
    one). Relative folders and sqlite paths are taken from the file's folder;
    ``${VAR}`` in a database URL is read from the environment (keep passwords there)."""
    file = _config_file(Path(path))
    data = tomllib.loads(file.read_text())
    table = data.get("services") if file.name != "pyproject.toml" else \
        data.get("tool", {}).get("dbwork", {}).get("services")
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{file}: no services listed ([services.NAME] with migrations "
                          "and database)")
    return {name: _service(file, name, entry) for name, entry in table.items()}


def _config_file(path: Path) -> Path:
    if path.is_file():
        return path
    for name in FILES:
        if (path / name).is_file() and (name != "pyproject.toml" or
                                        "services" in (path / name).read_text()):
            return path / name
    raise ConfigError(f"no services.toml (or [tool.dbwork.services] in pyproject.toml) in {path}")


def _service(file: Path, name: str, entry) -> Service:
    if not isinstance(entry, dict) or not {"migrations", "database"} <= set(entry):
        raise ConfigError(f"{file}: service {name} needs 'migrations' and 'database'")
    if not name.isidentifier():
        raise ConfigError(f"{file}: service name {name!r} must be a plain identifier")
    url = os.path.expandvars(str(entry["database"]))
    if "${" in url:
        raise ConfigError(f"{file}: service {name}: an environment variable in its database "
                          "URL is not set")
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and ":memory:" not in url:
        url = f"sqlite:///{(file.parent / url[len('sqlite:///'):]).resolve()}"
    return Service(name, url, (file.parent / entry["migrations"]).resolve())


def requirements(text: str) -> list[str]:
    """The ``service@version`` items of a file's ``-- requires:`` lines.

    >>> requirements("-- requires: billing@20261201, users@create_users\\nSELECT 1")
    ['billing@20261201', 'users@create_users']
    """
    out = []
    for line in text.splitlines():
        m = REQUIRES.match(line)
        if m:
            for item in re.split(r"[,\s]+", m["list"]):
                if item:
                    if item.count("@") != 1 or not all(item.split("@")):
                        raise ConfigError(f"-- requires: {item!r} must read SERVICE@VERSION")
                    out.append(item)
    return out


def order_steps(steps: dict, applied: dict) -> list[tuple[str, str]]:
    """Pure: ``steps`` maps (service, version) -> its requirements ("svc@version");
    ``applied`` maps service -> versions applied there. Each service's own order is
    kept (by version); a requirement that is applied needs nothing; a pending one goes
    first; any other is an unmet requirement; a cycle is refused with its chain."""
    after: dict[tuple, set] = {node: set() for node in steps}
    for node in steps:
        earlier = [n for n in steps if n[0] == node[0] and n[1] < node[1]]
        if earlier:
            after[node].add(max(earlier, key=lambda n: n[1]))
        for item in steps[node]:
            service, version = item.split("@")
            if version in applied.get(service, set()):
                continue
            if (service, version) not in steps:
                raise PlanRefused(f"{node[0]}@{node[1]} requires {item}, which is neither "
                                  f"applied nor pending in service {service}")
            after[node].add((service, version))
    return _topological(after)


def _topological(after: dict) -> list[tuple]:
    done: list = []
    placed: set = set()
    waiting = dict(after)
    while waiting:
        ready = sorted((n for n, deps in waiting.items() if deps <= placed),
                       key=lambda n: (n[1], n[0]))
        if not ready:
            cycle = _find_cycle(waiting, placed)
            raise PlanRefused("requirements form a cycle: " +
                              " -> ".join(f"{s}@{v}" for s, v in cycle), cycle)
        node = ready[0]
        done.append(node)
        placed.add(node)
        del waiting[node]
    return done


def _find_cycle(waiting: dict, placed: set) -> list:
    node = next(iter(waiting))
    path: list = []
    while node not in path:
        path.append(node)
        node = next(d for d in sorted(waiting[node]) if d not in placed)
    return path[path.index(node):] + [node]


@dataclass
class ServicePlan:
    """The ordered pending migrations of every service: ``steps`` (dicts: service,
    version, name, requires), ``frame``, ``to_dict()``."""

    steps: list = field(default_factory=list)

    @property
    def frame(self):
        import pandas as pd
        return pd.DataFrame(self.steps, columns=["service", "version", "name", "requires"])

    def __str__(self) -> str:
        if not self.steps:
            return "every service is up to date"
        return "\n".join(f"{n}. {s['service']}@{s['version']} {s['name']}" +
                         (f" (requires {', '.join(s['requires'])})" if s["requires"] else "")
                         for n, s in enumerate(self.steps, 1))

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return f"<p><b>{len(self.steps)} pending migration(s)</b></p>" + \
            self.frame.to_html(index=False)

    def to_dict(self) -> dict:
        return {"steps": self.steps}


def _resolve(item: str, files: dict) -> str:
    """``svc@name`` -> ``svc@version`` when a file of that service has that name."""
    service, ref = item.split("@")
    for m in files.get(service, []):
        if m.name == ref:
            return f"{service}@{m.version}"
    return item


def plan_services(path=".", **options) -> ServicePlan:
    """Read every service's files and history and order what is pending."""
    services = load_services(path)
    benches = _workbenches(services, options)
    try:
        return _plan(benches)
    finally:
        for wb in benches.values():
            wb.close()


def _workbenches(services: dict, options: dict) -> dict:
    from ..workbench import connect
    return {name: connect(s.database, s.migrations, **options) for name, s in services.items()}


def _plan(benches: dict) -> ServicePlan:
    files = {name: wb.files.all() for name, wb in benches.items()}
    rows = {name: wb.backend.history() for name, wb in benches.items()}
    applied = {name: {r.version for r in rows[name] if r.status == "applied"} for name in rows}
    # rolled back on purpose: upgrade leaves it alone until re-approved (wb.reapply)
    reverted = {name: {r.version for r in rows[name] if r.status == "rolled_back"}
                for name in rows}
    pending = {name: [m for m in files[name]
                      if m.version not in applied[name] | reverted[name]] for name in benches}
    steps, info = {}, {}
    for name, ms in pending.items():
        for m in ms:
            text = Path(m.path).read_text() if m.path else ""
            reqs = [_resolve(r, files) for r in requirements(text)]
            steps[(name, m.version)] = reqs
            info[(name, m.version)] = (m.name, reqs)
    for node, reqs in steps.items():
        for item in reqs:
            service, version = item.split("@")
            if version in reverted.get(service, set()):
                raise PlanRefused(f"{node[0]}@{node[1]} requires {item}, which was rolled "
                                  f"back on purpose: re-approve it first "
                                  f"(wb.reapply) in service {service}")
    order = order_steps(steps, applied)
    return ServicePlan([{"service": s, "version": v, "name": info[(s, v)][0],
                         "requires": info[(s, v)][1]} for s, v in order])


def upgrade_services(path=".", dry_run: bool = False, allow_data_loss: bool = False,
                     **options) -> ServicePlan:
    """Apply the plan in its order, each migration under its own service's lock; stops
    at the first failure (the error names the service). Returns the plan it ran."""
    services = load_services(path)
    benches = _workbenches(services, options)
    try:
        plan = _plan(benches)
        for step in plan.steps:
            wb = benches[step["service"]]
            # one file at a time: the workbench's own upgrade path, limited to one version
            wb._upgrade(step["version"], dry_run, allow_data_loss, False, False)
        return plan
    finally:
        for wb in benches.values():
            wb.close()
