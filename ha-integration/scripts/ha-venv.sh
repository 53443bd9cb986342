#!/usr/bin/env bash
# Creates (or reuses) the cached venv with the real Home Assistant used by the tests.
# The venv lives outside the repo as scripts/lib/cached.sh describes.
# Prints the venv's path on stdout (progress goes to stderr).
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
#   HEARTH_PYTHON     the interpreter to build it with (default python3.11; HA 2024.3 needs 3.11)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../../scripts/lib/cached.sh
. "$here/../scripts/lib/cached.sh"
lock="$here/requirements.lock"
python="${HEARTH_PYTHON:-python3.11}"

cached_init ha-venv "$(sha256sum "$lock" | cut -c1-12)"
venv="$cached"
cached_ready && { echo "$venv"; exit 0; }
cached_lock
cached_ready && { echo "$venv"; exit 0; }

command -v "$python" >/dev/null 2>&1 || {
  echo "ha-venv: $python not found; Home Assistant 2024.3 needs Python 3.11 (set HEARTH_PYTHON)" >&2
  exit 1
}
case "$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" in
  3.11) ;;
  *) echo "ha-venv: $python is not Python 3.11" >&2; exit 1 ;;
esac

started=$(date +%s)
rm -rf "$venv"
echo "ha-venv: installing Home Assistant into $venv (takes a few minutes the first time)" >&2
"$python" -m venv "$venv"
# The lock pins every package, so dependency resolution is skipped; pip check proves it complete.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-virtualenv -r "$lock" >&2
"$venv/bin/pip" check >&2
"$venv/bin/hass" --version >/dev/null
# Each venv is ~800 MB: venvs of older lock files are dropped (a lock change back just reinstalls).
cached_finish
echo "ha-venv: ready in $(($(date +%s) - started)) s" >&2
echo "$venv"
