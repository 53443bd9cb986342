# shellcheck shell=bash
# Sourced by the scripts that keep a venv or a root outside the repo (HA, llama.cpp, Piper,
# schemathesis). Each copy lives at <cache>/<name>-<key>, keyed by its lock file's hash, so a
# changed lock makes a new one and an unchanged lock costs nothing. A marker written last tells a
# finished install from an interrupted one; a flock makes parallel callers (test files asking at
# once) wait for one install; copies of older keys are dropped once a new one is complete.
#   HEARTH_CACHE_DIR  where they are kept (default ~/.cache/hearth)

# cached_init NAME KEY: sets $cached (the copy's path).
cached_init() {
  cached_cache="${HEARTH_CACHE_DIR:-$HOME/.cache/hearth}"
  cached_name=$1
  cached="$cached_cache/$1-$2"
  cached_marker="$cached/.hearth-complete"
}

cached_ready() { [ -f "$cached_marker" ]; }

# Returns holding the lock (fd 9); callers check cached_ready again, another caller may have finished.
cached_lock() {
  mkdir -p "$cached_cache"
  exec 9>"$cached.lock"
  flock 9
}

# How another key's copy is removed; a script may define its own after sourcing this file.
cached_remove() { rm -rf "$1"; }

# Marks the copy complete and removes the other keys' copies. Copies named *-lockgen (a
# maintainer's lock-writing root) are kept.
cached_finish() {
  local old
  date -u +%FT%TZ >"$cached_marker"
  for old in "$cached_cache/$cached_name"-*; do
    case "$old" in "$cached" | "$cached.lock" | *-lockgen | *-lockgen.lock) ;; *) cached_remove "$old" ;; esac
  done
}
