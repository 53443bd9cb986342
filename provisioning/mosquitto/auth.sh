# shellcheck shell=sh
# Mosquitto users and ACL for Hearth. POSIX sh on purpose: sourced by the Pi installer (bash)
# and by the compose entrypoint inside the Alpine-based eclipse-mosquitto image (busybox sh).
#
# Users: `appliance`, `homeassistant`, and one `agent-<id>` per GPU agent.

# An agent id as protocol/src/mqtt-acl.ts isMqttAgentId defines it; anything else could widen an
# ACL pattern, and "appliance" would share the appliance's discovery node id (hearth_appliance).
hearth_valid_agent_id() {
  case "$1" in
    '' | *[!a-z0-9_-]* | [_-]* | appliance) return 1 ;;
  esac
  [ "${#1}" -le 48 ]
}

# hearth_mqtt_conf PASSWORD_FILE ACL_FILE [LISTENER_LINE]: broker settings for Hearth.
hearth_mqtt_conf() {
  printf '# Hearth: managed by provisioning (mosquitto/auth.sh); local edits are overwritten.\n'
  if [ -n "${3:-}" ]; then printf '%s\n' "$3"; fi
  printf 'allow_anonymous false\n'
  printf 'password_file %s\n' "$1"
  printf 'acl_file %s\n' "$2"
}

# hearth_mqtt_acl AGENT_ID...: the ACL, the same table as protocol/src/mqtt-acl.ts (the embedded
# broker's; a provisioning test compares them). Each client writes only its own topics; Home
# Assistant writes only commands and its birth message; nobody may write another's state.
hearth_mqtt_acl() {
  cat <<'ACL'
# Hearth MQTT ACL: managed by provisioning (mosquitto/auth.sh); local edits are overwritten.
# No topic is granted outside the user blocks below.

user appliance
topic readwrite hearth/appliance/#
topic read hearth/agent/#
topic read homeassistant/status
# Discovery for the appliance's own HA entities only.
topic write homeassistant/+/hearth_appliance/#

user homeassistant
topic read homeassistant/#
topic read hearth/#
topic write homeassistant/status
topic write hearth/appliance/cmd/#
topic write hearth/agent/+/cmd/#
ACL
  for id in "$@"; do
    hearth_valid_agent_id "$id" || { printf 'invalid agent id: %s\n' "$id" >&2; return 1; }
    printf '\nuser agent-%s\n' "$id"
    printf 'topic readwrite hearth/agent/%s/#\n' "$id"
    printf 'topic read hearth/appliance/#\n'
    printf 'topic read homeassistant/status\n'
    printf 'topic write homeassistant/+/hearth_%s/#\n' "$id"
  done
}

# hearth_mqtt_passwd FILE USER PASSWORD [USER PASSWORD]...: (re)create the password file with
# hashed entries. mosquitto_passwd writes to a temp file first, so a failure leaves FILE intact.
hearth_mqtt_passwd() {
  file=$1
  shift
  tmp="$file.new.$$"
  (umask 077 && : >"$tmp")
  while [ $# -ge 2 ]; do
    mosquitto_passwd -b "$tmp" "$1" "$2" || { rm -f "$tmp"; return 1; }
    shift 2
  done
  mv "$tmp" "$file"
}
