"""dbwork's IPython layer, installed as ``dbwork.magics``: ``%load_ext dbwork``."""
from .core import DbworkMagics, MigrationList, load_ipython_extension

__all__ = ["DbworkMagics", "MigrationList", "load_ipython_extension"]
