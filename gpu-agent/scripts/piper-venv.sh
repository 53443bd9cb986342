#!/usr/bin/env bash
# Creates (or reuses) the cached venv with Piper (piper-tts) and the en_US-joe-medium voice.
# Kept outside the repo, keyed by the lock file's hash; a marker written last tells a finished
# install from an interrupted one, and flock lets parallel test files share one install.
# Prints the venv's path on stdout (progress goes to stderr).
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
#   HEARTH_PYTHON     the interpreter to build it with (default python3)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
lock="$here/piper-requirements.lock"
cache="${HEARTH_CACHE_DIR:-$HOME/.cache/hearth}"
python="${HEARTH_PYTHON:-python3}"

key="$(sha256sum "$lock" | cut -c1-12)"
venv="$cache/piper-venv-$key"
marker="$venv/.hearth-complete"

if [ -f "$marker" ]; then
  echo "$venv"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$venv.lock"
flock 9
if [ -f "$marker" ]; then
  echo "$venv"
  exit 0
fi

rm -rf "$venv"
echo "piper-venv: installing Piper into $venv" >&2
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-virtualenv -r "$lock" >&2
"$venv/bin/pip" check >&2
"$venv/bin/piper" --help >/dev/null
date -u +%FT%TZ >"$marker"
for old in "$cache"/piper-venv-*; do
  case "$old" in "$venv" | "$venv.lock") ;; *) rm -rf "$old" ;; esac
done
echo "$venv"
