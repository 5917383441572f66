#!/usr/bin/env bash
# Set up and run every test: unit, behaviour on SQLite/PostgreSQL/MariaDB, MongoDB on a
# wire-protocol stand-in, safety, the magics, doctests and the notebooks under nbval.
# Starts (or on a fresh Debian/Ubuntu machine, as root, installs) the servers it needs.
# Under CI=true a server that cannot be reached fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! bash scripts/services.sh; then
  if [ "${CI:-}" = "true" ]; then echo "test: database servers unavailable" >&2; exit 1; fi
  echo "test: some servers are unavailable; their tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest tests notebooks \
  --nbval --nbval-sanitize-with notebooks/sanitize.cfg \
  -p no:cacheprovider -q "$@"
