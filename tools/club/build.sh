# shellcheck shell=bash
# Sourced by ./club: the C build (cmake) and the web client's, and ./club build.

# --- the web client ---------------------------------------------------------------------

# Builds frontend/dist, which the edge serves at /. (./club test builds it as a test, web_build.)
build_frontend() {
  [ -x "$CLUB_REPO/frontend/build.sh" ] || return 0
  ensure_node
  say "building the web client (frontend/dist) ..."
  "$CLUB_REPO/frontend/build.sh" >"$CLUB_REPO/frontend/build.log" 2>&1 || {
    tail -n 40 "$CLUB_REPO/frontend/build.log" >&2
    die "the web client did not build (frontend/build.log)"
  }
}

# --- building ---------------------------------------------------------------------------

build_dir_for() { [ "$1" = 1 ] && echo "$CLUB_REPO/build-asan" || echo "$CLUB_REPO/build"; }

# Configures and builds everything into $1 (sanitizers when $2 = 1).
do_build() {
  local dir=$1 sanitize=$2 log
  mkdir -p "$dir"
  log="$dir/configure.log"
  say "building ${dir#"$CLUB_REPO"/}/ ..."
  if ! cmake -S "$CLUB_REPO" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCLUB_SANITIZE="$([ "$sanitize" = 1 ] && echo ON || echo OFF)" >"$log" 2>&1; then
    cat "$log" >&2
    say "cmake configure failed (output above)" >&2
    return 1
  fi
  if ! cmake --build "$dir" -j "$(nproc)"; then
    say "build failed (output above)" >&2
    return 1
  fi
}

# Builds one target quietly if its binary is missing (for invite/migrate on a built stack).
ensure_target() {
  local dir=$1 target=$2
  [ -x "$dir/$target" ] && return 0
  say "building $target ..."
  { cmake -S "$CLUB_REPO" -B "$dir" >/dev/null && cmake --build "$dir" -j "$(nproc)" --target "$target" >/dev/null; } ||
    die "could not build $target; run ./club build to see why"
}

cmd_build() {
  local sanitize=0
  while [ $# -gt 0 ]; do
    case $1 in
    --sanitize) sanitize=1 ;;
    *) die "build: unknown option $1 (see ./club build --help)" ;;
    esac
    shift
  done
  ensure_deps
  do_build "$(build_dir_for $sanitize)" "$sanitize" || exit 1
  say "built into $(build_dir_for $sanitize)/"
}
