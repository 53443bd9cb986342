#!/usr/bin/env bash
# Installs what Hearth's tests need on a fresh Debian machine, then the npm workspaces.
# Idempotent: anything already present is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# binary -> Debian package
declare -A wanted=(
  [redis-server]=redis-server
  [mosquitto]=mosquitto
  [chromium]=chromium
  [caddy]=caddy
  [shellcheck]=shellcheck
  [systemd-analyze]=systemd
  [nft]=nftables
  [sqlite3]=sqlite3
  [ip]=iproute2
  [cmake]=cmake
  [g++]=g++
  [debootstrap]=debootstrap
  [unshare]=util-linux
  [espeak-ng]=espeak-ng
  [ffmpeg]=ffmpeg
  [certutil]=libnss3-tools
)
missing=()
for bin in "${!wanted[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${wanted[$bin]}")
done
# The real Home Assistant 2024.3 needs Python 3.11 with venv support (Debian 12's default Python).
python3.11 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3.11 python3.11-venv)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund

# The API fuzzer (schemathesis) lives in a cached venv outside the repo too.
scripts/schemathesis-venv.sh >/dev/null

# Piper speech and its test voice (en_US-joe-medium), cached outside the repo too.
gpu-agent/scripts/piper-venv.sh >/dev/null

# The real Home Assistants for integration tests, cached outside the repo: 2024.3 in a venv, and
# the current release in a Debian forky root (debootstrap and chroot need root). Built side by side.
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo --preserve-env=HEARTH_CACHE_DIR,HOME"
ha-integration/scripts/ha-venv.sh &
venv_pid=$!
$sudo_cmd bash ha-integration/scripts/ha2026-root.sh
wait "$venv_pid"

# A real llama.cpp server (llama-cpp-python, compiled here) and the SmolLM2 model for the LLM tests,
# in a cached venv outside the repo.
gpu-agent/scripts/llm-venv.sh >/dev/null
