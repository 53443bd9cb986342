#!/bin/sh
# Entrypoint of the caddy service in compose.yml (caddy image, busybox sh): runs
# provisioning/Caddyfile and, once Caddy has made its CA, copies the root certificate to the hub-ca
# volume. Caddy keeps its own files owner-only; the appliance (another user in another container)
# reads the copy and offers it to phones in Admin > Devices.
set -eu
CADDYFILE=${HEARTH_CADDYFILE:-/etc/caddy/Caddyfile}
ROOT=${HEARTH_CADDY_DATA:-/data}/pki/authorities/local/root.crt
EXPORT=${HEARTH_CA_EXPORT:-/hub-ca/root.crt}
WAIT_S=${HEARTH_CA_WAIT_S:-120}

caddy run --config "$CADDYFILE" --adapter caddyfile &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM

i=0
while [ ! -s "$ROOT" ] && [ "$i" -lt "$WAIT_S" ] && kill -0 "$pid" 2>/dev/null; do
  sleep 1
  i=$((i + 1))
done
if [ -s "$ROOT" ]; then
  mkdir -p "$(dirname "$EXPORT")"
  cp "$ROOT" "$EXPORT.tmp" && chmod 0644 "$EXPORT.tmp" && mv "$EXPORT.tmp" "$EXPORT"
else
  echo "hearth: Caddy has made no root certificate ($ROOT); Admin > Devices has none to offer" >&2
fi

# A signal interrupts `wait`; wait again for Caddy's own exit status.
status=0
wait "$pid" || status=$?
if kill -0 "$pid" 2>/dev/null; then
  status=0
  wait "$pid" || status=$?
fi
exit "$status"
