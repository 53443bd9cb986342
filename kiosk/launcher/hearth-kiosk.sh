#!/usr/bin/env bash
# Hearth kiosk launcher: run by cage (see systemd/hearth-kiosk.service) and replaced by Chromium
# in kiosk mode. When Chromium dies, cage exits and systemd starts the whole thing again.
#
#   hearth-kiosk.sh            prepare the profile, wait for the appliance, exec Chromium
#   hearth-kiosk.sh --prepare  only prepare the profile (tests, troubleshooting)
#
# Environment: HEARTH_KIOSK_URL (default http://127.0.0.1:8080/kiosk), HEARTH_KIOSK_HOME
# (profile and cursor theme; default $STATE_DIRECTORY or $HOME), HEARTH_KIOSK_WAIT_S (120),
# HEARTH_KIOSK_TOKEN_FILE (a kiosk device token: screen-power.sh then switches HDMI off and on
# as the wall sleeps and wakes), HEARTH_KIOSK_CA (the hub's root certificate, default
# /etc/hearth-ca/root.crt: trusted in Chromium's NSS database $HOME/.pki/nssdb when present).
set -euo pipefail

URL=${HEARTH_KIOSK_URL:-http://127.0.0.1:8080/kiosk}
BASE=${HEARTH_KIOSK_HOME:-${STATE_DIRECTORY:-$HOME}}
PROFILE="$BASE/chromium"
ICONS="$BASE/icons"
WAIT_S=${HEARTH_KIOSK_WAIT_S:-120}
CA=${HEARTH_KIOSK_CA:-/etc/hearth-ca/root.crt}
NSSDB="$HOME/.pki/nssdb"
CA_NICK="Hearth hub CA"

# After a power cut Chromium believes it crashed and shows a "restore pages?" bubble over the
# kiosk. Mark the last session as clean before every start.
mark_clean_exit() {
  local f
  for f in "$PROFILE/Default/Preferences" "$PROFILE/Local State"; do
    [ -f "$f" ] || continue
    sed -i -e 's/"exit_type":"[A-Za-z]*"/"exit_type":"Normal"/g' \
      -e 's/"exited_cleanly":false/"exited_cleanly":true/g' "$f"
  done
}

# A cursor theme whose every cursor is one transparent pixel. It is named "default" so both
# cage (wlroots loads the "default" theme) and Chromium (XCURSOR_THEME) pick it up: a touch
# screen shows no arrow, and a mouse plugged in for maintenance stays invisible too.
write_blank_cursor_theme() {
  local dir="$ICONS/default/cursors" name
  mkdir -p "$dir"
  if [ ! -s "$dir/default" ]; then
    # Xcursor file: header, one table-of-contents entry, one 1x1 image chunk, one ARGB pixel.
    printf 'Xcur\x10\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00''\x02\x00\xfd\xff\x18\x00\x00\x00\x1c\x00\x00\x00''\x24\x00\x00\x00\x02\x00\xfd\xff\x18\x00\x00\x00\x01\x00\x00\x00''\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00''\x00\x00\x00\x00' >"$dir/default"
  fi
  for name in left_ptr arrow top_left_arrow pointer hand1 hand2 text xterm watch left_ptr_watch progress wait crosshair grab grabbing move not-allowed; do
    ln -sfn default "$dir/$name"
  done
  printf '[Icon Theme]\nName=default\n' >"$ICONS/default/index.theme"
}

# Chromium on Linux trusts the CAs in the user's NSS database. The hub's own CA (Caddy's, copied
# out by the installer) goes in on every start, replacing an older one: reinstalling Caddy makes a
# new CA under the same nickname, and the kiosk must follow without anyone touching it.
trust_hub_ca() {
  [ -r "$CA" ] || return 0
  if ! command -v certutil >/dev/null 2>&1; then
    echo "hearth-kiosk: certutil (Debian package libnss3-tools) is missing; $CA is not trusted" >&2
    return 0
  fi
  mkdir -p "$NSSDB"
  [ -f "$NSSDB/cert9.db" ] || certutil -N -d "sql:$NSSDB" --empty-password
  while certutil -L -d "sql:$NSSDB" -n "$CA_NICK" >/dev/null 2>&1; do
    certutil -D -d "sql:$NSSDB" -n "$CA_NICK"
  done
  certutil -A -d "sql:$NSSDB" -n "$CA_NICK" -t "C,," -i "$CA"
}

wait_for_appliance() {
  local origin health i
  origin=$(printf '%s' "$URL" | sed -E 's#^(https?://[^/]+).*#\1#')
  health="$origin/healthz"
  for ((i = 0; i < WAIT_S; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$health"; then return 0; fi
    sleep 1
  done
  echo "hearth-kiosk: $health not healthy after ${WAIT_S}s, starting anyway" >&2
}

mkdir -p "$PROFILE"
mark_clean_exit
write_blank_cursor_theme
trust_hub_ca
if [ "${1:-}" = --prepare ]; then exit 0; fi

wait_for_appliance
export XCURSOR_PATH="$ICONS" XCURSOR_THEME=default XCURSOR_SIZE=24
if [ -r "${HEARTH_KIOSK_TOKEN_FILE:-}" ]; then
  "$(dirname "$(readlink -f "$0")")/screen-power.sh" &
fi
exec chromium \
  --kiosk "$URL" \
  --ozone-platform=wayland \
  --user-data-dir="$PROFILE" \
  --noerrdialogs \
  --disable-session-crashed-bubble \
  --disable-infobars \
  --no-first-run \
  --no-default-browser-check \
  --password-store=basic \
  --disable-features=Translate,TranslateUI,MediaRouter \
  --check-for-update-interval=31536000 \
  --autoplay-policy=no-user-gesture-required \
  --overscroll-history-navigation=0 \
  --disable-pinch \
  --enable-features=OverlayScrollbar
