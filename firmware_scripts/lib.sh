# Shared helpers for provision.sh and update.sh (sourced, not run).
# Globals: ROOT (fake root prefix, empty for the real system), DRY_RUN (0/1), LOG.

say()  { printf '==> %s\n' "$*"; }
warn() { printf '警告 warning: %s\n' "$*" >&2; }
die()  { printf '错误 error: %s\n' "$*" >&2; exit 1; }

fake_root() { [ -n "${ROOT:-}" ]; }

# run CMD...: execute, or print it (--dry-run), or record it as skipped (fake root: commands that
# change the real system are never run against it).
run() {
  if [ "${DRY_RUN:-0}" = 1 ]; then printf '[dry-run] %s\n' "$*"; return 0; fi
  "$@"
}
run_system() {
  if [ "${DRY_RUN:-0}" = 1 ]; then printf '[dry-run] %s\n' "$*"; return 0; fi
  if fake_root; then printf '[fake-root] skipped: %s\n' "$*" >>"${LOG}"; return 0; fi
  "$@"
}

# put_file MODE DEST < content : write a file atomically (only when the content changed).
put_file() {
  local mode="$1" dest="$2" tmp
  if [ "${DRY_RUN:-0}" = 1 ]; then printf '[dry-run] write %s (mode %s)\n' "$dest" "$mode"; cat >/dev/null; return 0; fi
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp "${dest}.XXXXXX")"
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; else mv -f "$tmp" "$dest"; fi
}

project_version() {
  sed -n 's/^version *= *"\(.*\)"/\1/p' "$1/pyproject.toml" | head -n 1
}

# install_release SRC : copy the source tree into /opt/clinicbox/releases/<version>, build its
# venv (unless NO_VENV=1), and point /opt/clinicbox/current at it, keeping the previous one.
install_release() {
  local src="$1" ver rel from_wheels=0
  if [ -f "$src/pyproject.toml" ]; then
    ver="$(project_version "$src")"
  else
    # An offline bundle: the program comes from the wheelhouse, not from a source tree.
    [ -n "${WHEELHOUSE:-}" ] || die "no source tree and no wheelhouse to install from"
    ver="$(ls "$WHEELHOUSE" | sed -n 's/^clinicbox-\([^-]*\)-.*\.whl$/\1/p' | head -n 1)"
    from_wheels=1
  fi
  [ -n "$ver" ] || die "cannot tell which ClinicBox version to install from $src"
  rel="$ROOT/opt/clinicbox/releases/$ver"
  say "安装版本 Installing release $ver → /opt/clinicbox/releases/$ver"
  run mkdir -p "$rel"
  if [ "${DRY_RUN:-0}" != 1 ] && [ "$from_wheels" = 0 ]; then
    (cd "$src" && { git ls-files -z 2>/dev/null || find . -type f -not -path './.venv/*' -not -path './.git/*' -print0; } \
      | tar --null -T - -cf - ) | tar -C "$rel" -xf -
  fi
  if [ "${NO_VENV:-0}" != 1 ]; then
    run python3 -m venv "$rel/.venv"
    local pipargs=(-q) target="$rel[all]"
    [ -n "${WHEELHOUSE:-}" ] && pipargs+=(--no-index --find-links "$WHEELHOUSE")
    [ "$from_wheels" = 1 ] && target="clinicbox[all]==$ver"
    run "$rel/.venv/bin/python" -m pip install "${pipargs[@]}" "$target"
  fi
  switch_current "$ver"
}

switch_current() {
  local ver="$1" cur="$ROOT/opt/clinicbox/current" old=""
  [ -L "$cur" ] && old="$(readlink "$cur")"
  if [ "$old" != "releases/$ver" ]; then
    [ -n "$old" ] && run ln -sfn "$old" "$ROOT/opt/clinicbox/previous"
    run ln -sfn "releases/$ver" "$cur"
  fi
  run mkdir -p "$ROOT/usr/local/bin"
  run ln -sfn /opt/clinicbox/current/.venv/bin/clinicbox "$ROOT/usr/local/bin/clinicbox"
}
