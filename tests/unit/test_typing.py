"""mypy over dbwork/ ([tool.mypy] in pyproject.toml), as a ratchet (issue 9, point 5).

When the check was switched on, 75 files had 282 errors between them, counted per file
in mypy_baseline.json beside this file. A file may not get more errors than its count,
a file not listed must be clean, so new code is typed and old debt only shrinks.
After fixing errors, lower the counts: ``.venv/bin/python tests/unit/test_typing.py``.
"""
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("mypy_baseline.json")
ERROR = re.compile(r"^(dbwork/\S+?\.py):\d+: error:")


def mypy_errors() -> Counter:
    """Errors per file, from a mypy run over dbwork/ with the project's config."""
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode in (0, 1), out.stdout[-2000:] + out.stderr[-2000:]
    return Counter(m.group(1) for line in out.stdout.splitlines() if (m := ERROR.match(line)))


def test_no_file_gains_type_errors():
    baseline = json.loads(BASELINE.read_text())
    now = mypy_errors()
    worse = {f: (n, baseline.get(f, 0)) for f, n in now.items() if n > baseline.get(f, 0)}
    assert worse == {}, "file: (errors now, allowed); run mypy to see them"


if __name__ == "__main__":
    BASELINE.write_text(json.dumps(dict(sorted(mypy_errors().items())), indent=1) + "\n")
