"""DynamoDB's schema model: tables with their key schema, billing, secondary indexes,
TTL and stream, as plain frozen data (operations return changed copies).

>>> t = TableDef("orders", (KeyAttr("customer", "S", "HASH"), KeyAttr("id", "S", "RANGE")))
>>> s = DynamoSchema().with_table(t)
>>> s.has_table("orders"), t.key_text(), t.attribute_types()
(True, 'customer S HASH, id S RANGE', {'customer': 'S', 'id': 'S'})
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...errors import UnknownObjectError

ON_DEMAND = "PAY_PER_REQUEST"
PROVISIONED = "PROVISIONED"
KEY_TYPES = ("S", "N", "B")
STREAM_VIEWS = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")


@dataclass(frozen=True)
class KeyAttr:
    """One key attribute: its name, scalar type (S, N, B) and role (HASH or RANGE)."""

    name: str
    type: str
    role: str = "HASH"

    def text(self) -> str:
        return f"{self.name} {self.type} {self.role}"


@dataclass(frozen=True)
class IndexDef:
    """A global or local secondary index: key, projection and (GSI on a provisioned
    table) its own read and write capacity."""

    name: str
    keys: tuple[KeyAttr, ...]
    projection: str = "ALL"
    include: tuple[str, ...] = ()
    read: int | None = None
    write: int | None = None

    def key_text(self) -> str:
        return ", ".join(k.text() for k in self.keys)

    def describe(self) -> str:
        proj = self.projection + (f" ({', '.join(self.include)})" if self.include else "")
        return f"{self.name} ({self.key_text()}) projection {proj}"


@dataclass(frozen=True)
class KeyField:
    """A key attribute shown where a document view lists fields."""

    path: str
    types: dict
    present: int = 0
    sampled: int = 0
    optional = False
    depth = 0

    def type_text(self) -> str:
        return ", ".join(self.types)


@dataclass(frozen=True)
class TableDef:
    """A table as ``DescribeTable`` reports it (what a rollback needs to re-create it).
    ``items`` is the item count at introspection (not compared)."""

    name: str
    keys: tuple[KeyAttr, ...]
    billing: str = ON_DEMAND
    read: int | None = None
    write: int | None = None
    gsis: tuple[IndexDef, ...] = ()
    lsis: tuple[IndexDef, ...] = ()
    ttl: str | None = None
    stream: str | None = None
    items: int = field(default=0, compare=False)

    @property
    def hash_key(self) -> KeyAttr:
        return self.keys[0]

    def key_names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys)

    def key_text(self) -> str:
        return ", ".join(k.text() for k in self.keys)

    def attribute_types(self) -> dict[str, str]:
        """Every key attribute of the table and its indexes -> its type (the table's
        ``AttributeDefinitions``)."""
        out: dict[str, str] = {}
        for k in self.keys + tuple(k for i in self.gsis + self.lsis for k in i.keys):
            out.setdefault(k.name, k.type)
        return out

    def index_key_names(self) -> set[str]:
        return {k.name for i in self.gsis + self.lsis for k in i.keys}

    def gsi(self, name: str) -> IndexDef:
        for i in self.gsis:
            if i.name == name:
                return i
        raise UnknownObjectError("global secondary index", name, self.name)

    def has_index(self, name: str) -> bool:
        return any(i.name == name for i in self.gsis + self.lsis)

    # -- what dbwork's generic views read from a collection (cards, fingerprints) --
    @property
    def options(self) -> dict:
        return {"key": self.key_text(), "billing": self.billing_text(), "ttl": self.ttl,
                "stream": self.stream}

    @property
    def indexes(self) -> tuple[IndexDef, ...]:
        return self.gsis + self.lsis

    @property
    def fields(self) -> tuple["KeyField", ...]:
        """The key attributes (the only attributes a table declares)."""
        return tuple(KeyField(n, {t: 1}) for n, t in self.attribute_types().items())

    @property
    def documents(self) -> int:
        return self.items

    sampled = 0

    def billing_text(self) -> str:
        if self.billing == PROVISIONED:
            return f"provisioned (read {self.read}, write {self.write})"
        return "on demand"


@dataclass(frozen=True)
class DynamoSchema:
    """The tables dbwork manages on one endpoint and region (those whose name starts
    with ``prefix``, when one is set)."""

    tables: dict = field(default_factory=dict)
    prefix: str = ""
    database: str = "dynamodb"

    @property
    def collections(self) -> dict:
        return self.tables

    def has_table(self, name: str) -> bool:
        return name in self.tables

    has_collection = has_table

    def table(self, name: str) -> TableDef:
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownObjectError("table", name) from None

    collection = table

    def with_table(self, t: TableDef) -> "DynamoSchema":
        return replace(self, tables={**self.tables, t.name: t})

    def without_table(self, name: str) -> "DynamoSchema":
        return replace(self, tables={k: v for k, v in self.tables.items() if k != name})

    def shape(self) -> dict:
        """Everything but item counts (what a round trip must give back)."""
        return {n: self.tables[n] for n in sorted(self.tables)}

    def to_frame(self):
        """One row per table: keys, billing, indexes, TTL, stream, items."""
        import pandas as pd
        rows = [{"table": n, "key": t.key_text(), "billing": t.billing_text(),
                 "gsis": "; ".join(i.describe() for i in t.gsis),
                 "lsis": "; ".join(i.describe() for i in t.lsis),
                 "ttl": t.ttl or "", "stream": t.stream or "", "items": t.items}
                for n, t in sorted(self.tables.items())]
        return pd.DataFrame(rows, columns=["table", "key", "billing", "gsis", "lsis", "ttl",
                                           "stream", "items"])

    def __repr__(self) -> str:
        lines = [f"<DynamoSchema: {len(self.tables)} table(s)>"]
        for n, t in sorted(self.tables.items()):
            lines.append(f"  {n} ({t.key_text()}), {t.billing_text()}, {t.items} item(s)")
            lines += [f"    GSI {i.describe()}" for i in t.gsis]
            lines += [f"    LSI {i.describe()}" for i in t.lsis]
            if t.ttl:
                lines.append(f"    TTL on {t.ttl}")
            if t.stream:
                lines.append(f"    stream {t.stream}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)
