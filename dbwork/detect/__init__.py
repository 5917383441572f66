"""Detection: read a project's files and say which databases and tools it uses.

>>> import tempfile, os
>>> root = tempfile.mkdtemp()
>>> with open(os.path.join(root, "docker-compose.yml"), "w") as fh:
...     _ = fh.write("services:\\n  db:\\n    image: mariadb:11\\n    environment:\\n"
...                  "      MARIADB_ROOT_PASSWORD: s3cret\\n    ports: ['3307:3306']\\n")
>>> d = detect(root)
>>> d.technologies, d.best_url, d.primary().name
(['mariadb'], 'mariadb://root:***@127.0.0.1:3307/', 'db')
"""
from .core import detect
from .model import Detection, Finding, Target

__all__ = ["detect", "Detection", "Finding", "Target"]


class _CallableModule(type(__import__("sys"))):
    """``dbwork.detect`` is this package and, per the public contract, a function:
    calling the module calls :func:`detect` (added by the lead)."""

    def __call__(self, path=".", **options):
        return detect(path, **options)


__import__("sys").modules[__name__].__class__ = _CallableModule
