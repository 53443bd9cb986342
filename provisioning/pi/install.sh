#!/usr/bin/env bash
# Hearth hub installer for Raspberry Pi OS Bookworm (arm64). Idempotent: run it again after a
# `git pull` to update; secrets are generated once and kept.
#
#   sudo provisioning/pi/install.sh [--agent ID]... [--lan CIDR] [--no-kiosk] [--release FILE] [--dry-run] [--prefix DIR]
#
# --agent ID   a GPU agent allowed on MQTT (repeatable; default: gpu-pc)
# --lan CIDR   the LAN allowed through the firewall (default: the default route's subnet)
# --no-kiosk   do not install/enable the HDMI kiosk (Chromium under cage)
# --release FILE  install this tarball of `npm run release` (default: build one from this checkout)
# --dry-run    print the plan and change nothing
# --prefix DIR write configuration under DIR only (tests); packages, users, services untouched
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$HERE/../lib/common.sh"
# shellcheck source=../mosquitto/auth.sh
. "$REPO/provisioning/mosquitto/auth.sh"
# shellcheck source=../redis/hearth.conf.sh
. "$REPO/provisioning/redis/hearth.conf.sh"
# shellcheck source=nftables.sh
. "$HERE/nftables.sh"

AGENTS=()
LAN=""
KIOSK=1
while [ $# -gt 0 ]; do
  if parse_common_arg "$@"; then shift "$CONSUMED"; continue; fi
  case "$1" in
    --agent) [ $# -ge 2 ] || die "--agent needs an id"; AGENTS+=("$2"); shift 2 ;;
    --lan) [ $# -ge 2 ] || die "--lan needs a CIDR"; LAN=$2; shift 2 ;;
    --no-kiosk) KIOSK=0; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
[ ${#AGENTS[@]} -gt 0 ] || AGENTS=(gpu-pc)
for a in "${AGENTS[@]}"; do hearth_valid_agent_id "$a" || die "invalid agent id '$a' (lowercase letters, digits, - and _)"; done
require_root_unless_safe

if [ -z "$LAN" ]; then LAN=$(detect_lan_cidr || true); fi
[ -n "$LAN" ] || die "could not detect the LAN subnet; pass --lan 192.168.1.0/24"
[[ "$LAN" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$ ]] || die "--lan must be an IPv4 CIDR like 192.168.1.0/24 (got '$LAN')"
LAN_ADDR=$(detect_lan_address || true)

if is_dry; then log "DRY RUN: nothing will be changed"; fi
if is_prefixed; then log "installing configuration under $PREFIX"; fi
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  [ "${VERSION_CODENAME:-}" = bookworm ] || warn "made for Debian/Raspberry Pi OS bookworm, this is ${PRETTY_NAME:-unknown}"
fi

log "1/9 Debian packages"
PACKAGES=(redis-server mosquitto mosquitto-clients nftables sqlite3 curl ca-certificates xz-utils git)
[ "$KIOSK" = 0 ] || PACKAGES+=(chromium cage wlr-randr fonts-noto-color-emoji)
if [ -n "$(missing_packages "${PACKAGES[@]}")" ]; then apt_update; fi
install_packages "${PACKAGES[@]}"

log "2/9 Node.js ${HEARTH_NODE_MAJOR} LTS (official tarball)"
ensure_node

log "3/9 users and directories"
ensure_system_user hearth /var/lib/hearth
[ "$KIOSK" = 0 ] || ensure_system_user hearth-kiosk /var/lib/hearth-kiosk video,render,input
ensure_dir /etc/hearth 0750 root:hearth
ensure_dir /etc/hearth/secrets 0700 root:root
ensure_dir /var/lib/hearth 0750 hearth:hearth
ensure_dir /var/backups/hearth 0750 hearth:hearth

log "4/9 Hearth code in $HEARTH_APP_DIR"
install_app "$REPO" appliance

log "5/9 secrets (generated once, kept in /etc/hearth/secrets)"
REDIS_PASS=$(secret redis)
MQTT_APPLIANCE_PASS=$(secret mqtt-appliance)
MQTT_HA_PASS=$(secret mqtt-homeassistant)
declare -A MQTT_AGENT_PASS=()
for a in "${AGENTS[@]}"; do MQTT_AGENT_PASS[$a]=$(secret "mqtt-agent-$a"); done

log "6/9 Mosquitto: password users and ACL"
MQ_DIR=/etc/mosquitto/hearth
ensure_dir "$MQ_DIR" 0750 root:mosquitto
hearth_mqtt_conf "$MQ_DIR/passwd" "$MQ_DIR/acl" "listener 1883" | put_file /etc/mosquitto/conf.d/hearth.conf 0644 root:root
MQ_CHANGED=$FILE_CHANGED
hearth_mqtt_acl "${AGENTS[@]}" | put_file "$MQ_DIR/acl" 0640 root:mosquitto
[ "$FILE_CHANGED" = 0 ] || MQ_CHANGED=1
# Hashes are salted, so the password file is rebuilt only when the set of users/passwords changes.
creds=(appliance "$MQTT_APPLIANCE_PASS" homeassistant "$MQTT_HA_PASS")
for a in "${AGENTS[@]}"; do creds+=("agent-$a" "${MQTT_AGENT_PASS[$a]}"); done
printf '%s\n' "${creds[@]}" | sha256sum | cut -d' ' -f1 | put_file "$MQ_DIR/passwd.fingerprint" 0600 root:root
if [ "$FILE_CHANGED" = 1 ] || [ ! -s "$(rp "$MQ_DIR/passwd")" ]; then
  if is_dry; then
    printf '[plan] build %s/passwd with mosquitto_passwd (users: appliance homeassistant%s)\n' "$MQ_DIR" "$(printf ' agent-%s' "${AGENTS[@]}")"
  else
    hearth_mqtt_passwd "$(rp "$MQ_DIR/passwd")" "${creds[@]}"
    log "wrote $MQ_DIR/passwd"
  fi
  MQ_CHANGED=1
fi
if ! is_dry; then
  chmod 0640 "$(rp "$MQ_DIR/passwd")"
  set_owner root:mosquitto "$(rp "$MQ_DIR/passwd")"
fi

log "7/9 Redis: AOF, password, bound to loopback + ${LAN_ADDR:-loopback only}"
hearth_redis_conf "$REDIS_PASS" "$LAN_ADDR" | put_file /etc/redis/hearth.conf 0640 redis:redis
REDIS_CHANGED=$FILE_CHANGED
ensure_line /etc/redis/redis.conf "include /etc/redis/hearth.conf"

log "8/9 environment files and systemd units"
{
  printf '# Hearth appliance: managed by provisioning; put overrides in appliance.local.env\n'
  printf 'REDIS_URL=redis://:%s@127.0.0.1:6379\n' "$REDIS_PASS"
  printf 'MQTT_URL=mqtt://appliance:%s@127.0.0.1:1883\n' "$MQTT_APPLIANCE_PASS"
} | put_file /etc/hearth/appliance.env 0640 root:hearth
HUB=${LAN_ADDR:-hearth.local}
for a in "${AGENTS[@]}"; do
  # Copied to the GPU PC by hand (see docs/install.md); root-only here.
  {
    printf '# Hearth gpu-agent %s: copy to the PC and pass to provisioning/pc/install.sh --env-file\n' "$a"
    printf 'AGENT_ID=%s\n' "$a"
    printf 'MQTT_URL=mqtt://agent-%s:%s@%s:1883\n' "$a" "${MQTT_AGENT_PASS[$a]}" "$HUB"
    printf 'REDIS_URL=redis://:%s@%s:6379\n' "$REDIS_PASS" "$HUB"
    printf 'APPLIANCE_URL=http://%s:8080\n' "$HUB"
    printf '# AGENT_TOKEN=  (create the agent device in the portal: Admin > Devices)\n'
  } | put_file "/etc/hearth/agent-$a.env" 0600 root:root
done
UNITS=(hearth-appliance.service hearth-backup.service hearth-backup.timer)
[ "$KIOSK" = 0 ] || UNITS+=(hearth-kiosk.service)
for u in "${UNITS[@]}"; do install_unit "$REPO/systemd/$u"; done

log "9/9 firewall (nftables): SSH, 8080, 1883, 6379 from $LAN only"
ensure_dir /etc/nftables.d 0755 root:root
hearth_nft_rules "$LAN" | put_file /etc/nftables.d/hearth.nft 0644 root:root
ensure_line /etc/nftables.conf 'include "/etc/nftables.d/*.nft"'
if is_dry; then
  printf '[plan] run: nft -c -f /etc/nftables.d/hearth.nft (check), then load it\n'
elif command -v nft >/dev/null 2>&1; then
  nft -c -f "$(rp /etc/nftables.d/hearth.nft)" || die "the generated nftables ruleset does not parse"
  log "nftables ruleset checked"
fi
sys nft -f /etc/nftables.d/hearth.nft

if [ "$KIOSK" = 1 ] && [ -f "$(rp /boot/firmware/cmdline.txt)" ] && ! grep -q 'consoleblank=0' "$(rp /boot/firmware/cmdline.txt)"; then
  # cmdline.txt must stay a single line.
  sys sed -i '1 s/$/ consoleblank=0/' "$(rp /boot/firmware/cmdline.txt)"
fi

log "services"
[ "$UNITS_CHANGED" = 0 ] || sys systemctl daemon-reload
[ "$MQ_CHANGED" = 0 ] || sys systemctl restart mosquitto.service
[ "$REDIS_CHANGED" = 0 ] || sys systemctl restart redis-server.service
sys systemctl enable --now nftables.service redis-server.service mosquitto.service
sys systemctl enable hearth-appliance.service hearth-backup.timer
sys systemctl restart hearth-appliance.service
sys systemctl start hearth-backup.timer
if [ "$KIOSK" = 1 ]; then
  sys systemctl disable getty@tty1.service
  sys systemctl enable hearth-kiosk.service
  sys systemctl restart hearth-kiosk.service
fi

cat <<DONE

Hearth hub installed${PREFIX:+ under $PREFIX}.
  Portal:          http://${HUB}:8080  (the first visit creates the admin account)
  MQTT for Home Assistant: host ${HUB}, port 1883, user homeassistant,
                   password in /etc/hearth/secrets/mqtt-homeassistant
  GPU PC:          copy /etc/hearth/agent-<id>.env to the PC (scp) and run
                   provisioning/pc/install.sh --env-file agent-<id>.env
  Backups:         nightly into /var/backups/hearth (hearth-backup.timer)
DONE
