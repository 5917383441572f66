"""A document design for a relational schema: each table its own collection, or
embedded in its parent along a foreign key, with the reasons measured from the data.
Pure: the measurements come in as values (:mod:`.stats`), nothing here reads a database.

>>> from dbwork.model import Column, ForeignKey, PrimaryKey, Schema, Table
>>> s = Schema.of(
...     Table("orders", (Column("id", "INTEGER", False), Column("note", "TEXT")),
...           PrimaryKey(("id",))),
...     Table("order_items", (Column("id", "INTEGER", False), Column("order_id", "INTEGER", False),
...                           Column("sku", "VARCHAR(20)", False)), PrimaryKey(("id",)),
...           (ForeignKey(("order_id",), "orders", ("id",)),)))
>>> m = Measurements({"orders": TableStats(2, 40, 50), "order_items": TableStats(3, 30, 30)},
...                  {("order_items", ("order_id",)): LinkStats("order_items", ("order_id",),
...                   "orders", ("id",), 2, 1.5, 2)})
>>> d = propose(s, m)
>>> d.collections, d.field_path("order_items")
(['orders'], 'items')
>>> d.reference("order_items").collections
['orders', 'order_items']
>>> d.embed("order_items", into="orders", as_="lines").field_path("order_items")
'lines'
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field as dc_field

from ...errors import DesignError
from ...model.schema import ForeignKey, Schema, Table
from .stats import MAX_DOCUMENT_BYTES, LinkStats, Measurements, TableStats, human_bytes

DEFAULT_MAX_CHILDREN = 50


@dataclass
class Placement:
    """Where one table's rows go: ``parent`` None means its own collection; otherwise
    the rows are embedded in ``parent`` documents under ``field`` (an array when
    ``many``, else one object) along foreign key ``fk``."""

    table: str
    parent: str | None = None
    field: str | None = None
    fk: ForeignKey | None = None
    many: bool = True
    reasons: list[str] = dc_field(default_factory=list)
    chosen_by: str = "proposed"

    @property
    def embedded(self) -> bool:
        return self.parent is not None

    def describe(self) -> str:
        if not self.embedded:
            return "collection"
        return f"embedded in {self.parent}.{self.field}{'[]' if self.many else ''}"


class DocumentDesign:
    """Tables mapped to collections and embedded documents. Change it with
    :meth:`embed` and :meth:`reference` (each returns the design); read the result
    with :meth:`text`, :attr:`frame`, :meth:`diagram`, :meth:`validators`,
    :meth:`indexes` and :meth:`scripts`."""

    def __init__(self, schema: Schema, measurements: Measurements, placements: dict,
                 max_children: int = DEFAULT_MAX_CHILDREN, decimals: str = "decimal128",
                 source: str = "", dialect: str | None = None):
        self.schema = schema
        self.dialect = dialect     # the sqlglot reader for the source's CHECK texts
        self.measurements = measurements
        self.placements = placements
        self.max_children = max_children
        self.decimals = decimals
        self.source = source
        self.notes: list[str] = []
        self._memo: dict = {}      # fields and children per table, cleared on every change

    # -- structure ------------------------------------------------------------------
    @property
    def tables(self) -> list[str]:
        return list(self.placements)

    @property
    def collections(self) -> list[str]:
        """Tables that are collections of their own, parents first."""
        return [t for t, p in self.placements.items() if not p.embedded]

    def placement(self, table: str) -> Placement:
        try:
            return self.placements[table]
        except KeyError:
            raise DesignError(f"table {table!r} is not in the design (tables: "
                              f"{', '.join(self.placements)})", table=table) from None

    def table(self, name: str) -> Table:
        return self.schema.table(name)

    def children(self, table: str) -> list[Placement]:
        """Placements embedded directly in ``table``, by field name."""
        key = ("children", table)
        if key not in self._memo:
            self._memo[key] = sorted((p for p in self.placements.values()
                                      if p.parent == table), key=lambda p: p.field)
        return self._memo[key]

    def chain(self, table: str) -> list[Placement]:
        """From the root collection's placement down to ``table``'s."""
        out = [self.placement(table)]
        while out[0].embedded:
            out.insert(0, self.placement(out[0].parent))
        return out

    def root_of(self, table: str) -> str:
        return self.chain(table)[0].table

    def field_path(self, table: str) -> str:
        """The dotted path of ``table``'s embedded documents inside its root collection
        ('' for a collection)."""
        return ".".join(p.field for p in self.chain(table)[1:])

    def target_name(self, table: str) -> str:
        """``orders`` for a collection, ``orders.items[]`` for embedded rows."""
        chain = self.chain(table)
        if len(chain) == 1:
            return table
        return chain[0].table + "".join(f".{p.field}{'[]' if p.many else ''}" for p in chain[1:])

    def fields(self, table: str) -> dict[str, str]:
        """Column -> field name in ``table``'s documents: a collection's one-column
        primary key is ``_id`` (a composite key: ``_id.<column>``), an embedded table
        leaves out the foreign key it is embedded along (the parent holds it)."""
        key = ("fields", table)
        if key not in self._memo:
            self._memo[key] = self._fields(table)
        return self._memo[key]

    def _fields(self, table: str) -> dict[str, str]:
        t, p = self.table(table), self.placement(table)
        pk = t.primary_key.columns if t.primary_key else ()
        skip = set(p.fk.columns) if p.embedded else set()
        out = {}
        for c in t.columns:
            if c.name in skip:
                continue
            if not p.embedded and c.name in pk:
                out[c.name] = "_id" if len(pk) == 1 else f"_id.{c.name}"
            else:
                out[c.name] = c.name
        return out

    # -- changes ----------------------------------------------------------------------
    def embed(self, child: str, into: str, as_: str | None = None,
              fk: tuple[str, ...] | str | None = None) -> "DocumentDesign":
        """Embed ``child``'s rows in ``into``'s documents under ``as_`` along the
        foreign key from ``child`` to ``into`` (``fk``: its columns, when there are
        several). Returns the design."""
        self.placement(into)
        old = self.placement(child)
        if into == child or child in [p.table for p in self.chain(into)]:
            raise DesignError(f"cannot embed {child!r} in {into!r}: {into!r} is itself "
                              f"inside {child!r}", table=child)
        key = _pick_fk(self.table(child), into, fk)
        name = as_ or default_field(child, into)
        if any(p.field == name for p in self.children(into) if p.table != child) or \
                name in self.fields(into).values():
            raise DesignError(f"{into!r} already has a field {name!r}: choose another "
                              f"as_=", table=child)
        _check_field_name(name, child)
        new = Placement(child, into, name, key, not _one_to_one(self.table(child), key),
                        chosen_by="user")
        new.reasons = [f"embedded by choice ({old.describe()} before)"] + \
            embed_facts(self, new)
        self.placements[child] = new
        self._reorder()
        return self

    def reference(self, table: str) -> "DocumentDesign":
        """Make ``table`` a collection of its own; its foreign keys stay fields that
        reference the parents' ``_id`` (and are indexed). Returns the design."""
        old = self.placement(table)
        new = Placement(table, chosen_by="user")
        new.reasons = [f"a collection by choice ({old.describe()} before)"] + \
            reference_facts(self, table)
        self.placements[table] = new
        self._reorder()
        return self

    def copy(self) -> "DocumentDesign":
        return copy.deepcopy(self)

    def __setattr__(self, name, value):
        if name in ("placements", "decimals") and "_memo" in self.__dict__:
            self.__dict__["_memo"] = {}
        super().__setattr__(name, value)

    def _reorder(self) -> None:
        """Collections first in foreign-key order, each followed by nothing else:
        keeps iteration stable after a change."""
        self._memo = {}
        order = {t: i for i, t in enumerate(self.schema.dependency_order(self.placements))}
        self.placements = dict(sorted(self.placements.items(), key=lambda kv: order[kv[0]]))

    # -- estimates --------------------------------------------------------------------
    def estimate(self, table: str) -> tuple[float, float]:
        """(typical, largest) estimated BSON bytes of one ``table`` document with all
        it embeds: the row's own size plus, per embedded table, children per parent
        times their estimate (average for typical, the measured maximum for largest)."""
        st = self.measurements.table(table)
        typical, largest = st.avg_bytes, float(st.max_bytes)
        for c in self.children(table):
            link = self.link(c)
            ct, cl = self.estimate(c.table)
            n_avg = link.avg_children if link else 1
            n_max = link.max_children if link else 1
            typical += n_avg * ct + len(c.field) + 8
            largest += n_max * cl + len(c.field) + 8
        return typical, largest

    def link(self, p: Placement) -> LinkStats | None:
        return self.measurements.link(p.table, p.fk.columns) if p.fk else None

    # -- display ------------------------------------------------------------------------
    def text(self) -> str:
        """The design as stable text: each collection with what it embeds, then why."""
        lines = [f"document design: {len(self.collections)} collection(s) from "
                 f"{len(self.placements)} table(s)"]
        for root in self.collections:
            lines += self._tree(root, 1)
        lines.append("why:")
        for t, p in self.placements.items():
            lines.append(f"  {t}: {p.describe()}")
            lines += [f"    - {r}" for r in p.reasons]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _tree(self, table: str, depth: int) -> list[str]:
        st = self.measurements.table(table)
        typical, largest = self.estimate(table)
        p = self.placement(table)
        head = table if not p.embedded else f"{p.field}{'[]' if p.many else ''} <- {table}"
        out = [f"{'  ' * depth}{head} ({st.rows} rows; document ~{human_bytes(typical)}, "
               f"largest ~{human_bytes(largest)})"]
        for c in self.children(table):
            out += self._tree(c.table, depth + 1)
        return out

    def __repr__(self) -> str:
        return self.text()

    @property
    def frame(self):
        """One row per table: placement, target, rows, children per parent, estimated
        document size, and the reasons."""
        import pandas as pd
        rows = []
        for t, p in self.placements.items():
            link = self.link(p) if p.embedded else None
            typical, largest = self.estimate(t)
            rows.append({"table": t, "placement": p.describe(), "target": self.target_name(t),
                         "rows": self.measurements.table(t).rows,
                         "max_per_parent": link.max_children if link else None,
                         "avg_per_parent": link.avg_children if link else None,
                         "doc_bytes": round(typical), "largest_bytes": round(largest),
                         "chosen_by": p.chosen_by, "why": "; ".join(p.reasons)})
        return pd.DataFrame(rows)

    def diagram(self):
        """The design as a graphviz diagram: one box per collection, embedded tables
        nested inside, references as edges."""
        from .diagram import design_diagram
        return design_diagram(self)

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        bundle = self.diagram()._repr_mimebundle_(include, exclude)
        bundle["text/plain"] = self.text()
        return bundle

    def _repr_svg_(self):
        return self.diagram()._repr_mimebundle_().get("image/svg+xml")

    # -- what the design produces -----------------------------------------------------
    def validators(self) -> dict[str, dict]:
        """Collection -> ``{"$jsonSchema": ...}`` (types, required fields from NOT NULL,
        the CHECK constraints that translate)."""
        from .jsonschema import validators
        return validators(self)

    def indexes(self) -> dict[str, list]:
        """Collection -> IndexSpec list: unique keys, foreign-key fields, the source's
        other indexes."""
        from .indexes import indexes
        return indexes(self)

    def scripts(self, source_url: str = "SOURCE_URL", target_url: str = "TARGET_URL",
                expected: dict | None = None) -> dict[str, str]:
        """name -> text: ``setup.js`` (mongosh: collections, validators, indexes),
        ``validate.js`` (the validation queries), ``pipeline.py`` (the copy),
        ``design.json``."""
        from .scripts import scripts
        return scripts(self, expected)

    def to_dict(self) -> dict:
        """The placements as plain JSON data (what ``from_dict`` reads back)."""
        return {"max_children": self.max_children, "decimals": self.decimals,
                "tables": {t: ({"collection": True} if not p.embedded else
                               {"embed_in": p.parent, "as": p.field,
                                "fk": list(p.fk.columns)})
                           for t, p in self.placements.items()}}

    @classmethod
    def from_dict(cls, data: dict, schema: Schema, measurements: Measurements | None = None,
                  source: str = "", dialect: str | None = None) -> "DocumentDesign":
        """A design from ``to_dict()`` output over ``schema``."""
        tables = list(data["tables"])
        for t in tables:
            schema.table(t)
        d = cls(schema, measurements or Measurements(), {t: Placement(t) for t in
                                                         schema.dependency_order(tables)},
                data.get("max_children", DEFAULT_MAX_CHILDREN),
                data.get("decimals", "decimal128"), source, dialect)
        for t, spec in data["tables"].items():
            if "embed_in" in spec:
                d.embed(t, spec["embed_in"], spec.get("as"), tuple(spec.get("fk") or ()) or None)
        for p in d.placements.values():
            p.chosen_by, p.reasons = "file", ["as the design file says"]
        return d


# -- helpers --------------------------------------------------------------------------
def _pick_fk(child: Table, into: str, fk) -> ForeignKey:
    fks = [f for f in child.foreign_keys if f.ref_table == into]
    if isinstance(fk, str):
        fk = (fk,)
    if fk is not None:
        fks = [f for f in fks if tuple(f.columns) == tuple(fk)]
    if not fks:
        raise DesignError(f"no foreign key from {child.name!r} to {into!r}"
                          + (f" on ({', '.join(fk)})" if fk else "")
                          + ": only a child can be embedded in its parent", table=child.name)
    if len(fks) > 1:
        raise DesignError(f"{child.name!r} has {len(fks)} foreign keys to {into!r}: name one "
                          f"with fk= ({'; '.join(', '.join(f.columns) for f in fks)})",
                          table=child.name)
    return fks[0]


def _check_field_name(name: str, table: str) -> None:
    if not name or name.startswith("$") or "." in name or "\0" in name:
        raise DesignError(f"{name!r} cannot be a field name (empty, '$' first, a dot or "
                          "NUL)", table=table)


def _one_to_one(child: Table, fk: ForeignKey) -> bool:
    """Does the schema allow at most one child per parent (the FK columns are the
    primary key or a unique key)?"""
    cols = set(fk.columns)
    keys = [set(u.columns) for u in child.uniques]
    keys += [set(i.columns) for i in child.indexes if i.unique and not i.where]
    if child.primary_key:
        keys.append(set(child.primary_key.columns))
    return any(k == cols for k in keys)


def default_field(child: str, parent: str) -> str:
    """order_items in orders -> items; user_addresses in users -> addresses.

    >>> default_field("order_items", "orders"), default_field("tags", "posts")
    ('items', 'tags')
    """
    for stem in (parent, parent[:-1] if parent.endswith("s") else parent):
        if child.startswith(stem + "_") and len(child) > len(stem) + 1:
            return child[len(stem) + 1:]
    return child


def embed_facts(d: DocumentDesign, p: Placement) -> list[str]:
    """The measured facts behind an embedding, for its explanation."""
    cols = ", ".join(p.fk.columns)
    link = d.link(p)
    facts = [f"one-to-one ({cols} is a key of {p.table})" if not p.many else
             f"one-to-many along {cols} -> {p.parent}"]
    if link:
        facts.append(link.describe())
        if link.null_keys:
            facts.append(f"WARNING: {link.null_keys} row(s) have no parent (NULL {cols}) "
                         "and will not be copied")
        if link.max_children > d.max_children:
            facts.append(f"WARNING: more than max_children={d.max_children} per parent")
    typical, largest = d.estimate(d.root_of(p.parent))
    root = d.root_of(p.parent)
    facts.append(f"{root} documents ~{human_bytes(typical)}, largest ~{human_bytes(largest)} "
                 f"(limit {human_bytes(MAX_DOCUMENT_BYTES)})")
    if largest > MAX_DOCUMENT_BYTES:
        facts.append(f"WARNING: the largest {root} document would exceed 16 MB")
    return facts


def reference_facts(d: DocumentDesign, table: str) -> list[str]:
    t = d.table(table)
    refs = [f"references {fk.ref_table} by {', '.join(fk.columns)} (indexed)"
            for fk in t.foreign_keys if fk.ref_table in d.placements]
    return refs or ["no foreign key to another table in the design"]


# -- the proposal ----------------------------------------------------------------------
def propose(schema: Schema, measurements: Measurements, tables=None,
            max_children: int = DEFAULT_MAX_CHILDREN, decimals: str = "decimal128",
            source: str = "", dialect: str | None = None) -> DocumentDesign:
    """The proposed design: a table is embedded in a parent when every row has one
    (NOT NULL key), nothing else references it, it refers not to itself, it has at
    most ``max_children`` rows per parent, and the parent's largest document stays
    under 16 MB; among several such parents, the owning one (ON DELETE CASCADE, the
    key in the child's primary key), then the one with fewer children on average.
    Everything else is a collection of its own that references its parents."""
    names = schema.dependency_order(tables or None)
    d = DocumentDesign(schema, measurements, {t: Placement(t) for t in names},
                       max_children, decimals, source, dialect)
    for t in names:
        _decide(d, t)
    _fit_limit(d)
    for t, p in d.placements.items():
        facts = embed_facts(d, p) if p.embedded else _collection_reasons(d, t)
        p.reasons = facts + p.reasons
    return d


def _decide(d: DocumentDesign, table: str) -> None:
    t = d.table(table)
    p = d.placements[table]
    blockers, fine = [], []
    shared = _referenced_by(d, table)
    for fk in t.foreign_keys:
        if fk.ref_table not in d.placements or fk.ref_table == table:
            continue
        why = _blockers(d, t, fk, shared)
        (blockers if why else fine).append((fk, why))
    if not fine:
        p.reasons = [f"not embedded in {fk.ref_table}: {'; '.join(why)}" for fk, why in blockers]
        return
    fk = min(fine, key=lambda fw: _preference(d, t, fw[0]))[0]
    new = Placement(table, fk.ref_table, default_field(table, fk.ref_table), fk,
                    not _one_to_one(t, fk))
    d.placements[table] = new
    d._memo = {}
    new.reasons = ["nothing else references it"] + \
        [f"not embedded in {f.ref_table}: {'; '.join(w)}" for f, w in blockers] + \
        [f"also a child of {f.ref_table} (fewer ties): {', '.join(f.columns)} stays a field"
         for f, _ in fine if f is not fk]


def _referenced_by(d: DocumentDesign, table: str) -> list[str]:
    return sorted({f"{x.name} ({', '.join(fk.columns)})" for x, fk in
                   d.schema.referencing(table) if x.name in d.placements})


def _blockers(d: DocumentDesign, t: Table, fk: ForeignKey, shared: list[str]) -> list[str]:
    out = []
    if any(f.ref_table == t.name for f in t.foreign_keys):
        out.append(f"{t.name} refers to itself (a tree)")
    if shared:
        out.append(f"{t.name} is referenced by {', '.join(shared)}: kept addressable")
    nullable = [c for c in fk.columns if t.column(c).nullable]
    link = d.measurements.link(t.name, fk.columns)
    if nullable:
        out.append(f"{', '.join(nullable)} may be NULL (a row without a parent)")
    elif link and link.null_keys:
        out.append(f"{link.null_keys} row(s) without a parent")
    if link and link.max_children > d.max_children:
        out.append(f"up to {link.max_children} per {fk.ref_table} row (more than "
                   f"max_children={d.max_children}: not few and bounded)")
    if link:
        size = d.measurements.table(fk.ref_table).max_bytes + \
            link.max_children * d.measurements.table(t.name).max_bytes
        if size > MAX_DOCUMENT_BYTES:
            out.append(f"the largest {fk.ref_table} document would be ~{human_bytes(size)} "
                       "(over 16 MB)")
    return out


def _preference(d: DocumentDesign, t: Table, fk: ForeignKey):
    cascade = (fk.on_delete or "").upper() == "CASCADE"
    in_pk = bool(t.primary_key) and t.primary_key.columns[:len(fk.columns)] == tuple(fk.columns)
    link = d.measurements.link(t.name, fk.columns)
    return (not cascade, not in_pk, link.avg_children if link else 0, fk.ref_table)


def _fit_limit(d: DocumentDesign) -> None:
    """Undo the biggest embedding while a root's largest document exceeds 16 MB."""
    for _ in range(len(d.placements)):
        over = [r for r in d.collections if d.estimate(r)[1] > MAX_DOCUMENT_BYTES]
        if not over:
            return
        inside = [p for p in d.placements.values() if p.embedded and d.root_of(p.table) == over[0]]
        worst = max(inside, key=lambda p: d.estimate(p.table)[1] * (d.link(p).max_children
                                                                     if d.link(p) else 1))
        typical, largest = d.estimate(over[0])
        d._memo = {}
        d.placements[worst.table] = Placement(worst.table, reasons=[
            f"not embedded in {worst.parent}: {over[0]} documents would reach "
            f"~{human_bytes(largest)} (over 16 MB)"])


def _collection_reasons(d: DocumentDesign, table: str) -> list[str]:
    st: TableStats = d.measurements.table(table)
    t = d.table(table)
    key = (f"_id is the primary key ({', '.join(t.primary_key.columns)})" if t.primary_key
           else "no primary key: _id is generated")
    return [f"a collection ({st.rows} rows); {key}"] + \
        [r for r in reference_facts(d, table) if r.startswith("references")]
