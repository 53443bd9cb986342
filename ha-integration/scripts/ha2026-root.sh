#!/usr/bin/env bash
# Creates (or reuses) the cached Debian forky root with the current Home Assistant used by the
# tests. homeassistant >= 2026.3 needs Python >= 3.14.2, which Debian 12 lacks; Debian testing
# (forky) has it. The root is made with debootstrap from the Debian mirror this machine already
# uses, and holds a venv (/opt/ha) with requirements-2026.lock installed. HA runs there under
# chroot and shares the host's network.
#
# The root lives outside the repo as scripts/lib/cached.sh describes, keyed by the lock file's
# hash and this recipe.
# Prints the root's path on stdout (progress goes to stderr).
#
#   ha2026-root.sh          make or reuse the root, print its path
#   ha2026-root.sh --lock   (maintainers) install homeassistant==$HA_VERSION with its dependencies
#                           and the requirements its integrations' manifests declare, then write
#                           requirements-2026.lock from what got installed
#
#   HEARTH_CACHE_DIR  where roots are kept (default ~/.cache/hearth)
#   HEARTH_DEBIAN_MIRROR  the Debian mirror (default: the one in /etc/apt/sources.list.d or sources.list)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../../scripts/lib/cached.sh
. "$here/../scripts/lib/cached.sh"
lock="$here/requirements-2026.lock"
HA_VERSION=2026.11.0
SUITE=forky
# Debian packages inside the root (debootstrap resolves their dependencies). A few pinned
# requirements (pymicro-vad, pyspeex-noise) have no wheel for Python 3.14: pip builds them.
# libturbojpeg0: the camera integration (set up for MQTT cameras) loads it.
PACKAGES=python3.14,python3.14-venv,python3.14-dev,g++,tzdata,libturbojpeg0
# Bump when the way the root is made changes, so old roots are not reused.
RECIPE="1 $SUITE minbase $PACKAGES"

mode=install
[ "${1:-}" = "--lock" ] && mode=lock

die() { echo "ha2026-root: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and chroot); run it with sudo"

if [ "$mode" = lock ]; then
  key="lockgen"
else
  [ -f "$lock" ] || die "$lock is missing (make it with --lock)"
  key="$({ cat "$lock"; echo "$RECIPE"; } | sha256sum | cut -c1-12)"
fi
cached_init ha2026-root "$key"
root="$cached"
[ "$mode" = install ] && cached_ready && { echo "$root"; exit 0; }
cached_lock
[ "$mode" = install ] && cached_ready && { echo "$root"; exit 0; }

# Nothing is ever mounted inside a root (the harness mounts in a private namespace), but a root
# is only removed when that holds, so rm -rf can never reach the host through a bind mount.
cached_remove() {
  if grep -q " $1[/ ]" /proc/self/mountinfo; then die "$1 has mounts inside; not removing it"; fi
  rm -rf "$1"
}

mirror="${HEARTH_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}')"
fi
if [ -z "$mirror" ]; then
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}')"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found (apt-get install debootstrap)"
# Older debootstrap has no script named forky; testing is made like sid.
script=/usr/share/debootstrap/scripts/$SUITE
[ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid

started=$(date +%s)
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
  SSL_CERT_FILE=/etc/hearth-host-ca.crt PIP_CERT=/etc/hearth-host-ca.crt "$@"; }

# An install always starts from a fresh root; --lock reuses one (and adds packages the recipe gained).
if [ "$mode" = install ] || [ ! -x "$root/usr/bin/python3.14" ]; then
  cached_remove "$root"
  echo "ha2026-root: debootstrap $SUITE from $mirror into $root (a few minutes the first time)" >&2
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$mirror" "$script" >&2 ||
    { tail -n 30 "$root/debootstrap/debootstrap.log" >&2 2>/dev/null || true; die "debootstrap failed"; }
  echo "ha2026-root: root ready after $(($(date +%s) - started)) s" >&2
fi
# pip inside the root trusts what the host trusts (the root has no ca-certificates package).
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/hearth-host-ca.crt"
cp /etc/resolv.conf "$root/etc/resolv.conf"

in_root python3.14 -c 'import sys; assert sys.version_info >= (3, 14, 2), sys.version' >&2 ||
  die "the root's Python is older than 3.14.2"

pip=(/opt/ha/bin/pip install --quiet --disable-pip-version-check --require-virtualenv)
in_root rm -rf /opt/ha
in_root python3.14 -m venv /opt/ha

if [ "$mode" = lock ]; then
  # The Release file of a testing snapshot may be past its Valid-Until.
  in_root apt-get -qq -o Acquire::Check-Valid-Until=false install -y --no-install-recommends ${PACKAGES//,/ } >&2
  echo "ha2026-root: installing homeassistant==$HA_VERSION to write the lock" >&2
  in_root "${pip[@]}" "homeassistant==$HA_VERSION" >&2
  cp "$here/scripts/integration-requirements.py" "$root/tmp/integration-requirements.py"
  mapfile -t reqs < <(in_root /opt/ha/bin/python /tmp/integration-requirements.py)
  echo "ha2026-root: integration requirements: ${reqs[*]}" >&2
  in_root "${pip[@]}" --constraint /opt/ha/lib/python3.14/site-packages/homeassistant/package_constraints.txt "${reqs[@]}" >&2
  in_root /opt/ha/bin/pip check >&2
  {
    echo "# The current Home Assistant used by Hearth's integration tests (Python 3.14, Debian forky root)."
    echo "# Written by scripts/ha2026-root.sh --lock: homeassistant==$HA_VERSION, the requirements that the"
    echo "# manifests of the integrations it sets up declare and check_config's own (colorlog), with"
    echo "# their dependencies, as pip resolved them under HA's package_constraints.txt"
    echo "# (scripts/integration-requirements.py). HA runs with --skip-pip. Changing this file changes"
    echo "# the root's cache key."
    in_root /opt/ha/bin/pip freeze --all --disable-pip-version-check | grep -v -E '^(pip|setuptools|wheel)=='
  } >"$lock"
  echo "ha2026-root: wrote $lock ($(grep -c == "$lock") packages) in $(($(date +%s) - started)) s" >&2
  exit 0
fi

echo "ha2026-root: installing Home Assistant $HA_VERSION into $root/opt/ha" >&2
cp "$lock" "$root/tmp/requirements.lock"
# The lock pins every package, so dependency resolution is skipped; pip check proves it complete.
in_root "${pip[@]}" --no-deps -r /tmp/requirements.lock >&2
in_root /opt/ha/bin/pip check >&2
in_root /opt/ha/bin/hass --version >/dev/null
# Each root is ~1 GB: roots of older lock files are dropped (a lock change back just rebuilds).
cached_finish
echo "ha2026-root: ready in $(($(date +%s) - started)) s" >&2
echo "$root"
