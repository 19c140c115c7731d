# shellcheck shell=bash
# Sourced by ./club: ./club bench.

# The load tester (bench/README.md), aimed at this stack's edge unless --url is given.
cmd_bench() {
  [ -n "${CLUB_BUILD_DIR-}" ] || CLUB_BUILD_DIR=$CLUB_REPO/build
  if [ ! -x "$CLUB_BUILD_DIR/bench/club-bench" ]; then
    say "building club-bench ..."
    { cmake -S "$CLUB_REPO" -B "$CLUB_BUILD_DIR" >/dev/null &&
      cmake --build "$CLUB_BUILD_DIR" -j "$(nproc)" --target club-bench >/dev/null; } ||
      die "could not build club-bench; run ./club build to see why"
  fi
  local args=("$@")
  case " $* " in
  *" --url "* | *" --url="* | *" --help "* | *" -h "*) ;;
  *) if load_env 2>/dev/null; then args+=(--url "ws://127.0.0.1:$CLUB_HTTP_PORT/ws"); fi ;;
  esac
  exec "$CLUB_BUILD_DIR/bench/club-bench" "${args[@]}"
}
