#!/usr/bin/env bash
# Hearth GPU agent installer for the family PC (Debian/Ubuntu, amd64, NVIDIA driver installed).
# Idempotent: run it again after a `git pull` to update.
#
#   sudo provisioning/pc/install.sh --env-file agent-<id>.env [--iface NIC] [--release FILE] [--dry-run] [--prefix DIR]
#
# --env-file F  the agent's settings made by the hub installer (/etc/hearth/agent-<id>.env there)
# --iface NIC   the wired interface to wake on LAN (default: the default route's interface)
# --release FILE  install this tarball of `npm run release` (default: build one from this checkout)
# --dry-run     print the plan and change nothing
# --prefix DIR  write configuration under DIR only (tests); packages, users, services untouched
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$HERE/../lib/common.sh"

ENV_FILE=""
IFACE=""
while [ $# -gt 0 ]; do
  if parse_common_arg "$@"; then shift "$CONSUMED"; continue; fi
  case "$1" in
    --env-file) [ $# -ge 2 ] || die "--env-file needs a file"; ENV_FILE=$2; shift 2 ;;
    --iface) [ $# -ge 2 ] || die "--iface needs an interface name"; IFACE=$2; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
require_root_unless_safe
if [ -n "$ENV_FILE" ]; then
  [ -r "$ENV_FILE" ] || die "cannot read $ENV_FILE"
  for key in AGENT_ID MQTT_URL REDIS_URL APPLIANCE_URL; do
    grep -q "^$key=" "$ENV_FILE" || die "$ENV_FILE lacks $key= (make it with the hub installer)"
  done
  if grep -vE '^(#.*|[A-Z][A-Z0-9_]*=[^[:space:]]*|[[:space:]]*)$' "$ENV_FILE" | grep -q .; then
    die "$ENV_FILE has lines that are not KEY=value"
  fi
fi

if [ -z "$IFACE" ]; then
  IFACE=$(ip -o -4 route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')
fi
[ -n "$IFACE" ] || die "could not find the network interface; pass --iface"
[[ "$IFACE" =~ ^[A-Za-z0-9._-]{1,15}$ ]] || die "invalid interface name '$IFACE'"
MAC=$(cat "/sys/class/net/$IFACE/address" 2>/dev/null || true)
[[ "$MAC" =~ ^[0-9a-f]{2}(:[0-9a-f]{2}){5}$ ]] || die "interface $IFACE has no Ethernet MAC address (Wake-on-LAN needs a wired NIC)"
[ ! -d "/sys/class/net/$IFACE/wireless" ] || warn "$IFACE is wireless: most Wi-Fi cards cannot wake the PC; use Ethernet"

if is_dry; then log "DRY RUN: nothing will be changed"; fi
if is_prefixed; then log "installing configuration under $PREFIX"; fi

log "1/7 Debian packages"
PACKAGES=(curl ca-certificates xz-utils git ethtool polkitd)
if [ -n "$(missing_packages "${PACKAGES[@]}")" ]; then apt_update; fi
install_packages "${PACKAGES[@]}"
command -v nvidia-smi >/dev/null 2>&1 || warn "nvidia-smi not found: install the NVIDIA driver (Debian: apt install nvidia-driver) for GPU jobs; built-in CPU runners still work"

log "2/7 Node.js ${HEARTH_NODE_MAJOR} LTS (official tarball)"
ensure_node

log "3/7 agent user, data dir and code"
ensure_system_user hearth-agent /var/lib/hearth-agent
ensure_dir /etc/hearth 0750 root:hearth-agent
ensure_dir /var/lib/hearth-agent 0750 hearth-agent:hearth-agent
install_app "$REPO" gpu-agent

log "4/7 agent settings"
if [ -n "$ENV_FILE" ]; then
  put_file /etc/hearth/gpu-agent.env 0640 root:hearth-agent <"$ENV_FILE"
elif [ ! -f "$(rp /etc/hearth/gpu-agent.env)" ]; then
  warn "no --env-file: the agent cannot reach the hub until /etc/hearth/gpu-agent.env is filled in"
fi

log "5/7 NVIDIA persistence mode"
if [ -x "$(rp /usr/bin/nvidia-persistenced)" ] || [ -f "$(rp /lib/systemd/system/nvidia-persistenced.service)" ]; then
  sys systemctl enable --now nvidia-persistenced.service
else
  install_unit "$REPO/systemd/hearth-nvidia-persistence.service"
  sys systemctl enable hearth-nvidia-persistence.service
fi

log "6/7 Wake-on-LAN on $IFACE ($MAC), permission to suspend"
# A .link file sorts before 99-default.link and so replaces it for this NIC: keep its naming
# policy, or the interface would be renamed. udev applies it when the NIC appears; ethtool
# applies it right away.
put_file /etc/systemd/network/50-hearth-wol.link 0644 root:root <<LINK
# Hearth: managed by provisioning (pc/install.sh). Wake-on-LAN for the Hearth hub.
[Match]
MACAddress=$MAC

[Link]
NamePolicy=keep kernel database onboard slot path
AlternativeNamesPolicy=database onboard slot path
MACAddressPolicy=persistent
WakeOnLan=magic
LINK
sys ethtool -s "$IFACE" wol g
# The agent may suspend the PC, and nothing else (no poweroff, no reboot, no inhibitor override).
# "-multiple-sessions" is still plain suspend: logind asks for it when a family member is
# logged in on the desktop, which is the usual case on a family PC.
put_file /etc/polkit-1/rules.d/50-hearth-agent-suspend.rules 0644 root:root <<'RULES'
// Hearth: managed by provisioning (pc/install.sh). The GPU agent may suspend the PC when idle.
polkit.addRule(function (action, subject) {
  if (subject.user === "hearth-agent" &&
      (action.id === "org.freedesktop.login1.suspend" ||
       action.id === "org.freedesktop.login1.suspend-multiple-sessions")) {
    return polkit.Result.YES;
  }
  return polkit.Result.NOT_HANDLED;
});
RULES

log "7/7 service"
install_unit "$REPO/systemd/hearth-gpu-agent.service"
[ "$UNITS_CHANGED" = 0 ] || sys systemctl daemon-reload
sys systemctl enable hearth-gpu-agent.service
sys systemctl restart hearth-gpu-agent.service

cat <<DONE

Hearth GPU agent installed${PREFIX:+ under $PREFIX}.
  Wake-on-LAN:  enabled on $IFACE ($MAC); also enable "Wake on LAN" / "Power on by PCI-E" in the BIOS
  Logs:         journalctl -u hearth-gpu-agent -f
  Metrics:      http://<this PC>:9464/metrics
DONE
