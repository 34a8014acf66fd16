#!/usr/bin/env bash
# Build the one-file clinic-PC client with PyInstaller into dist/clinicbox (Linux).
# 构建诊所电脑用的单文件客户端。Windows: run the same spec with PyInstaller on Windows.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
PY="${PYTHON:-.venv/bin/python}"
"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q -e ".[build]"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "${DIST:-dist}" --workpath "${WORK:-build/pyinstaller}" \
  firmware_scripts/pyinstaller/clinicbox-client.spec
echo "==> $(ls -la "${DIST:-dist}/clinicbox")"
