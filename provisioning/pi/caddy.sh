# shellcheck shell=bash
# HTTPS for the hub: Caddy (Debian package) in front of the appliance, configured by
# provisioning/Caddyfile plus the values below. Sourced by pi/install.sh.

# Where Caddy's internal CA keeps its root (storage file_system in the Caddyfile), and the
# world-readable copy the appliance offers to phones and the kiosk trusts.
# shellcheck disable=SC2034 # read by pi/install.sh
HEARTH_CADDY_ROOT=/var/lib/caddy/pki/authorities/local/root.crt
# shellcheck disable=SC2034 # read by pi/install.sh
HEARTH_CA_COPY=/etc/hearth-ca/root.crt

hearth_valid_hostname() { [[ "$1" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]]; }
hearth_valid_domain() { [[ "$1" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$ ]] && [ ${#1} -le 253 ]; }
hearth_valid_dns_provider() { [[ "$1" =~ ^[a-z0-9_]{1,40}$ ]]; }

# hearth_caddy_env HOSTNAME LAN_ADDR [DNS_TOKEN]: /etc/hearth/caddy.env (root-only: it may hold the token).
hearth_caddy_env() {
  printf '# Caddy for Hearth: managed by provisioning (pi/install.sh); read by caddy.service\n'
  printf 'HEARTH_HOSTNAME=%s.local\n' "$1"
  [ -z "$2" ] || printf 'HEARTH_LAN_IP=%s\n' "$2"
  [ -z "${3:-}" ] || printf 'HEARTH_DNS_TOKEN=%s\n' "$3"
}

# hearth_caddy_domain_site DOMAIN PROVIDER: a family domain with a public certificate from ACME
# over the DNS challenge (nothing needs to reach the Pi from the internet). The token stays in
# caddy.env; Caddy reads it at run time.
hearth_caddy_domain_site() {
  cat <<SITE
# Hearth: managed by provisioning (pi/install.sh --domain); local edits are overwritten.
$1 {
	tls {
		dns $2 {env.HEARTH_DNS_TOKEN}
	}
	import hearth_site
}
SITE
}

# hearth_avahi_hostname CONF NAME: the name avahi-daemon announces (NAME.local), without renaming
# the machine. Debian ships the line commented out in [server].
hearth_avahi_hostname() {
  local conf=$1 name=$2
  if grep -qx "host-name=$name" "$conf"; then return 1; fi
  if grep -qE '^#?host-name=' "$conf"; then
    sed -i -E "s/^#?host-name=.*/host-name=$name/" "$conf"
  else
    sed -i "/^\[server\]/a host-name=$name" "$conf"
  fi
}
