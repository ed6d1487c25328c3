#!/usr/bin/env bash
# The test command the README names: set-up of the parts the tests need, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .venv ] || { python3 -m venv .venv; }
. .venv/bin/activate
pip install -q -e '.[dev]'
python -m pytest -q "$@"
