#!/usr/bin/env bash
# One command for a fresh Debian/Ubuntu machine: install everything, then start ClinicBox on
# the embedded demo clinic (synthetic patients; nothing real is touched).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
"$here/install.sh" --models default
exec .venv/bin/clinicbox demo "$@"
