"""Open a MongoDB connection target (pymongo is imported only here, on first use)."""
from __future__ import annotations


def open_connection(url, timeouts=None):
    """A :class:`dbwork.backends.mongodb.session.MongoBackend` for ``url`` (its own lease-based
    lock; ``timeouts`` do not apply to MongoDB's commands)."""
    from .session import MongoBackend
    return MongoBackend(url)
