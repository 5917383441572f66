"""Copy tables from one SQL database into another (SQLite, PostgreSQL, MariaDB), or hand
a copy with a MongoDB side to :mod:`dbwork.data.documents`."""
