"""Every example in a docstring of dbwork and its magics runs and says what it shows
(documentation tested like code)."""
import doctest
import importlib
import pkgutil

import pytest

import dbwork
import dbwork.magics


def _modules():
    for pkg in (dbwork, dbwork.magics):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
