#!/usr/bin/env bash
# Creates (or reuses) the cached venv with the real Home Assistant used by the tests.
# The venv lives outside the repo, keyed by the lock file's hash, so changing the lock makes a
# new one and an unchanged lock costs nothing. A marker written last tells a finished install
# from one that was interrupted; an unfinished one is removed and redone.
# Prints the venv's path on stdout (progress goes to stderr).
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
#   HEARTH_PYTHON     the interpreter to build it with (default python3.11; HA 2024.3 needs 3.11)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
lock="$here/requirements.lock"
cache="${HEARTH_CACHE_DIR:-$HOME/.cache/hearth}"
python="${HEARTH_PYTHON:-python3.11}"

key="$(sha256sum "$lock" | cut -c1-12)"
venv="$cache/ha-venv-$key"
marker="$venv/.hearth-complete"

if [ -f "$marker" ]; then
  echo "$venv"
  exit 0
fi

mkdir -p "$cache"
# Test files run in parallel and may all ask for the venv at once: one installs, the others wait.
exec 9>"$venv.lock"
flock 9
if [ -f "$marker" ]; then
  echo "$venv"
  exit 0
fi

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
date -u +%FT%TZ >"$marker"
# Each venv is ~800 MB: venvs of older lock files are dropped (a lock change back just reinstalls).
for old in "$cache"/ha-venv-*; do
  case "$old" in "$venv" | "$venv.lock") ;; *) rm -rf "$old" ;; esac
done
echo "ha-venv: ready in $(($(date +%s) - started)) s" >&2
echo "$venv"
