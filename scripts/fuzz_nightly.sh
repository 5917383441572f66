#!/usr/bin/env bash
# The fault suite with many more examples and kill -9 trials than CI runs (a nightly job).
#   DBWORK_FUZZ_EXAMPLES  hypothesis examples per fuzz test (default 20000)
#   DBWORK_FAULT_TRIALS   kill -9 trials per engine (default 30)
#   DBWORK_FAULT_SEED     seed of the kill moments (default: the date, so nights differ)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
export DBWORK_FUZZ_PROFILE=nightly
export DBWORK_FUZZ_EXAMPLES="${DBWORK_FUZZ_EXAMPLES:-20000}"
export DBWORK_FAULT_TRIALS="${DBWORK_FAULT_TRIALS:-30}"
export DBWORK_FAULT_SEED="${DBWORK_FAULT_SEED:-$(date -u +%Y%m%d)}"
echo "fault suite: ${DBWORK_FUZZ_EXAMPLES} examples, ${DBWORK_FAULT_TRIALS} kill trials per engine, seed ${DBWORK_FAULT_SEED}"
exec "$PY" -m pytest tests/faults -q -p no:cacheprovider "$@"
