#!/usr/bin/env bash
# The whole test job: set up a virtualenv, install kaoping with its test tools, then lint,
# format check, type check, validate every installed scheme, run the golden cases and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${KAOPING_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q -e '.[test]'
export PATH="$PWD/$VENV/bin:$PATH"
echo "== ruff";   ruff check .
ruff format --check .
echo "== mypy";   mypy
echo "== kaoping check"; kaoping check
echo "== kaoping fmt"; kaoping fmt --check src/kaoping/schemes benchmarks
echo "== kaoping test";  kaoping test
echo "== pytest"; pytest
