#!/usr/bin/env bash
# Re-execute the tutorials in notebooks/ in place, so their saved outputs match what the
# code shows today (run after changing a card, a display or a warning; then check with
# the nbval line in scripts/test.sh). Needs the servers scripts/services.sh starts.
#   bash scripts/execute_notebooks.sh                 every notebook
#   bash scripts/execute_notebooks.sh 01_quickstart   only these (names without .ipynb)
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd notebooks && ls *.ipynb | sed 's/\.ipynb$//'))
for name in "${names[@]}"; do
  echo "execute: notebooks/$name.ipynb" >&2
  .venv/bin/jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=300 "notebooks/$name.ipynb" 2> >(grep -v '^\[NbConvertApp\]' >&2)
done
