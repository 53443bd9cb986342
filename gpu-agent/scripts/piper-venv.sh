#!/usr/bin/env bash
# Creates (or reuses) the cached venv with Piper (piper-tts) and the en_US-joe-medium voice.
# Kept outside the repo as scripts/lib/cached.sh describes. Prints the venv's path on stdout (progress goes to stderr).
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
#   HEARTH_PYTHON     the interpreter to build it with (default python3)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../../scripts/lib/cached.sh
. "$here/../scripts/lib/cached.sh"
lock="$here/piper-requirements.lock"
python="${HEARTH_PYTHON:-python3}"

cached_init piper-venv "$(sha256sum "$lock" | cut -c1-12)"
venv="$cached"
cached_ready && { echo "$venv"; exit 0; }
cached_lock
cached_ready && { echo "$venv"; exit 0; }

rm -rf "$venv"
echo "piper-venv: installing Piper into $venv" >&2
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-virtualenv -r "$lock" >&2
"$venv/bin/pip" check >&2
"$venv/bin/piper" --help >/dev/null
cached_finish
echo "$venv"
