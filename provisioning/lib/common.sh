# shellcheck shell=bash
# Shared helpers for Hearth's installers (sourced by pi/install.sh and pc/install.sh).
#
# Two switches shape every step:
#   DRY_RUN=1  print the plan, change nothing (not even under PREFIX);
#   PREFIX=DIR write configuration under DIR instead of /, and skip what would change the
#              running system (packages, users, services, ownership) — used by the tests.

DRY_RUN=${DRY_RUN:-0}
PREFIX=${PREFIX:-}
# A release tarball made by `npm run release`; empty: build one from this checkout.
RELEASE=${RELEASE:-}

HEARTH_NODE_MAJOR=22
HEARTH_APP_DIR=/opt/hearth

log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_dry() { [ "$DRY_RUN" = 1 ]; }
is_prefixed() { [ -n "$PREFIX" ]; }

# The real path of a system path, honouring --prefix.
rp() { printf '%s%s' "$PREFIX" "$1"; }

# Run a command that changes the live system. Under --prefix it is only reported, because a
# throwaway root has no packages, users or services to change.
sys() {
  if is_dry; then
    printf '[plan] run: %s\n' "$*"
  elif is_prefixed; then
    printf '[prefix] skip: %s\n' "$*"
  else
    "$@"
  fi
}

# Shared argument parsing: sets DRY_RUN / PREFIX and returns how many args it consumed.
# Usage: while [ $# -gt 0 ]; do if parse_common_arg "$@"; then shift "$CONSUMED"; continue; fi; ...
# shellcheck disable=SC2034 # CONSUMED is read by the caller
parse_common_arg() {
  CONSUMED=0
  case "$1" in
    --dry-run) DRY_RUN=1; CONSUMED=1 ;;
    --prefix)
      [ $# -ge 2 ] || die "--prefix needs a directory"
      mkdir -p "$2" 2>/dev/null || is_dry || die "cannot create prefix $2"
      PREFIX=$(cd "$2" 2>/dev/null && pwd || printf '%s' "$2")
      CONSUMED=2 ;;
    --release)
      [ $# -ge 2 ] || die "--release needs a tarball made by npm run release"
      RELEASE=$(cd "$(dirname "$2")" 2>/dev/null && printf '%s/%s' "$(pwd)" "$(basename "$2")" || printf '%s' "$2")
      CONSUMED=2 ;;
    *) return 1 ;;
  esac
}

require_root_unless_safe() {
  if ! is_dry && ! is_prefixed && [ "$(id -u)" -ne 0 ]; then
    die "run as root (sudo), or use --dry-run / --prefix DIR"
  fi
}

ensure_dir() { # PATH MODE OWNER:GROUP
  local path mode=$2 owner=$3
  path=$(rp "$1")
  if is_dry; then
    if [ -d "$path" ]; then printf '[plan] keep dir %s\n' "$1"; else printf '[plan] create dir %s (%s %s)\n' "$1" "$mode" "$owner"; fi
    return 0
  fi
  mkdir -p "$path"
  chmod "$mode" "$path"
  set_owner "$owner" "$path"
}

# Under --prefix the owner is applied where this machine has that user (tests run as root with
# mosquitto/redis installed), so a prefix install is checked with its real permissions.
set_owner() { # OWNER:GROUP PATH
  if is_prefixed; then chown "$1" "$2" 2>/dev/null || true; else chown "$1" "$2"; fi
}

# Write stdin to PATH when it differs; sets FILE_CHANGED=1 when it wrote. Mode and owner are
# applied every time so a hand-loosened permission is tightened again.
FILE_CHANGED=0
put_file() { # PATH MODE OWNER:GROUP
  local path mode=$2 owner=$3 tmp
  path=$(rp "$1")
  tmp=$(mktemp)
  cat >"$tmp"
  FILE_CHANGED=0
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    if is_dry; then printf '[plan] unchanged %s\n' "$1"; fi
  else
    FILE_CHANGED=1
    if is_dry; then printf '[plan] write %s (%s %s)\n' "$1" "$mode" "$owner"; fi
  fi
  if is_dry; then rm -f "$tmp"; return 0; fi
  mkdir -p "$(dirname "$path")"
  if [ "$FILE_CHANGED" = 1 ]; then
    # install(1) creates the file with its final mode, so a secret is never briefly world-readable.
    install -m "$mode" "$tmp" "$path"
    log "wrote $1"
  fi
  rm -f "$tmp"
  chmod "$mode" "$path"
  set_owner "$owner" "$path"
}

# Append LINE to PATH unless it is already there (for include directives in distro configs).
ensure_line() { # PATH LINE
  local path line=$2
  path=$(rp "$1")
  if [ -f "$path" ] && grep -qxF "$line" "$path"; then
    if is_dry; then printf '[plan] unchanged %s (has: %s)\n' "$1" "$line"; fi
    return 0
  fi
  if is_dry; then printf '[plan] append to %s: %s\n' "$1" "$line"; return 0; fi
  if [ ! -f "$path" ]; then
    if is_prefixed; then printf '[prefix] skip: %s does not exist in the prefix\n' "$1"; return 0; fi
    die "$1 is missing (is its package installed?)"
  fi
  printf '\n%s\n' "$line" >>"$path"
  log "appended to $1: $line"
}

# A random secret, created once under /etc/hearth/secrets and reused on every later run.
# Alphanumeric only, so it can go into URLs and config files without quoting.
secret() { # NAME -> prints the secret
  local path
  path=$(rp "/etc/hearth/secrets/$1")
  if [ -s "$path" ]; then
    cat "$path"
    return 0
  fi
  if is_dry; then
    printf '[plan] generate secret /etc/hearth/secrets/%s (0600 root)\n' "$1" >&2
    printf 'DRY-RUN-SECRET-%s' "$1"
    return 0
  fi
  mkdir -p "$(dirname "$path")"
  chmod 0700 "$(dirname "$path")"
  local value
  value=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
  (umask 077 && printf '%s\n' "$value" >"$path")
  printf '%s\n' "generated secret /etc/hearth/secrets/$1" >&2
  printf '%s' "$value"
}

# Debian packages that are not installed yet.
missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}

install_packages() {
  local missing
  missing=$(missing_packages "$@" | tr '\n' ' ')
  if [ -z "${missing// /}" ]; then
    log "Debian packages present: $*"
    return 0
  fi
  log "Debian packages to install: $missing"
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  sys env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

apt_update() { sys apt-get update -qq; }

ensure_system_user() { # NAME HOME [GROUPS]
  local name=$1 home=$2 groups=${3:-}
  if id "$name" >/dev/null 2>&1; then
    log "system user $name exists"
    [ -z "$groups" ] || sys usermod -a -G "$groups" "$name"
    return 0
  fi
  if [ -n "$groups" ]; then
    sys useradd --system --home-dir "$home" --shell /usr/sbin/nologin --user-group --groups "$groups" "$name"
  else
    sys useradd --system --home-dir "$home" --shell /usr/sbin/nologin --user-group "$name"
  fi
}

# Node.js from the official tarball (nodejs.org), checksum-verified, unpacked to /opt/node-vX
# with /usr/local/bin links. Chosen over NodeSource so no third-party apt repo or key is added;
# re-running the installer upgrades to the newest release of the same major.
node_arch() {
  case "$(uname -m)" in
    aarch64 | arm64) echo arm64 ;;
    x86_64 | amd64) echo x64 ;;
    *) die "unsupported CPU $(uname -m) for the Node.js tarball" ;;
  esac
}

ensure_node() {
  local have=""
  if command -v node >/dev/null 2>&1; then have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true); fi
  if [ -n "$have" ] && [ "$have" -ge "$HEARTH_NODE_MAJOR" ]; then
    log "Node.js $(node --version) present"
    return 0
  fi
  local arch base
  arch=$(node_arch)
  base="https://nodejs.org/dist/latest-v${HEARTH_NODE_MAJOR}.x"
  if is_dry || is_prefixed; then
    sys install-node-tarball "$base/node-v${HEARTH_NODE_MAJOR}.*-linux-${arch}.tar.xz" "(sha256 from $base/SHASUMS256.txt)" /opt /usr/local/bin/node
    return 0
  fi
  local work file sum
  work=$(mktemp -d)
  curl -fsSL "$base/SHASUMS256.txt" -o "$work/SHASUMS256.txt"
  file=$(grep -oE "node-v${HEARTH_NODE_MAJOR}\.[0-9]+\.[0-9]+-linux-${arch}\.tar\.xz" "$work/SHASUMS256.txt" | head -n1)
  [ -n "$file" ] || die "no linux-${arch} tarball listed in $base/SHASUMS256.txt"
  curl -fsSL "$base/$file" -o "$work/$file"
  sum=$(grep " $file\$" "$work/SHASUMS256.txt" | cut -d' ' -f1)
  (cd "$work" && printf '%s  %s\n' "$sum" "$file" | sha256sum -c --quiet -) || die "checksum mismatch for $file"
  tar -C /opt -xJf "$work/$file"
  local dir=/opt/${file%.tar.xz}
  ln -sfn "$dir/bin/node" /usr/local/bin/node
  ln -sfn "$dir/bin/npm" /usr/local/bin/npm
  ln -sfn "$dir/bin/npx" /usr/local/bin/npx
  rm -rf "$work"
  log "installed Node.js $(/usr/local/bin/node --version) from $file"
}

# Install the built release in /opt/hearth (root-owned, so the services cannot modify their own
# code): the tarball of `npm run release` (--release FILE) or, without one, a release built from
# this checkout in a scratch copy (building needs the development packages; /opt/hearth never
# gets them). Then only WORKSPACE's production packages (`npm ci --omit=dev`); the services run
# `node WORKSPACE/dist/main.js`. The new tree is made beside the old one and swapped in whole.
install_app() { # SOURCE_DIR WORKSPACE
  local src=$1 ws=$2 tarball=$RELEASE app=$HEARTH_APP_DIR unpack
  if [ -z "$tarball" ] && [ ! -d "$src/appliance/src" ]; then
    # Run from an unpacked release: it is the release.
    unpack="tar -C '$src' --exclude=./node_modules --exclude='./*/node_modules' -cf - . | tar -C '$app.new' -xf - --no-same-owner"
  elif [ -z "$tarball" ]; then
    tarball=/var/tmp/hearth-release.tar.gz
    if is_dry; then
      printf '[plan] build the release from %s in a scratch copy: npm ci && npm run release -- --out %s\n' "$src" "$tarball"
    elif is_prefixed; then
      printf '[prefix] skip: build the release from %s\n' "$src"
    else
      build_release "$src" "$tarball"
    fi
  elif [ ! -f "$tarball" ]; then
    die "--release $tarball: no such file (make one with npm run release)"
  fi
  unpack=${unpack:-"tar -xzf '$tarball' -C '$app.new' --strip-components=1 --no-same-owner"}
  sys sh -c "rm -rf '$app.new' && mkdir -p '$app.new' && $unpack && cd '$app.new' && npm ci --omit=dev --no-audit --no-fund --workspace $ws"
  sys sh -c "rm -rf '$app.old' && { [ ! -e '$app' ] || mv '$app' '$app.old'; } && mv '$app.new' '$app' && rm -rf '$app.old'"
}

build_release() { # SOURCE_DIR OUT
  local work
  work=$(mktemp -d)
  tar -C "$1" --exclude=./node_modules --exclude='./*/node_modules' --exclude=./data --exclude=./.git --exclude=./release -cf - . | tar -C "$work" -xf -
  if ! (cd "$work" && npm ci --no-audit --no-fund && npm run release -- --out "$2"); then
    rm -rf "$work"
    die "building the release from $1 failed"
  fi
  rm -rf "$work"
  log "built the release $2"
}

install_unit() { # SOURCE_UNIT_FILE [DROP_IN_DIR, e.g. caddy.service.d]
  local name
  name=${2:+$2/}$(basename "$1")
  put_file "/etc/systemd/system/$name" 0644 root:root <"$1"
  [ "$FILE_CHANGED" = 0 ] || UNITS_CHANGED=1
}
# shellcheck disable=SC2034 # read by the installers
UNITS_CHANGED=0
