#!/usr/bin/env bash
# Creates (or reuses) the cached venv with schemathesis, the API fuzzer the tests run against the
# appliance's OpenAPI document, kept as scripts/lib/cached.sh describes. Prints the venv's path.
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/cached.sh
. "$here/lib/cached.sh"
reqs="$here/schemathesis-requirements.txt"
python="${HEARTH_PYTHON:-python3}"

cached_init schemathesis-venv "$(sha256sum "$reqs" | cut -c1-12)"
venv="$cached"
cached_ready && { echo "$venv"; exit 0; }
cached_lock
cached_ready && { echo "$venv"; exit 0; }

rm -rf "$venv"
echo "schemathesis-venv: installing into $venv" >&2
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv -r "$reqs" >&2
"$venv/bin/schemathesis" --version >/dev/null
cached_finish
echo "$venv"
