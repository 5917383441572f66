#!/usr/bin/env bash
# Set up, then run the quickstart notebook on the embedded SQLite default.
#   bash scripts/quickstart.sh          headless: execute it and print each cell's output
#   bash scripts/quickstart.sh --lab    open it in JupyterLab instead
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = "--lab" ]; then
  exec .venv/bin/jupyter lab notebooks/01_quickstart.ipynb
fi
out=$(mktemp -d)
.venv/bin/jupyter nbconvert --to notebook --execute notebooks/01_quickstart.ipynb \
  --output-dir "$out" --output quickstart.ipynb > /dev/null 2>&1 || {
  echo "quickstart: the notebook failed; run it with --lab to see where" >&2; exit 1; }
# print each cell and its text output (the plain form of every dbwork result)
.venv/bin/python - "$out/quickstart.ipynb" <<'PY'
import sys, nbformat
for cell in nbformat.read(sys.argv[1], 4).cells:
    if cell.cell_type == "markdown":
        print("\n" + cell.source + "\n")
        continue
    print("\n".join(">>> " + line for line in cell.source.splitlines()))
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        print(text.rstrip())
PY
echo "quickstart: notebook ran top to bottom (executed copy: $out/quickstart.ipynb)"
