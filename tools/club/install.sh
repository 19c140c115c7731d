# shellcheck shell=bash
# Sourced by ./club: the Debian packages and the Node that the build and the stack need.

PACKAGES=(build-essential cmake pkg-config libzmq3-dev libczmq-dev libwebsockets-dev libpq-dev
  libhiredis-dev libmsgpack-dev libjwt-dev libssl-dev libargon2-dev libcmocka-dev
  postgresql redis-server curl procps)

# --- installing -------------------------------------------------------------------------

# Installs the Debian packages that are missing, quietly when none is.
ensure_deps() {
  [ "${CLUB_SKIP_INSTALL:-0}" = 1 ] && return 0
  if ! command -v dpkg-query >/dev/null; then
    warn "not a Debian/Ubuntu system: install the equivalents of ${PACKAGES[*]} yourself and set CLUB_SKIP_INSTALL=1"
    return 0
  fi
  apt_install "${PACKAGES[@]}"
}

# Installs the Debian packages among $@ that are not installed yet (quiet when none is).
apt_install() {
  [ "${CLUB_SKIP_INSTALL:-0}" = 1 ] && return 0
  command -v dpkg-query >/dev/null || return 0
  local missing=() p st
  for p in "$@"; do
    # shellcheck disable=SC2016 # ${Status} is dpkg-query's, not ours
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || true
    [ "$st" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "missing packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) or install sudo"
    sudo=(sudo)
  fi
  say "installing ${missing[*]} ..."
  local log
  log=$(mktemp)
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >"$log" 2>&1 ||
    ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    die "could not install ${missing[*]} (apt-get output above); fix apt and run again"
  fi
  rm -f "$log"
}

# --- Node, for the web client -----------------------------------------------------------

NODE_MIN=20.19 # Vite 8 and its tooling
NODE_PKG_VERSION=22.23.3

node_ok() { # is the node on PATH at least NODE_MIN?
  local v
  v=$(node --version 2>/dev/null) || return 1
  v=${v#v}
  [ "$(printf '%s\n%s\n' "$NODE_MIN" "$v" | sort -V | head -n 1)" = "$NODE_MIN" ]
}

# Puts a Node >= NODE_MIN and npm on PATH: the system's when new enough, else a Node build
# from the npm registry (node-linux-<arch>) and npm 11, installed once into .tools/node.
ensure_node() {
  local tools=$CLUB_REPO/.tools/node arch
  if [ -x "$tools/node_modules/.bin/node" ]; then
    export PATH="$tools/node_modules/.bin:$PATH"
  fi
  node_ok && command -v npm >/dev/null && return 0
  command -v npm >/dev/null || apt_install nodejs npm
  command -v npm >/dev/null || die "npm is missing and could not be installed; install Node >= $NODE_MIN with npm"
  case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no Node >= $NODE_MIN for $(uname -m) on the npm registry; install one yourself" ;;
  esac
  say "installing Node $NODE_PKG_VERSION and npm 11 into .tools/node (the system Node is older than $NODE_MIN) ..."
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    "node-linux-$arch@$NODE_PKG_VERSION" npm@11 >/dev/null ||
    die "could not install Node from the npm registry (above)"
  ln -sf "../node-linux-$arch/bin/node" "$tools/node_modules/.bin/node"
  export PATH="$tools/node_modules/.bin:$PATH"
  node_ok || die "the Node installed into $tools does not run"
}
