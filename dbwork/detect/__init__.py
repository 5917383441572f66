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
