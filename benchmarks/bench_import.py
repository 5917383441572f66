"""Start-up cost: ``import dbwork``, ``%load_ext dbwork`` and the first ``%%migrate`` on
SQLite, each against ``import sqlalchemy`` measured in the same run.

    .venv/bin/python benchmarks/bench_import.py [--runs 7]

Every figure is the median of ``--runs`` fresh interpreters (a cold import each time, so
the figures include what Python must load, not what a warm process has cached); the
four programs take turns round by round, so load on a shared machine skews them alike.
CPU time (the child's ``time.process_time``) is printed beside wall time: on a busy
machine the wall clock mostly measures waiting for a core, the CPU time does not. The
``%load_ext`` figure is timed after IPython itself is imported, so it is what the
extension adds to a running notebook kernel. Prints seconds and the ratio to
``import sqlalchemy`` (issue 9 aims at ``%load_ext dbwork`` <= 2x).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SNIPPETS = {
    "import sqlalchemy": "import sqlalchemy",
    "import dbwork": "import dbwork",
    "%load_ext dbwork": (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "START\n"
        "shell.run_line_magic('load_ext', 'dbwork')"),
    "first %%migrate (SQLite)": (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import os; os.chdir({tmp!r})\n"
        "START\n"
        "shell.run_line_magic('load_ext', 'dbwork')\n"
        "shell.run_cell_magic('migrate', 'create_notes',"
        " 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);')"),
}

TIMER = ("import time as _t\n{before}\n_s, _c = _t.perf_counter(), _t.process_time()\n"
         "{after}\nprint(_t.perf_counter() - _s, _t.process_time() - _c)")


def program(snippet: str, tmp: str) -> str:
    """The snippet wrapped in a timer that starts at START (or at the top)."""
    text = snippet.format(tmp=tmp)
    before, _, after = text.rpartition("START\n") if "START" in text else ("", "", text)
    return TIMER.format(before=before, after=after)


def run_once(snippet: str) -> tuple[float, float]:
    """(wall, CPU) seconds one cold interpreter spends on ``snippet`` after its START."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", program(snippet, tmp)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        wall, cpu = out.stdout.strip().splitlines()[-1].split()
        return float(wall), float(cpu)


def measure(snippets: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per snippet. The snippets take turns, round after
    round, so a machine that gets busier or quieter during the run moves every figure
    alike; one warm-up round (disk cache) is thrown away."""
    for code in snippets.values():
        run_once(code)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in snippets}
    for _ in range(runs):
        for name, code in snippets.items():
            times[name].append(run_once(code))
    return {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
            for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    figures = measure(SNIPPETS, args.runs)
    wall0, cpu0 = figures["import sqlalchemy"]
    print(f"{'':28s} {'wall':>8s} {'ratio':>6s} {'CPU':>8s} {'ratio':>6s}   (x import sqlalchemy)")
    for name, (wall, cpu) in figures.items():
        print(f"{name:28s} {wall:7.3f}s {wall / wall0:5.2f}x {cpu:7.3f}s {cpu / cpu0:5.2f}x")


if __name__ == "__main__":
    main()
