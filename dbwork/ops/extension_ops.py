"""PostgreSQL extensions as operations: ``CREATE EXTENSION`` and its inverse ``DROP
EXTENSION``, for desired states that name extensions (a Prisma datasource's
``extensions = [citext, pg_trgm]``). One pair serves SQL files and desired states: it
lives in :mod:`dbwork.ops.raw_ops`.

>>> from dbwork.model import Schema
>>> op = CreateExtension("citext")
>>> sorted(op.apply(Schema()).extensions), op.reverse().describe()
(['citext'], 'drop extension citext')
"""
from .raw_ops import CreateExtension, DropExtension

__all__ = ["CreateExtension", "DropExtension"]
