#!/usr/bin/env bash
# Set up a fresh machine for dbwork: Graphviz's dot (for diagrams), a virtualenv in
# .venv with dbwork and its test tools. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot > /dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "setup: installing graphviz (the dot program draws the diagrams)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz > /dev/null 2>&1 || {
      apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz > /dev/null; }
  else
    echo "setup: graphviz's dot is missing; diagrams fall back to text (install the 'graphviz' package)" >&2
  fi
fi

# Chromium (Debian's) for the browser test of exported notebooks: always in CI, and on
# a root machine where it is missing.
if ! command -v chromium > /dev/null && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "setup: installing chromium (the browser test opens an exported notebook)" >&2
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null 2>&1 || {
      apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null; }; }; then
    [ "${CI:-}" != "true" ] || { echo "setup: chromium could not be installed" >&2; exit 1; }
    echo "setup: chromium could not be installed; the browser test will be skipped" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check uv 2> /dev/null || true
fi
# .[dev] includes dask[distributed] (the copy's Dask cluster test) and the drivers
if [ -x .venv/bin/uv ]; then
  .venv/bin/uv pip install -q --python .venv/bin/python -e ".[dev]"
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
fi

# The Cosmos DB emulator (npm @vercel/cosmosdb-server, NoSQL API over HTTPS on loopback)
# for tests/cosmos and the notebooks, into the git-ignored .cosmos-server/.
COSMOS_SERVER=@vercel/cosmosdb-server@1.0.1
if [ ! -x .cosmos-server/node_modules/.bin/cosmosdb-server ]; then
  if command -v npm > /dev/null && npm install --prefix .cosmos-server --no-audit --no-fund \
      --silent "$COSMOS_SERVER" > /dev/null 2>&1; then
    echo "setup: installed the Cosmos DB emulator ($COSMOS_SERVER) into .cosmos-server/" >&2
  else
    [ "${CI:-}" != "true" ] || { echo "setup: the Cosmos DB emulator could not be installed (npm)" >&2; exit 1; }
    echo "setup: npm is missing or failed; the Cosmos DB tests will be skipped" >&2
  fi
fi
