"""Reader for ``alembic.ini``: the tool, and ``sqlalchemy.url`` when it is a real URL
(alembic's template value ``driver://user:pass@localhost/dbname`` is ignored).

>>> r = read(Source("alembic.ini", "[alembic]\\n# sqlalchemy.url = mysql://x\\nsqlalchemy.url = postgresql+psycopg://app:pw@localhost/shop\\n"))
>>> [(c.technology, c.url.split('@')[1], c.evidence[0].line) for c in r.candidates]
[('postgresql', 'localhost/shop', 3)]
"""
from __future__ import annotations

from .sources import RANK, Report, Source
from .textscan import key_values
from .urls import is_placeholder, sqlite_url, technology_of


def read(source: Source) -> Report:
    """The alembic tool, plus a candidate for a literal ``sqlalchemy.url``.

    >>> [f.kind for f in read(Source("alembic.ini", "[alembic]\\n")).findings]
    ['tool']
    """
    report = Report(source)
    report.tool("alembic", 1 if source.text else None, evidence=source.name)
    for key, value, line in key_values(source.text, "=:"):
        if key != "sqlalchemy.url" or not value or is_placeholder(value):
            continue
        tech = technology_of(value)
        if tech is None:
            continue
        if tech == "sqlite" and value.startswith("sqlite:///") and not value.startswith("sqlite:////"):
            value = sqlite_url(value[len("sqlite:///"):], source.dir)
        report.technology(tech, line)
        report.connection("alembic", tech, value, line, RANK["config"])
    return report
