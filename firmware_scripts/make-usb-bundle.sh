#!/usr/bin/env bash
# Build a USB folder that provisions a ClinicBox with no network at all: a wheelhouse of
# ClinicBox and every dependency, the models, checksums and an installer.
# 制作离线安装U盘目录（含依赖包、模型、校验和与安装脚本）。
#
#   firmware_scripts/make-usb-bundle.sh --out DIR [--extras all|""] [--models-dir DIR] [--no-models]
#
# --extras      which extras to bundle (default: all); "" bundles the rules-only core
# --models-dir  a ClinicBox models folder to copy (default: the installed one, if any)
# The llama.cpp wheel is built portable (GGML_NATIVE=OFF) so it runs on other clinic PCs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/.." && pwd)"
. "$here/lib.sh"
OUT=""; EXTRAS="all"; MODELS_DIR=""; NO_MODELS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift ;;
    --extras) EXTRAS="$2"; shift ;;
    --models-dir) MODELS_DIR="$2"; shift ;;
    --no-models) NO_MODELS=1 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) die "未知参数 unknown option: $1" ;;
  esac
  shift
done
[ -n "$OUT" ] || die "需要 --out DIR  (--out DIR is required)"
mkdir -p "$OUT/wheelhouse" "$OUT/models"
OUT="$(cd "$OUT" && pwd)"
PY="${PYTHON:-$src/.venv/bin/python}"; [ -x "$PY" ] || PY=python3

spec="$src"; [ -n "$EXTRAS" ] && spec="$src[$EXTRAS]"
say "1/4 依赖包 Building the wheelhouse ($spec)"
CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" "$PY" -m pip wheel -q --wheel-dir "$OUT/wheelhouse" "$spec"
"$PY" -m pip download -q --dest "$OUT/wheelhouse" pip setuptools wheel

say "2/4 模型 Models"
if [ "$NO_MODELS" = 1 ]; then
  echo "  skipped (--no-models)"
else
  [ -n "$MODELS_DIR" ] || MODELS_DIR="${CLINICBOX_DATA_DIR:-$HOME/.clinicbox}/models"
  if [ -d "$MODELS_DIR" ]; then cp -a "$MODELS_DIR/." "$OUT/models/"; else warn "no models folder at $MODELS_DIR"; fi
fi

say "3/4 安装脚本 Installer"
cp "$here/provision.sh" "$here/lib.sh" "$here/apt-packages.txt" "$here/nftables-clinicbox.nft" "$OUT/"
cp -r "$here/systemd" "$OUT/"
cat >"$OUT/install-offline.sh" <<'INST'
#!/usr/bin/env bash
# Offline install from this folder (no network needed). 离线安装：无需联网。
#   sudo ./install-offline.sh [provision.sh options]      full box
#   ./install-offline.sh --venv DIR                       just the program into a virtualenv
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
echo "==> 校验文件 Verifying checksums"
(cd "$here" && sha256sum --quiet -c SHA256SUMS) || { echo "校验失败：U盘文件损坏 checksum mismatch: the USB copy is damaged" >&2; exit 1; }
if [ "${1:-}" = "--venv" ]; then
  python3 -m venv "$2"
  "$2/bin/python" -m pip install -q --no-index --find-links "$here/wheelhouse" clinicbox
  exit 0
fi
exec "$here/provision.sh" --usb "$here" "$@"
INST
chmod +x "$OUT/install-offline.sh"

say "4/4 校验和 Checksums"
(cd "$OUT" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
say "完成 Done: $OUT ($(du -sh "$OUT" | cut -f1))"
