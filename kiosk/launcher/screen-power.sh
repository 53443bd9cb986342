#!/usr/bin/env bash
# Hearth screen power: follows the wall's presence (awake / photos / off, decided by the appliance)
# and switches the HDMI output off and on with wlr-randr — the panel really sleeps, not just a
# black page. Runs inside the compositor's session (cage or labwc: WAYLAND_DISPLAY is set);
# hearth-kiosk.sh starts it next to Chromium when a token file is present.
#
# Environment: HEARTH_KIOSK_URL (its origin is used; default http://127.0.0.1:8080/kiosk),
# HEARTH_KIOSK_TOKEN_FILE (a kiosk device token made in the portal: Admin → Devices; required),
# HEARTH_KIOSK_OUTPUT (default: the first output wlr-randr lists), HEARTH_SCREEN_RETRY_S (5).
set -uo pipefail

URL=${HEARTH_KIOSK_URL:-http://127.0.0.1:8080/kiosk}
ORIGIN=$(printf '%s' "$URL" | sed -E 's#^(https?://[^/]+).*#\1#')
TOKEN_FILE=${HEARTH_KIOSK_TOKEN_FILE:?set HEARTH_KIOSK_TOKEN_FILE to a kiosk device token file}
RETRY_S=${HEARTH_SCREEN_RETRY_S:-5}
applied=""

output_name() {
  if [ -n "${HEARTH_KIOSK_OUTPUT:-}" ]; then printf '%s\n' "$HEARTH_KIOSK_OUTPUT"; return; fi
  # Output blocks start at column 0 with the connector name ("HDMI-A-1 \"Dell …\"").
  wlr-randr | awk '/^[^ \t]/ { print $1; exit }'
}

# on | off; wlr-randr is called only when the wanted state changes.
apply() {
  local want=$1 out
  [ "$want" = "$applied" ] && return 0
  out=$(output_name)
  if [ -z "$out" ]; then echo "hearth-screen: wlr-randr lists no output" >&2; return 1; fi
  if wlr-randr --output "$out" "--$want"; then
    applied=$want
    echo "hearth-screen: $out $want"
  else
    echo "hearth-screen: wlr-randr --output $out --$want failed" >&2
  fi
}

# The screen is dark only in mode "off"; the photo frame and the layout both need it lit.
apply_mode() {
  if [ "$1" = off ]; then apply off; else apply on; fi
}

auth() { printf 'authorization: Bearer %s' "$(tr -d '[:space:]' <"$TOKEN_FILE")"; }

# What the appliance says now (after every (re)connect: changes while away were missed).
sync_from_feed() {
  local mode
  mode=$(curl -fsS --max-time 5 -H "$(auth)" "$ORIGIN/api/kiosk/feed" | grep -o '"presence":{"mode":"[a-z]*"' | sed -E 's/.*"mode":"([a-z]*)"/\1/')
  [ -n "$mode" ] && apply_mode "$mode"
}

follow() {
  local line event=""
  while IFS= read -r line; do
    line=${line%$'\r'}
    case $line in
      'event: '*) event=${line#event: } ;;
      'data: '*)
        if [ "$event" = hello ]; then sync_from_feed
        elif [ "$event" = kiosk.presence ]; then
          apply_mode "$(printf '%s' "${line#data: }" | sed -E 's/.*"mode":"([a-z]*)".*/\1/')"
        fi ;;
      '') event="" ;;
    esac
  done < <(curl -fsSN -H "$(auth)" -H 'accept: text/event-stream' "$ORIGIN/api/events")
}

# A dropped stream (appliance restart) is followed again; the screen stays as it was meanwhile.
while :; do
  follow
  sleep "$RETRY_S"
done
