#!/bin/sh
# Entrypoint of the mosquitto service in compose.yml (eclipse-mosquitto image, busybox sh):
# builds the password file and ACL from the passwords in .env, then runs the broker.
set -eu
# shellcheck source=auth.sh
. /hearth/auth.sh

: "${MQTT_APPLIANCE_PASSWORD:?set MQTT_APPLIANCE_PASSWORD in .env}"
: "${MQTT_HOMEASSISTANT_PASSWORD:?set MQTT_HOMEASSISTANT_PASSWORD in .env}"
: "${MQTT_AGENT_PASSWORD:?set MQTT_AGENT_PASSWORD in .env}"
AGENT_ID=${AGENT_ID:-gpu-pc}

dir=/mosquitto/auth
mkdir -p "$dir"
hearth_mqtt_acl "$AGENT_ID" >"$dir/acl"
hearth_mqtt_passwd "$dir/passwd" appliance "$MQTT_APPLIANCE_PASSWORD" homeassistant "$MQTT_HOMEASSISTANT_PASSWORD" "agent-$AGENT_ID" "$MQTT_AGENT_PASSWORD"
hearth_mqtt_conf "$dir/passwd" "$dir/acl" "listener 1883" >"$dir/mosquitto.conf"
printf 'persistence true\npersistence_location /mosquitto/data/\nlog_dest stdout\n' >>"$dir/mosquitto.conf"
chown -R mosquitto:mosquitto "$dir"
chmod 0700 "$dir"
chmod 0600 "$dir/passwd" "$dir/acl"
exec mosquitto -c "$dir/mosquitto.conf"
