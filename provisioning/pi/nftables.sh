# shellcheck shell=bash
# nftables for the hub: only the LAN reaches Hearth's ports. A table of our own, so Debian's
# default `inet filter` table and other tools' tables are left alone.

# hearth_nft_rules LAN_CIDR: the ruleset (loadable with `nft -f`, re-loadable: it replaces itself).
hearth_nft_rules() {
  local lan=$1
  cat <<NFT
#!/usr/sbin/nft -f
# Hearth: managed by provisioning (pi/nftables.sh); local edits are overwritten.
# Re-loading replaces the table instead of adding duplicate rules.
table inet hearth
delete table inet hearth

table inet hearth {
	set lan4 {
		type ipv4_addr
		flags interval
		elements = { $lan }
	}

	set lan6 {
		type ipv6_addr
		flags interval
		elements = { fe80::/10, fc00::/7 }
	}

	chain input {
		type filter hook input priority filter; policy drop;

		ct state established,related accept
		ct state invalid drop
		iif "lo" accept

		meta l4proto icmp accept
		meta l4proto ipv6-icmp accept

		# DHCP lease renewals and mDNS (hearth.local) on the LAN.
		udp dport 68 accept
		ip saddr @lan4 udp dport 5353 accept
		ip6 saddr @lan6 udp dport 5353 accept

		# SSH, the portal through Caddy (80 redirects to 443), the appliance itself (agents),
		# MQTT (agents, Home Assistant), Redis (agents' job queues).
		ip saddr @lan4 tcp dport { 22, 80, 443, 8080, 1883, 6379 } accept
		ip6 saddr @lan6 tcp dport { 22, 80, 443, 8080, 1883, 6379 } accept
	}
}
NFT
}

# The IPv4 LAN of the default route's interface as CIDR, and the hub's address on it.
detect_lan_cidr() {
  local dev
  dev=$(ip -o -4 route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')
  [ -n "$dev" ] || return 1
  ip -o -4 route show dev "$dev" scope link proto kernel 2>/dev/null | awk '{print $1; exit}'
}

detect_lan_address() {
  ip -o -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit }}'
}
