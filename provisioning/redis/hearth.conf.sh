# shellcheck shell=sh
# Redis settings for Hearth, included at the end of Debian's /etc/redis/redis.conf so they win.

# hearth_redis_conf PASSWORD LAN_ADDRESS: AOF persistence, a password, loopback + LAN bind.
# The LAN address carries a leading '-' so Redis still starts when that address is gone
# (DHCP change): it then serves loopback only instead of failing.
hearth_redis_conf() {
  printf '# Hearth: managed by provisioning (redis/hearth.conf.sh); local edits are overwritten.\n'
  if [ -n "$2" ]; then
    printf 'bind 127.0.0.1 -::1 -%s\n' "$2"
  else
    printf 'bind 127.0.0.1 -::1\n'
  fi
  printf 'protected-mode yes\n'
  printf 'port 6379\n'
  printf 'requirepass %s\n' "$1"
  # bee-queue state must survive a power cut: append-only file, fsync every second.
  printf 'appendonly yes\n'
  printf 'appendfsync everysec\n'
  printf 'aof-use-rdb-preamble yes\n'
  # The Pi shares RAM with Chromium and the appliance; evicting queue keys would lose jobs.
  printf 'maxmemory 256mb\n'
  printf 'maxmemory-policy noeviction\n'
}
