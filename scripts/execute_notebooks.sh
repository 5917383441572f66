#!/usr/bin/env bash
# Re-execute the tutorials in notebooks/ in place, so their saved outputs match what the
# code shows today (run after changing a card, a display or a warning; then check with
# the nbval line in scripts/test.sh). Needs the servers scripts/services.sh starts.
# Widget state is not saved: without a kernel a widget is only a picture of itself, and a
# saved notebook (untrusted, GitHub, nbviewer, an HTML export) shows its static view instead.
#   bash scripts/execute_notebooks.sh                 every notebook
#   bash scripts/execute_notebooks.sh 01_quickstart   only these (names without .ipynb)
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"   # this checkout's dbwork, also in a worktree
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd notebooks && ls *.ipynb | sed 's/\.ipynb$//'))
for name in "${names[@]}"; do
  echo "execute: notebooks/$name.ipynb" >&2
  .venv/bin/jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.store_widget_state=False \
    "notebooks/$name.ipynb" 2> >(grep -v '^\[NbConvertApp\]' >&2)
done
