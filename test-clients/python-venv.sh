#!/usr/bin/env bash
# Makes test-clients/.venv with the PyMongo of requirements.txt (the build calls it before the end-to-end tests).
# Skipped when the venv already has exactly those versions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=$here/.venv
python=${PYTHON:-python3}
installed() {
  [ -x "$venv/bin/pip" ] || return 1
  local frozen req
  frozen=$("$venv/bin/pip" freeze 2>/dev/null)
  while read -r req; do
    case $req in '' | '#'*) continue ;; esac
    grep -qxF "$req" <<<"$frozen" || return 1
  done <"$here/requirements.txt"
}
installed && exit 0
"$python" -m venv "$venv" || { echo "python-venv.sh: '$python -m venv' failed (on Debian: apt-get install python3-venv)" >&2; exit 1; }
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
