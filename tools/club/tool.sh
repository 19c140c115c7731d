# shellcheck shell=bash
# Sourced by ./club: the club-tool and psql passthroughs (invite, invites, psql, verify, sim).

# Runs a club-* tool of the stack's build against the stack's database.
run_tool() { # binary args...
  require_env
  local bin=$1
  shift
  [ -n "${CLUB_BUILD_DIR-}" ] || CLUB_BUILD_DIR=$CLUB_REPO/build
  pg_running || die "postgres of the stack in $CLUB_VAR is not running; start the stack with ./club up"
  ensure_target "$CLUB_BUILD_DIR" "$bin"
  exec "$CLUB_BUILD_DIR/$bin" "$@"
}

# The fairness commands need no stack: the server's game code runs inside club-tool.
cmd_fairplay() { # verify|sim args...
  [ -n "${CLUB_BUILD_DIR-}" ] || CLUB_BUILD_DIR=$CLUB_REPO/build
  ensure_target "$CLUB_BUILD_DIR" club-tool
  exec "$CLUB_BUILD_DIR/club-tool" "$@"
}

cmd_invite() { run_tool club-tool invite "$@"; }
cmd_invites() { run_tool club-tool invites "$@"; }

cmd_psql() {
  require_env
  pg_running || die "postgres of the stack in $CLUB_VAR is not running; start the stack with ./club up"
  PGBIN=$(pg_bindir)
  exec "$PGBIN/psql" -d "$CLUB_PG" "$@"
}
