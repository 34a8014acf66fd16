#!/usr/bin/env bash
# The whole test suite, exactly what CI runs: installs what it needs, then runs the quality
# gates (ruff, mypy --strict on the core, import-linter) and pytest (all layers but bench).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

"$here/install.sh" --test --models test

export PATH="$PWD/.venv/bin:$PATH"
echo "==> ruff"; ruff check . && ruff format --check .
echo "==> mypy (strict on the core)"; mypy appliance models sync tui
echo "==> import-linter"; lint-imports
echo "==> pytest"
set +e
pytest -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing (未收集到任何测试)" >&2
  exit 1
fi
exit "$rc"
