# shellcheck shell=bash
# Sourced by ./club: messages, pid and lock helpers, the stack's paths and stack.env.

# What stack.env holds. These describe one stack, so stack.env wins over the environment for
# them (a stale CLUB_PG exported in a shell must not point a command at another stack).
STACK_KEYS=(CLUB_HTTP_PORT CLUB_PG_PORT CLUB_REDIS_PORT CLUB_PG CLUB_REDIS
  CLUB_BROKER_FRONT CLUB_BROKER_BACK CLUB_EVENTS_IN CLUB_EVENTS_OUT CLUB_JWT_SECRET
  CLUB_PG_PASSWORD CLUB_PG_OSUSER CLUB_PG_HOME CLUB_PG_DATA CLUB_PG_SOCKDIR CLUB_PG_LOG
  CLUB_BUILD_DIR CLUB_CURVE_DIR)

# The workers to start: CLUB_ACTORS, else every domain with its default worker count, as the
# built club-actor lists them (one NAME[:SHARDS] per folder under actors/), so adding a
# domain needs no edit here.
actor_specs() {
  if [ -n "${CLUB_ACTORS:-}" ]; then
    echo "$CLUB_ACTORS"
  else
    "$CLUB_BUILD_DIR/club-actor" --list | tr '\n' ' '
  fi
}

# --- small helpers ----------------------------------------------------------------------

say() { printf 'club: %s\n' "$*"; }
warn() { printf 'club: warning: %s\n' "$*" >&2; }
die() {
  printf 'club: error: %s\n' "$*" >&2
  exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }
now_ms() { echo $((${EPOCHREALTIME//[.,]/} / 1000)); }

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# Sets the paths of the stack in $CLUB_VAR.
set_paths() {
  case $CLUB_VAR in
  /*) ;;
  *) CLUB_VAR="$PWD/$CLUB_VAR" ;;
  esac
  case $CLUB_VAR in
  *[\'\"\$\`\\]* | *$'\n'*) die "CLUB_VAR=$CLUB_VAR: use a path without quotes, \$, \` or backslashes" ;;
  esac
  export CLUB_VAR
  LOG_DIR=$CLUB_VAR/log
  RUN_DIR=$CLUB_VAR/run
  REDIS_DIR=$CLUB_VAR/redis
  ENV_FILE=$CLUB_VAR/stack.env
}

# Is process $1 alive and (given $2) running a command line that contains $2? The check of
# the command line keeps a recycled pid from passing for one of ours.
proc_alive() {
  local cmd
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  kill -0 "$1" 2>/dev/null || return 1
  [ -z "${2-}" ] && return 0
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}
# The same for the pid in pidfile $1.
pid_alive() {
  local pid
  [ -f "$1" ] || return 1
  read -r pid <"$1" 2>/dev/null || return 1
  proc_alive "$pid" "${2-}"
}
pid_of() { if [ -f "$1" ]; then head -n 1 "$1" 2>/dev/null || true; fi; }

# Waits up to $2 seconds for pid $1 to exit; returns 1 if it is still there.
wait_gone() {
  local pid=$1 deadline=$(($(now_ms) + $2 * 1000))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# Locks the stack folder while starting or stopping, so two commands do not race. Every
# long-lived process started under the lock is given 9>&- so it does not keep it.
lock_stack() {
  mkdir -p "$CLUB_VAR"
  exec 9>"$CLUB_VAR/.lock"
  if ! flock -w 120 9; then
    die "another ./club up or down has been starting or stopping the stack in $CLUB_VAR for 2 minutes; wait for it, or stop it (ps -ef | grep club)"
  fi
}
unlock_stack() { exec 9>&-; }

# --- stack.env --------------------------------------------------------------------------

load_env() {
  [ -f "$ENV_FILE" ] || return 1
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
}

require_env() {
  load_env || die "no stack in $CLUB_VAR (no stack.env yet): start one with ./club up"
}

write_env() {
  local k tmp="$ENV_FILE.tmp"
  {
    echo "# The Casino-Club stack in $CLUB_VAR: ports, conninfo, secrets. Written by ./club,"
    echo "# read by every ./club command (and usable as a systemd EnvironmentFile)."
    for k in "${STACK_KEYS[@]}"; do printf '%s="%s"\n' "$k" "${!k-}"; done
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}
