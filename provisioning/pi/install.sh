#!/usr/bin/env bash
# Hearth hub installer for Raspberry Pi OS Bookworm (arm64). Idempotent: run it again after a
# `git pull` to update; secrets are generated once and kept.
#
#   sudo provisioning/pi/install.sh [--agent ID]... [--lan CIDR] [--hostname NAME] [--no-kiosk]
#        [--domain FQDN --dns-provider NAME --dns-token-file FILE] [--release FILE] [--dry-run] [--prefix DIR]
#
# --agent ID   a GPU agent allowed on MQTT (repeatable; default: gpu-pc)
# --lan CIDR   the LAN allowed through the firewall (default: the default route's subnet)
# --hostname NAME  the portal's mDNS name, NAME.local (default: hearth); HTTPS with Caddy's own CA
# --domain FQDN    also serve the family's own domain with a public certificate (ACME DNS challenge);
#   --dns-provider NAME  Caddy's DNS module (dns.providers.NAME, e.g. cloudflare; needs a Caddy
#                        build with it, see docs/install.md), --dns-token-file FILE its API token
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
# shellcheck source=caddy.sh
. "$HERE/caddy.sh"

AGENTS=()
LAN=""
KIOSK=1
MDNS_NAME=hearth
DOMAIN=""
DNS_PROVIDER=""
DNS_TOKEN_FILE=""
while [ $# -gt 0 ]; do
  if parse_common_arg "$@"; then shift "$CONSUMED"; continue; fi
  case "$1" in
    --agent) [ $# -ge 2 ] || die "--agent needs an id"; AGENTS+=("$2"); shift 2 ;;
    --lan) [ $# -ge 2 ] || die "--lan needs a CIDR"; LAN=$2; shift 2 ;;
    --no-kiosk) KIOSK=0; shift ;;
    --hostname) [ $# -ge 2 ] || die "--hostname needs a name"; MDNS_NAME=$2; shift 2 ;;
    --domain) [ $# -ge 2 ] || die "--domain needs a domain name"; DOMAIN=$2; shift 2 ;;
    --dns-provider) [ $# -ge 2 ] || die "--dns-provider needs a name"; DNS_PROVIDER=$2; shift 2 ;;
    --dns-token-file) [ $# -ge 2 ] || die "--dns-token-file needs a file"; DNS_TOKEN_FILE=$2; shift 2 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
[ ${#AGENTS[@]} -gt 0 ] || AGENTS=(gpu-pc)
for a in "${AGENTS[@]}"; do hearth_valid_agent_id "$a" || die "invalid agent id '$a' (lowercase letters, digits, - and _)"; done
hearth_valid_hostname "$MDNS_NAME" || die "--hostname must be one DNS label: lowercase letters, digits and - (got '$MDNS_NAME')"
DNS_TOKEN=""
if [ -n "$DOMAIN" ]; then
  hearth_valid_domain "$DOMAIN" || die "--domain must be a lowercase domain name like hearth.example.com (got '$DOMAIN')"
  hearth_valid_dns_provider "$DNS_PROVIDER" || die "--domain needs --dns-provider: the name of Caddy's DNS module, like cloudflare"
  [ -r "$DNS_TOKEN_FILE" ] || die "--domain needs --dns-token-file: a readable file with the DNS provider's API token"
  DNS_TOKEN=$(<"$DNS_TOKEN_FILE")
  # Token characters only: the value goes into a systemd EnvironmentFile unquoted.
  [[ "$DNS_TOKEN" =~ ^[A-Za-z0-9._~+/=:-]{1,512}$ ]] || die "the token in $DNS_TOKEN_FILE must be one line of letters, digits and ._~+/=:-"
elif [ -n "$DNS_PROVIDER$DNS_TOKEN_FILE" ]; then
  die "--dns-provider and --dns-token-file go with --domain"
fi
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

PACKAGES=(redis-server mosquitto mosquitto-clients nftables sqlite3 curl ca-certificates xz-utils git caddy avahi-daemon)
[ "$KIOSK" = 0 ] || PACKAGES+=(chromium cage wlr-randr fonts-noto-color-emoji libnss3-tools)
log "1/10 Debian packages: ${PACKAGES[*]}"
if [ -n "$(missing_packages "${PACKAGES[@]}")" ]; then apt_update; fi
install_packages "${PACKAGES[@]}"
if [ -n "$DOMAIN" ]; then
  # The Debian package has no DNS modules; replacing its binary is the family's choice, not ours.
  if is_dry; then
    printf '[plan] check: caddy list-modules has dns.providers.%s\n' "$DNS_PROVIDER"
  elif ! caddy list-modules 2>/dev/null | grep -qx "dns.providers.$DNS_PROVIDER"; then
    die "this Caddy has no dns.providers.$DNS_PROVIDER module; install a Caddy build with it (docs/install.md, \"HTTPS with your own domain\") and run the installer again"
  fi
fi

log "2/10 Node.js ${HEARTH_NODE_MAJOR} LTS (official tarball)"
ensure_node

log "3/10 users and directories"
ensure_system_user hearth /var/lib/hearth
[ "$KIOSK" = 0 ] || ensure_system_user hearth-kiosk /var/lib/hearth-kiosk video,render,input
ensure_dir /etc/hearth 0750 root:hearth
ensure_dir /etc/hearth/secrets 0700 root:root
ensure_dir /var/lib/hearth 0750 hearth:hearth
ensure_dir /var/backups/hearth 0750 hearth:hearth

log "4/10 Hearth code in $HEARTH_APP_DIR"
install_app "$REPO" appliance

log "5/10 secrets (generated once, kept in /etc/hearth/secrets)"
REDIS_PASS=$(secret redis)
MQTT_APPLIANCE_PASS=$(secret mqtt-appliance)
MQTT_HA_PASS=$(secret mqtt-homeassistant)
declare -A MQTT_AGENT_PASS=()
for a in "${AGENTS[@]}"; do MQTT_AGENT_PASS[$a]=$(secret "mqtt-agent-$a"); done

log "6/10 Mosquitto: password users and ACL"
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

log "7/10 Redis: AOF, password, bound to loopback + ${LAN_ADDR:-loopback only}"
hearth_redis_conf "$REDIS_PASS" "$LAN_ADDR" | put_file /etc/redis/hearth.conf 0640 redis:redis
REDIS_CHANGED=$FILE_CHANGED
ensure_line /etc/redis/redis.conf "include /etc/redis/hearth.conf"

log "8/10 environment files and systemd units"
{
  printf '# Hearth appliance: managed by provisioning; put overrides in appliance.local.env\n'
  printf 'REDIS_URL=redis://:%s@127.0.0.1:6379\n' "$REDIS_PASS"
  printf 'MQTT_URL=mqtt://appliance:%s@127.0.0.1:1883\n' "$MQTT_APPLIANCE_PASS"
  # Caddy on this machine is the one proxy hop trusted: a LAN client talking to :8080 directly
  # cannot choose its own address with X-Forwarded-For.
  printf 'HEARTH_TRUST_PROXY=127.0.0.1,::1\n'
  printf 'HEARTH_CA_CERT=%s\n' "$HEARTH_CA_COPY"
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

log "9/10 HTTPS: Caddy with its own CA for ${MDNS_NAME}.local and ${LAN_ADDR:-localhost}${DOMAIN:+, ACME (DNS challenge, $DNS_PROVIDER) for $DOMAIN}; mDNS by Avahi"
put_file /etc/caddy/Caddyfile 0644 root:root <"$REPO/provisioning/Caddyfile"
CADDY_CHANGED=$FILE_CHANGED
ensure_dir /etc/caddy/hearth.d 0755 root:root
if [ -n "$DOMAIN" ]; then
  hearth_caddy_domain_site "$DOMAIN" "$DNS_PROVIDER" | put_file /etc/caddy/hearth.d/domain.caddy 0644 root:root
  [ "$FILE_CHANGED" = 0 ] || CADDY_CHANGED=1
elif [ -e "$(rp /etc/caddy/hearth.d/domain.caddy)" ]; then
  sys rm -f "$(rp /etc/caddy/hearth.d/domain.caddy)"
  CADDY_CHANGED=1
fi
hearth_caddy_env "$MDNS_NAME" "$LAN_ADDR" "$DNS_TOKEN" | put_file /etc/hearth/caddy.env 0600 root:root
[ "$FILE_CHANGED" = 0 ] || CADDY_CHANGED=1
install_unit "$REPO/systemd/caddy.service.d/hearth.conf" caddy.service.d
[ "$FILE_CHANGED" = 0 ] || CADDY_CHANGED=1
if is_dry; then
  printf '[plan] run: caddy validate (the Caddyfile with %s)\n' /etc/hearth/caddy.env
else
  # Checked with a scratch storage: validating provisions the CA, which must not land in /var/lib/caddy as root.
  scratch=$(mktemp -d)
  caddy_env=(HOME="$scratch" HEARTH_CADDY_DATA="$scratch" HEARTH_CADDY_SITES="$(rp /etc/caddy/hearth.d)" HEARTH_HOSTNAME="$MDNS_NAME.local" HEARTH_DNS_TOKEN="$DNS_TOKEN")
  [ -z "$LAN_ADDR" ] || caddy_env+=(HEARTH_LAN_IP="$LAN_ADDR")
  if ! env "${caddy_env[@]}" caddy validate --adapter caddyfile --config "$(rp /etc/caddy/Caddyfile)" >"$scratch/log" 2>&1; then
    cat "$scratch/log" >&2
    rm -rf "$scratch"
    die "the generated Caddy configuration does not validate"
  fi
  rm -rf "$scratch"
  log "Caddy configuration validated"
fi
AVAHI_CONF=/etc/avahi/avahi-daemon.conf
AVAHI_CHANGED=0
if is_dry; then
  printf '[plan] set host-name=%s in %s (announces %s.local)\n' "$MDNS_NAME" "$AVAHI_CONF" "$MDNS_NAME"
elif [ -f "$(rp "$AVAHI_CONF")" ]; then
  if hearth_avahi_hostname "$(rp "$AVAHI_CONF")" "$MDNS_NAME"; then AVAHI_CHANGED=1; log "avahi announces ${MDNS_NAME}.local"; fi
elif is_prefixed; then
  printf '[prefix] skip: %s does not exist in the prefix\n' "$AVAHI_CONF"
else
  die "$AVAHI_CONF is missing (is avahi-daemon installed?)"
fi

log "10/10 firewall (nftables): SSH, HTTP(S), 8080, 1883, 6379 from $LAN only"
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

# Caddy makes its CA when it first starts; the copy is world-readable for the appliance (which
# offers it to phones) and the kiosk (which trusts it). Caddy's own files are caddy-only.
copy_hub_ca() {
  local src
  src=$(rp "$HEARTH_CADDY_ROOT")
  if is_dry; then
    printf '[plan] wait for the root certificate of Caddy, %s, and copy it to %s (0644)\n' "$HEARTH_CADDY_ROOT" "$HEARTH_CA_COPY"
    return 0
  fi
  if ! is_prefixed; then
    local i
    for ((i = 0; i < 30; i++)); do [ -s "$src" ] && break; sleep 1; done
  fi
  if [ ! -s "$src" ]; then
    warn "Caddy has not made its root certificate ($HEARTH_CADDY_ROOT) yet; run the installer again once caddy.service runs"
    return 0
  fi
  ensure_dir "$(dirname "$HEARTH_CA_COPY")" 0755 root:root
  put_file "$HEARTH_CA_COPY" 0644 root:root <"$src"
}

log "services"
[ "$UNITS_CHANGED" = 0 ] || sys systemctl daemon-reload
[ "$MQ_CHANGED" = 0 ] || sys systemctl restart mosquitto.service
[ "$REDIS_CHANGED" = 0 ] || sys systemctl restart redis-server.service
[ "$CADDY_CHANGED" = 0 ] || sys systemctl restart caddy.service
[ "$AVAHI_CHANGED" = 0 ] || sys systemctl restart avahi-daemon.service
sys systemctl enable --now nftables.service redis-server.service mosquitto.service caddy.service avahi-daemon.service
copy_hub_ca
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
  Portal:          https://${MDNS_NAME}.local or https://${LAN_ADDR:-<the Pi address>}${DOMAIN:+ or https://$DOMAIN}
                   (the first visit creates the admin account; then Admin > Devices >
                   "Trust this hub on your phone" once per phone)
  MQTT for Home Assistant: host ${HUB}, port 1883, user homeassistant,
                   password in /etc/hearth/secrets/mqtt-homeassistant
  GPU PC:          copy /etc/hearth/agent-<id>.env to the PC (scp) and run
                   provisioning/pc/install.sh --env-file agent-<id>.env
  Backups:         nightly into /var/backups/hearth (hearth-backup.timer)
DONE
