#!/usr/bin/env bash
# The whole test suite, exactly what CI runs: installs what it needs, then runs the quality
# gates (ruff lint + format, mypy --strict on the core, import-linter) and pytest (all layers
# but bench, on two workers). Every gate runs; the script fails if any of them failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

"$here/install.sh" --test --models test

export PATH="$PWD/.venv/bin:$PATH"
failed=()
gate() {  # gate NAME CMD...: run one gate, remember a failure, keep going
  local name="$1"; shift
  echo "==> $name"
  if ! "$@"; then failed+=("$name"); fi
}
gate "ruff check" ruff check .
gate "ruff format" ruff format --check .
gate "mypy" mypy appliance models sync tui
gate "import-linter" lint-imports

echo "==> pytest"
# two workers (the CI machines have 2 cores), whole files to one worker so a module's fixtures
# (a built client, a loaded model) are made once; "-n 0" in "$@" runs it in one process
set +e
pytest -q -n 2 --dist loadfile "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing (未收集到任何测试)" >&2
  failed+=("pytest (no tests collected)")
elif [ "$rc" -ne 0 ]; then
  failed+=("pytest (exit $rc)")
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf '失败 FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "==> 全部通过 all gates passed"
