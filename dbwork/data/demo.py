"""Demo data from the schema: realistic rows that the engine accepts. Types, lengths,
NOT NULL, simple CHECKs (comparisons, BETWEEN, IN lists), enums, unique keys and
foreign keys (parents first, pointing at rows that exist) are honoured; names,
emails, cities, dates and amounts look plausible (Faker, when installed, supplies
pools of words; the choice among them is ours, so a million rows stay fast).
Deterministic: the same schema, row count and seed give the same rows.

Generation (:func:`generate_table`) is pure; :func:`dbwork.data.demo_io.load_demo` loads through each
backend's bulk path: COPY on PostgreSQL, executemany (multi-row INSERTs) on MariaDB
and SQLite, insert_many on MongoDB.

>>> from dbwork.model import Column, PrimaryKey, Table, Check
>>> t = Table("users", (Column("id", "INTEGER", False), Column("age", "INTEGER", False)),
...           PrimaryKey(("id",)), checks=(Check("age >= 18 AND age < 30"),))
>>> cols, rows = generate_table(t, 3, seed=1, parents={})
>>> cols, [r[0] for r in rows], all(18 <= r[1] < 30 for r in rows)
(('id', 'age'), [1, 2, 3], True)
"""
from __future__ import annotations

import datetime as dt
import random
import string
import sys
import uuid
from decimal import Decimal

import sqlglot
from sqlglot import exp

from ..errors import SeedError
from . import values
from .plan import load_order, unique_keys

_POOL = 400
_EPOCH = dt.date(2015, 1, 1)


# -- CHECK constraints -------------------------------------------------------------------
def check_bounds(checks, dialect: str | None = None) -> dict[str, dict]:
    """Per column: ``lo``/``hi`` (inclusive, numbers) and ``choices`` read from CHECKs
    that are simple comparisons, BETWEEN or IN lists joined by AND; others ignored.

    >>> from dbwork.model import Check
    >>> check_bounds([Check("price > 0 AND price <= 100"), Check("kind IN ('a', 'b')")])
    {'price': {'lo': 1, 'hi': 100}, 'kind': {'choices': ['a', 'b']}}
    """
    out: dict[str, dict] = {}
    for c in checks:
        try:
            tree = sqlglot.parse_one(c.expression.replace("`", '"'), read=None)
        except Exception:
            continue
        for part in _conjuncts(tree):
            _bound(part, out)
    return out


def _conjuncts(node):
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _num(node):
    if isinstance(node, exp.Neg):
        v = _num(node.this)
        return -v if v is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this
        return int(text) if text.lstrip("-").isdigit() else float(text)
    return None


def _bound(node, out) -> None:
    ops = {exp.GT: ("lo", 1), exp.GTE: ("lo", 0), exp.LT: ("hi", -1), exp.LTE: ("hi", 0)}
    flip = {"lo": "hi", "hi": "lo"}
    if type(node) in ops and isinstance(node.left, exp.Column):
        side, step = ops[type(node)]
        v = _num(node.right)
        if v is not None:
            _set(out, node.left.name, side, v + step if isinstance(v, int) else v)
    elif type(node) in ops and isinstance(node.right, exp.Column):
        side, step = ops[type(node)]
        v = _num(node.left)
        if v is not None:
            _set(out, node.right.name, flip[side], v - step if isinstance(v, int) else v)
    elif isinstance(node, exp.Between) and isinstance(node.this, exp.Column):
        lo, hi = _num(node.args["low"]), _num(node.args["high"])
        if lo is not None and hi is not None:
            _set(out, node.this.name, "lo", lo)
            _set(out, node.this.name, "hi", hi)
    elif isinstance(node, exp.In) and isinstance(node.this, exp.Column):
        out.setdefault(node.this.name, {})["choices"] = [_lit(e) for e in node.expressions]
    elif isinstance(node, exp.EQ) and isinstance(node.left, exp.Column) and \
            isinstance(node.right, exp.Any):  # PostgreSQL: kind = ANY (ARRAY['a', 'b'])
        arr = node.right.find(exp.Array)
        if arr is not None:
            out.setdefault(node.left.name, {})["choices"] = [_lit(e) for e in arr.expressions]


def _lit(e):
    lit = e.find(exp.Literal)
    if lit is None:
        return e.sql()
    return lit.this if lit.is_string else _num(lit)


def _set(out, col, side, v) -> None:
    d = out.setdefault(col, {})
    if side not in d:
        d[side] = v
    else:
        d[side] = max(d[side], v) if side == "lo" else min(d[side], v)


# -- pools of plausible words ------------------------------------------------------------
class Pools:
    """Word pools drawn once per seed (Faker if installed, else built-in lists)."""

    def __init__(self, seed: int):
        try:
            from faker import Faker
        except ImportError:
            Faker = None
        if Faker is not None:
            f = Faker("en_US")
            f.seed_instance(seed)
            gen = {"first": f.first_name, "last": f.last_name, "city": f.city,
                   "country": f.country, "company": f.company, "street": f.street_address,
                   "word": f.word, "domain": f.free_email_domain, "job": f.job}
            self.words = {k: [g() for _ in range(_POOL)] for k, g in gen.items()}
        else:
            base = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Edsger", "Frances"]
            self.words = {k: base for k in ("first", "last", "city", "country", "company",
                                            "street", "word", "job")}
            self.words["domain"] = ["example.com", "example.org"]

    def pick(self, rng: random.Random, kind: str) -> str:
        return rng.choice(self.words[kind])


_NAME_HINTS = (  # column name contains -> how to make its text
    ("email", "email"), ("first", "first"), ("last", "last"), ("surname", "last"),
    ("company", "company"), ("city", "city"), ("country", "country"), ("street", "street"),
    ("address", "street"), ("phone", "phone"), ("url", "url"), ("title", "job"),
    ("job", "job"), ("name", "name"), ("description", "text"), ("body", "text"),
    ("comment", "text"), ("note", "text"), ("code", "code"), ("sku", "code"),
)


def _text_kind(name: str) -> str:
    low = name.lower()
    return next((k for hint, k in _NAME_HINTS if hint in low), "word")


# -- one table ---------------------------------------------------------------------------
def generate_table(table, n: int, seed: int, parents: dict, enums=None, start: int = 1,
                   pools: Pools | None = None, deferred=()):
    """``n`` rows for ``table``: (column names, list of tuples). ``parents`` maps a
    referenced table to the key tuples its rows have (for foreign keys); ``start`` is
    the first integer key (after the rows already there)."""
    pools = pools or Pools(seed)
    rng = random.Random(f"{seed}:{table.name}")
    bounds = check_bounds(table.checks)
    uniques = unique_keys(table)
    lead = {k[0] for k in uniques}            # unique by the row's number
    fk_of = {c: fk for fk in table.foreign_keys for c in fk.columns}
    cols = tuple(c.name for c in table.columns if not _skip(c, table))
    makers = [_maker(table.column(c), table, bounds.get(c, {}), c in lead, fk_of.get(c),
                     parents, enums or {}, pools, start, deferred) for c in cols]
    fk_groups = _fk_groups(table, cols, parents, deferred)
    rows = []
    for i in range(n):
        row = [m(rng, i) for m in makers]
        for idx, fk in fk_groups:   # a composite foreign key: one parent for all its columns
            parent = rng.choice(parents[fk.ref_table]) if parents.get(fk.ref_table) else None
            for j, pos in enumerate(idx):
                row[pos] = parent[j] if parent else None
        rows.append(tuple(row))
    return cols, rows


def _skip(c, table) -> bool:
    """Columns the engine fills: serial/identity and defaulted generated ones."""
    return c.autoincrement and (c.identity == "ALWAYS")


def _fk_groups(table, cols, parents, deferred):
    out = []
    for fk in table.foreign_keys:
        if fk in deferred:
            continue
        idx = [cols.index(c) for c in fk.columns if c in cols]
        if len(idx) == len(fk.columns):
            out.append((idx, fk))
            if not parents.get(fk.ref_table) and any(
                    not table.column(c).nullable for c in fk.columns):
                raise SeedError(f"{table.name}.{', '.join(fk.columns)} must reference "
                                f"{fk.ref_table}, which has no rows: generate it too",
                                table=table.name)
    return out


def _maker(col, table, bound, unique, fk, parents, enums, pools, start, deferred):
    """A function (rng, row number) -> the column's value."""
    if fk is not None:
        if fk in deferred:
            return lambda rng, i: None
        return lambda rng, i: None   # filled per foreign key (see generate_table)
    nullable = col.nullable and not unique and col.name not in _pk(table)
    choices = bound.get("choices") or values.enum_values(col.type, enums)
    if choices:
        make = _choice(list(choices))
    else:
        make = _by_kind(col, bound, unique, pools, start)
    if nullable and not bound:
        return lambda rng, i: None if rng.random() < 0.05 else make(rng, i)
    return make


def _pk(table) -> tuple[str, ...]:
    return table.primary_key.columns if table.primary_key else ()


def _choice(choices):
    return lambda rng, i: rng.choice(choices)


def _by_kind(col, bound, unique, pools, start):
    kind = values.kind_of(col.type)
    if kind == "int":
        return _ints(col, bound, unique, start)
    if kind in ("decimal", "float"):
        return _amounts(col, bound, kind)
    if kind == "bool":
        return lambda rng, i: rng.random() < 0.5
    if kind in ("date", "datetime"):
        return _dates(kind, unique)
    if kind == "time":
        return lambda rng, i: dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60))
    if kind == "json":
        return lambda rng, i: {"n": i, "tag": pools.pick(rng, "word")}
    if kind == "uuid":
        return lambda rng, i: str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if kind == "bytes":
        return lambda rng, i: rng.randbytes(8)
    return _texts(col, unique, pools, start)


def _ints(col, bound, unique, start):
    name = col.name.lower()
    lo, hi = (18, 90) if "age" in name else (1900, 2030) if "year" in name else (1, 10_000)
    lo, hi = bound.get("lo", lo), bound.get("hi", hi)
    if "hi" in bound and "lo" not in bound:
        lo = min(lo, hi)
    if "lo" in bound and "hi" not in bound and hi <= lo:
        hi = lo + 1000
    if unique:
        first = max(int(bound.get("lo", 1)), 1) + start - 1
        return lambda rng, i: first + i
    return lambda rng, i: rng.randint(int(lo), int(hi))


def _amounts(col, bound, kind):
    scale = _scale(col.type)
    lo = float(bound.get("lo", 0))
    hi = float(bound.get("hi", max(lo, 0) + 1000))
    if kind == "decimal":
        q = Decimal(1).scaleb(-scale)
        return lambda rng, i: Decimal(str(round(rng.uniform(lo, hi), scale))).quantize(q)
    return lambda rng, i: round(rng.uniform(lo, hi), 2)


def _scale(type_text: str) -> int:
    import re
    m = re.search(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)", type_text)
    return int(m.group(2)) if m else 2


def _dates(kind, unique):
    def make(rng, i):
        day = _EPOCH + dt.timedelta(days=(i if unique else rng.randrange(3650)))
        if kind == "date":
            return day
        return dt.datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60),
                           rng.randrange(60))
    return make


def _texts(col, unique, pools: Pools, start):
    limit = values.max_length(col.type)
    kind = _text_kind(col.name)

    def base(rng, i):
        if kind == "email":
            return (f"{pools.pick(rng, 'first')}.{pools.pick(rng, 'last')}".lower() +
                    (f"{start + i}" if unique else "") + "@" + pools.pick(rng, "domain"))
        if kind == "name":
            return f"{pools.pick(rng, 'first')} {pools.pick(rng, 'last')}"
        if kind == "phone":
            return f"+1-555-{rng.randrange(1000):03d}-{rng.randrange(10000):04d}"
        if kind == "url":
            return f"https://{pools.pick(rng, 'domain')}/{pools.pick(rng, 'word')}"
        if kind == "text":
            return " ".join(pools.pick(rng, "word") for _ in range(8)).capitalize() + "."
        if kind == "code":
            return "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
        return pools.pick(rng, kind)

    def make(rng, i):
        text = base(rng, i)
        if unique and kind != "email":
            text = _unique_text(text, start + i, limit)
        elif unique:
            text = text if limit is None or len(text) <= limit else _unique_text("", start + i, limit)
        return text[:limit] if limit else text
    return make


def _unique_text(text: str, n: int, limit: int | None) -> str:
    """``text`` made unique by the row number, within ``limit`` characters."""
    tag = _base26(n)
    if limit is not None and len(tag) > limit:
        raise SeedError(f"cannot make {n} unique values in {limit} character(s)")
    if limit is None:
        return f"{text} {tag}".strip()
    room = limit - len(tag) - 1
    return f"{text[:room]} {tag}".strip() if room > 0 else tag.rjust(limit, "A")


def _base26(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = string.ascii_uppercase[r] + out
        if n == 0:
            return out


# -- the whole schema --------------------------------------------------------------------
def plan_tables(schema, tables=None) -> tuple[list[str], dict]:
    """Which tables, parents first, with cycle-closing foreign keys deferred (left NULL)."""
    names = [t for t in (tables or schema.tables) if not t.startswith(("dbwork_", "_dbwork"))]
    for t in names:
        schema.table(t)
    return load_order(names, schema)


def progress_bar(total: int, enabled: bool | None, desc: str):
    """tqdm (tqdm.auto in a notebook) when asked, or by default when stderr is a tty."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=desc, unit="row")
