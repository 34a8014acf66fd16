#!/usr/bin/env bash
# Turn this Debian/Ubuntu PC into a ClinicBox. Idempotent: safe to run again (it only adds or
# fixes what is missing). 把这台电脑配置成 ClinicBox，可重复运行。
#
#   sudo firmware_scripts/provision.sh [--answers FILE] [--usb DIR] [--kiosk-tty tty2]
#                                      [--dry-run] [--root DIR] [--no-models] [--no-venv]
#
# --answers FILE  KEY=VALUE lines: CLINIC_NAME, ADMIN_USER, ADMIN_PASSWORD, PASSPHRASE, API_PORT,
#                 KIOSK_TTY, USB_DIR (otherwise asked interactively)
# --usb DIR       install models (and wheels, if DIR/wheelhouse exists) from a USB folder
# --dry-run       print what would be done, change nothing
# --root DIR      install into DIR as if it were / (for tests and image building): system
#                 commands (apt, useradd, systemctl, nft) are recorded, not run
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/.." && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

ROOT=""; DRY_RUN=0; ANSWERS=""; USB_DIR=""; KIOSK_TTY=""; NO_MODELS=0; NO_VENV=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    --dry-run) DRY_RUN=1 ;;
    --answers) ANSWERS="$2"; shift ;;
    --usb) USB_DIR="$2"; shift ;;
    --kiosk-tty) KIOSK_TTY="$2"; shift ;;
    --no-models) NO_MODELS=1 ;;
    --no-venv) NO_VENV=1 ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) die "未知参数 unknown option: $1 (see --help)" ;;
  esac
  shift
done
export ROOT DRY_RUN NO_VENV
LOG="${ROOT:-}/var/log/clinicbox/provision.log"
[ "$DRY_RUN" = 1 ] || mkdir -p "$(dirname "$LOG")"
[ "$DRY_RUN" = 1 ] && LOG=/dev/null

if ! fake_root && [ "$DRY_RUN" != 1 ] && [ "$(id -u)" -ne 0 ]; then
  die "请用 sudo 运行 Run with sudo (provisioning changes the system)."
fi

# --- answers -----------------------------------------------------------------------------
declare -A A=([CLINIC_NAME]="" [ADMIN_USER]="admin" [ADMIN_PASSWORD]="" [PASSPHRASE]="" [API_PORT]="8443" [KIOSK_TTY]="" [USB_DIR]="")
if [ -n "$ANSWERS" ]; then
  [ -f "$ANSWERS" ] || die "找不到应答文件 answers file not found: $ANSWERS"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|\#*) continue ;; esac
    key="${line%%=*}"; val="${line#*=}"
    [[ -v "A[$key]" ]] || die "应答文件中有未知项 unknown key in answers file: $key"
    A[$key]="$val"
  done <"$ANSWERS"
fi
[ -n "$USB_DIR" ] && A[USB_DIR]="$USB_DIR"
[ -n "$KIOSK_TTY" ] && A[KIOSK_TTY]="$KIOSK_TTY"
ask() {  # ask KEY PROMPT [secret]
  [ -n "${A[$1]}" ] && return 0
  [ "$DRY_RUN" = 1 ] && { A[$1]="<asked>"; return 0; }
  [ -t 0 ] || die "缺少 ${1}：请在应答文件中提供 missing $1: give it in the answers file"
  if [ "${3:-}" = secret ]; then read -rsp "$2: " "A[$1]"; echo; else read -rp "$2: " "A[$1]"; fi
}
ask CLINIC_NAME "诊所名称 Clinic name"
ask ADMIN_PASSWORD "管理员密码 Admin password" secret
ask PASSPHRASE "数据库口令 Database passphrase" secret
[[ "${A[API_PORT]}" =~ ^[0-9]+$ ]] || die "API_PORT 必须是数字 must be a number"

# --- 1. system packages --------------------------------------------------------------------
say "1/9 系统软件包 System packages"
mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^\s*$/d' "$here/apt-packages.txt")
pkgs+=(nftables logrotate)
run_system apt-get install -y -qq --no-install-recommends "${pkgs[@]}"

# --- 2. users ------------------------------------------------------------------------------
say "2/9 系统用户 System user clinicbox"
add_user() {  # add_user NAME HOME SHELL
  if fake_root; then
    run mkdir -p "$ROOT/etc"
    if [ "$DRY_RUN" != 1 ]; then
      touch "$ROOT/etc/passwd" "$ROOT/etc/group"
      grep -q "^$1:" "$ROOT/etc/passwd" || echo "$1:x:999:999:ClinicBox:$2:$3" >>"$ROOT/etc/passwd"
      grep -q "^$1:" "$ROOT/etc/group" || echo "$1:x:999:" >>"$ROOT/etc/group"
    fi
  elif ! id "$1" >/dev/null 2>&1; then
    run useradd --system --home-dir "$2" --shell "$3" --user-group "$1"
  fi
}
add_user clinicbox /var/lib/clinicbox /usr/sbin/nologin
[ -n "${A[KIOSK_TTY]}" ] && add_user clinicbox-kiosk /var/lib/clinicbox-kiosk /bin/bash

# --- 3. directories -----------------------------------------------------------------------
say "3/9 数据目录 Data directories (owner-only permissions)"
own() { run_system chown "$@"; }
for d in /var/lib/clinicbox:0700 /var/lib/clinicbox/backups:0700 /var/log/clinicbox:0750 /etc/clinicbox:0750 /opt/clinicbox/releases:0755; do
  run install -d -m "${d#*:}" "$ROOT${d%%:*}"
done
own -R clinicbox:clinicbox "$ROOT/var/lib/clinicbox" "$ROOT/var/log/clinicbox"
own root:clinicbox "$ROOT/etc/clinicbox"

# --- 4. program and virtualenv -------------------------------------------------------------
say "4/9 程序 Program and virtualenv"
[ -n "${A[USB_DIR]}" ] && [ -d "${A[USB_DIR]}/wheelhouse" ] && export WHEELHOUSE="${A[USB_DIR]}/wheelhouse"
install_release "$src"
CB="${CLINICBOX_BIN:-$ROOT/opt/clinicbox/current/.venv/bin/clinicbox}"

# --- 5. configuration ----------------------------------------------------------------------
say "5/9 配置 Configuration /etc/clinicbox/clinicbox.env"
env_file="$ROOT/etc/clinicbox/clinicbox.env"
if [ ! -f "$env_file" ] || [ "$DRY_RUN" = 1 ]; then
  put_file 0640 "$env_file" <<ENV
# ClinicBox service settings (see appliance/config.py). 服务配置
CLINICBOX_DATA_DIR=/var/lib/clinicbox
CLINICBOX_LOG_FILE=/var/log/clinicbox/clinicbox.log
CLINICBOX_API_PORT=${A[API_PORT]}
CLINICBOX_LANG=zh
CLINICBOX_KEY_FILE=/etc/clinicbox/unlock.key
ENV
fi
own root:clinicbox "$env_file"

# --- 6. models ----------------------------------------------------------------------------
say "6/9 模型 Models (hardware-aware selection)"
if [ "$NO_MODELS" = 1 ]; then
  echo "  skipped (--no-models)"
elif [ -n "${A[USB_DIR]}" ] && [ -d "${A[USB_DIR]}/models" ]; then
  # Everything on the stick is verified and installed; at run time the hardware-aware
  # selection picks the largest model that fits (clinicbox models plan explains it).
  run_system env CLINICBOX_DATA_DIR=/var/lib/clinicbox "$CB" models install --from "${A[USB_DIR]}/models"
else
  # From packages: the 1.5B default, or the 0.5B on a box with under 6 GB of RAM.
  mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
  set_name=default; [ "${mem_kb:-0}" -lt 6000000 ] && set_name=small
  links=(); [ -n "${WHEELHOUSE:-}" ] && links=(--find-links "$WHEELHOUSE")
  run_system env CLINICBOX_DATA_DIR=/var/lib/clinicbox "$CB" models install --from-packages "$set_name" "${links[@]}"
fi
run_system env CLINICBOX_DATA_DIR=/var/lib/clinicbox "$CB" speech install

# --- 7. clinic store ------------------------------------------------------------------------
say "7/9 诊所数据库 Clinic store (encrypted)"
data="$ROOT/var/lib/clinicbox"
if [ -f "$data/clinic.db" ]; then
  echo "  已存在，保留 exists, kept: /var/lib/clinicbox/clinic.db"
elif [ "$DRY_RUN" = 1 ]; then
  echo "[dry-run] clinicbox init --data-dir /var/lib/clinicbox --clinic '${A[CLINIC_NAME]}' --admin '${A[ADMIN_USER]}'"
else
  CLINICBOX_PASSPHRASE="${A[PASSPHRASE]}" CLINICBOX_ADMIN_PASSWORD="${A[ADMIN_PASSWORD]}" \
    "$CB" init --data-dir "$data" --clinic "${A[CLINIC_NAME]}" --admin "${A[ADMIN_USER]}" \
    --key-file "$ROOT/etc/clinicbox/unlock.key" \
    | tee "$ROOT/var/log/clinicbox/init-output.txt" >/dev/null
  # The services unlock the store unattended with this root-only copy of the recovery key
  # (CLINICBOX_KEY_FILE); keep the printed recovery key on paper, away from the box.
  chmod 0640 "$ROOT/etc/clinicbox/unlock.key"
  own root:clinicbox "$ROOT/etc/clinicbox/unlock.key"
  chmod 0600 "$ROOT/var/log/clinicbox/init-output.txt"
  echo "  恢复密钥已保存到 recovery key saved in /var/log/clinicbox/init-output.txt — 打印后删除 print it, then delete the file"
  own -R clinicbox:clinicbox "$data"
fi

# --- 8. services, firewall, log rotation, kiosk ------------------------------------------------
say "8/9 系统服务与防火墙 Services, firewall, log rotation"
units=(clinicbox-api.service clinicbox-sync.service clinicbox-backup.service clinicbox-backup.timer
       clinicbox-qc.service clinicbox-qc.timer clinicbox-reindex.service clinicbox-reindex.timer)
for u in "${units[@]}"; do
  put_file 0644 "$ROOT/etc/systemd/system/$u" <"$here/systemd/$u"
done
sed "s/@API_PORT@/${A[API_PORT]}/g" "$here/nftables-clinicbox.nft" | put_file 0644 "$ROOT/etc/nftables.d/clinicbox.nft"
put_file 0644 "$ROOT/etc/logrotate.d/clinicbox" <<'ROT'
/var/log/clinicbox/*.log {
    weekly
    rotate 8
    compress
    missingok
    notifempty
    copytruncate
    su clinicbox clinicbox
}
ROT
if [ -n "${A[KIOSK_TTY]}" ]; then
  put_file 0644 "$ROOT/etc/systemd/system/getty@${A[KIOSK_TTY]}.service.d/override.conf" <"$here/systemd/kiosk-autologin.conf"
  put_file 0644 "$ROOT/var/lib/clinicbox-kiosk/.bash_profile" <<'KIOSK'
# Waiting-room kiosk: the patient assistant only, restarted if it exits. 候诊区自助机
while true; do /usr/local/bin/clinicbox tui --kiosk --connect 127.0.0.1; sleep 2; done
KIOSK
fi
if [ -d /run/systemd/system ] || fake_root || [ "$DRY_RUN" = 1 ]; then
  run_system systemctl daemon-reload
  run_system systemctl enable --now clinicbox-api.service clinicbox-sync.service \
    clinicbox-backup.timer clinicbox-qc.timer clinicbox-reindex.timer
  [ -n "${A[KIOSK_TTY]}" ] && run_system systemctl restart "getty@${A[KIOSK_TTY]}.service"
else
  warn "systemd 未运行，服务未启动 systemd is not running; services were installed but not started"
fi
if [ -f "$ROOT/etc/nftables.conf" ] && ! grep -q 'nftables.d/clinicbox.nft' "$ROOT/etc/nftables.conf"; then
  run sh -c "echo 'include \"/etc/nftables.d/clinicbox.nft\"' >> '$ROOT/etc/nftables.conf'"
fi
run_system nft -f /etc/nftables.d/clinicbox.nft
run_system systemctl enable nftables.service

# --- 9. health check -----------------------------------------------------------------------
say "9/9 健康检查 Health check"
run_system env CLINICBOX_DATA_DIR=/var/lib/clinicbox "$CB" doctor
say "完成 Done. 诊所电脑可在局域网中发现本机 Clinic PCs can now find this box on the LAN."
