#!/usr/bin/env bash
# Creates (or reuses) the cached venv with schemathesis, the API fuzzer the tests run against the
# appliance's OpenAPI document. Kept outside the repo, keyed by the requirements file's hash; a
# marker written last tells a finished install from an interrupted one. Prints the venv's path.
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
reqs="$here/schemathesis-requirements.txt"
cache="${HEARTH_CACHE_DIR:-$HOME/.cache/hearth}"
python="${HEARTH_PYTHON:-python3}"

key="$(sha256sum "$reqs" | cut -c1-12)"
venv="$cache/schemathesis-venv-$key"
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
echo "schemathesis-venv: installing into $venv" >&2
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv -r "$reqs" >&2
"$venv/bin/schemathesis" --version >/dev/null
date -u +%FT%TZ >"$marker"
for old in "$cache"/schemathesis-venv-*; do
  case "$old" in "$venv" | "$venv.lock") ;; *) rm -rf "$old" ;; esac
done
echo "$venv"
