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

# Does this verify or sim read a gacha banner from Postgres (--game gacha --banner ID)?
# --banner-file and --help need no database.
fairplay_needs_pg() { # verify|sim args...
  local a prev="" gacha=0 banner=0
  shift
  for a; do
    case $a in
    -h | --help | --banner-file | --banner-file=*) return 1 ;;
    --game=gacha) gacha=1 ;;
    --banner | --banner=*) banner=1 ;;
    gacha) [ "$prev" = --game ] && gacha=1 ;;
    esac
    prev=$a
  done
  [ $gacha = 1 ] && [ $banner = 1 ]
}

# The fairness commands need no stack: the server's game code runs inside club-tool. Only a
# gacha banner named by --banner is read from the stack's Postgres (CLUB_PG of stack.env).
cmd_fairplay() { # verify|sim args...
  if fairplay_needs_pg "$@"; then
    load_env || die "--banner reads the banner from the stack's Postgres, but there is no stack in $CLUB_VAR (no stack.env): start one with ./club up, or give the banner as a file with --banner-file FILE"
    pg_running || die "--banner reads the banner from the stack's Postgres, which is not running in $CLUB_VAR: start it with ./club up, or give the banner as a file with --banner-file FILE"
  fi
  [ -n "${CLUB_BUILD_DIR-}" ] || CLUB_BUILD_DIR=$CLUB_REPO/build
  ensure_target "$CLUB_BUILD_DIR" club-tool
  exec "$CLUB_BUILD_DIR/club-tool" "$@"
}

cmd_invite() { run_tool club-tool invite "$@"; }
cmd_invites() { run_tool club-tool invites "$@"; }
cmd_gacha_rates() { run_tool club-tool gacha-rates "$@"; }

cmd_psql() {
  require_env
  pg_running || die "postgres of the stack in $CLUB_VAR is not running; start the stack with ./club up"
  PGBIN=$(pg_bindir)
  exec "$PGBIN/psql" -d "$CLUB_PG" "$@"
}
