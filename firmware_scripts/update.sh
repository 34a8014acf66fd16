#!/usr/bin/env bash
# Update ClinicBox to the version in SRC (default: this checkout), keeping the previous release
# to roll back to; or roll back. 更新/回滚，保留上一版本。
#
#   sudo firmware_scripts/update.sh [--from SRC] [--root DIR] [--no-venv]
#   sudo firmware_scripts/update.sh --rollback [--root DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
ROOT=""; DRY_RUN=0; NO_VENV=0; SRC="$(cd "$here/.." && pwd)"; ROLLBACK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --from) SRC="$(cd "$2" && pwd)"; shift ;;
    --root) ROOT="$(cd "$2" && pwd)"; shift ;;
    --rollback) ROLLBACK=1 ;;
    --no-venv) NO_VENV=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) die "未知参数 unknown option: $1" ;;
  esac
  shift
done
export ROOT DRY_RUN NO_VENV
LOG="${ROOT:-}/var/log/clinicbox/update.log"; mkdir -p "$(dirname "$LOG")"

if [ "$ROLLBACK" = 1 ]; then
  prev="$ROOT/opt/clinicbox/previous"
  [ -L "$prev" ] || die "没有可回滚的版本 no previous release to roll back to"
  target="$(readlink "$prev")"
  say "回滚到 Rolling back to ${target#releases/}"
  switch_current "${target#releases/}"
else
  install_release "$SRC"
fi
run_system systemctl restart clinicbox-api.service clinicbox-sync.service
say "当前版本 Current: $(readlink "$ROOT/opt/clinicbox/current")"
