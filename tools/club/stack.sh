# shellcheck shell=bash
# Sourced by ./club: ports, stack.env's first values, Postgres, Redis, migrations, and the
# commands that start, stop and show a stack (up, down, status, logs, migrate).

# --- ports ------------------------------------------------------------------------------

# Ports something listens on now (TCP, v4 and v6), one per line.
listening_ports() {
  local f local_addr st rest
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    while read -r _ local_addr _ st rest; do
      if [ "$st" = 0A ]; then echo $((16#${local_addr##*:})); fi
    done < <(tail -n +2 "$f")
  done
}

port_busy() {
  local busy
  busy=" $(listening_ports | tr '\n' ' ') "
  [[ $busy == *" $1 "* ]]
}

# Picks a random free port outside the kernel's ephemeral range into PICKED. It avoids what
# listens now, the ports this stack already has (they may be down), and the ports picked
# earlier in this run (CHOSEN). Random, so two stacks that are down at the same time are
# unlikely to have picked the same ports.
CHOSEN=" "
pick_port() {
  local lo=20000 hi=32767 elo=32768 ehi=60999 busy p i k ours=" "
  read -r elo ehi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  if [ "$elo" -gt 22000 ]; then
    hi=$((elo - 1))
  elif [ "$ehi" -lt 63000 ]; then
    lo=$((ehi + 1)) hi=65000
  fi
  for k in CLUB_HTTP_PORT CLUB_PG_PORT CLUB_REDIS_PORT CLUB_BROKER_FRONT CLUB_BROKER_BACK \
    CLUB_EVENTS_IN CLUB_EVENTS_OUT; do
    [ -z "${!k-}" ] || ours+="${!k##*:} "
  done
  busy=" $(listening_ports | tr '\n' ' ')$ours"
  for i in $(seq 500); do
    p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
    case "$busy$CHOSEN" in *" $p "*) continue ;; esac
    CHOSEN+="$p "
    PICKED=$p
    return 0
  done
  die "could not find a free TCP port between $lo and $hi"
}

# --- stack.env for a new stack ----------------------------------------------------------

# The OS user that owns and runs Postgres: the caller, or when that is root an unprivileged
# system user (Postgres refuses to run as root).
pg_osuser() {
  if ! is_root; then
    id -un
    return
  fi
  if ! id -u club >/dev/null 2>&1; then
    if useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin club >/dev/null 2>&1; then
      say "created system user 'club' to run Postgres" >&2
    elif id -u postgres >/dev/null 2>&1; then
      echo postgres
      return
    else
      die "running as root, and cannot create a user to run Postgres: create one (useradd --system club) and run again"
    fi
  fi
  echo club
}

# Runs a command as the Postgres OS user, from / (the caller's folder may be unreadable).
pg_as() {
  if is_root; then
    (cd / && runuser -u "$CLUB_PG_OSUSER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# mkdir owned by the Postgres user, mode 700.
pg_mkdir() {
  if is_root; then
    install -d -m 700 -o "$CLUB_PG_OSUSER" -g "$(id -gn "$CLUB_PG_OSUSER")" "$@"
  else
    install -d -m 700 "$@"
  fi
}

# Decides where Postgres keeps its data: under $CLUB_VAR when its user can reach it, else
# under /var/tmp/club-<hash of CLUB_VAR> (a clone under /root is not traversable by other
# users). The socket folder moves there too when its path would be too long for a socket.
pg_place() {
  local hash home sock
  hash=$(printf '%s' "$CLUB_VAR" | sha256sum | cut -c1-12)
  home=$CLUB_VAR
  if is_root && ! (cd / && runuser -u "$CLUB_PG_OSUSER" -- test -x "$CLUB_VAR") 2>/dev/null; then
    home=/var/tmp/club-$hash
    say "$CLUB_VAR is not reachable by user $CLUB_PG_OSUSER; keeping Postgres data in $home"
  fi
  sock=$home/run/pg
  [ ${#sock} -gt 80 ] && sock=/var/tmp/club-$hash/run
  CLUB_PG_HOME=$home
  CLUB_PG_DATA=$home/pg
  CLUB_PG_SOCKDIR=$sock
  if [ "$home" = "$CLUB_VAR" ]; then
    CLUB_PG_LOG=$LOG_DIR/postgres.log
  else
    CLUB_PG_LOG=$home/postgres.log
  fi
}

# Creates stack.env on first use, and fills in anything it lacks. $1 = the HTTP port to use
# ("" keeps the saved one, or 8080 for a new stack).
env_init() {
  local http=$1
  mkdir -p "$CLUB_VAR" "$LOG_DIR" "$RUN_DIR" "$REDIS_DIR"
  load_env || say "new stack in $CLUB_VAR"
  [ -n "$http" ] && CLUB_HTTP_PORT=$http
  : "${CLUB_HTTP_PORT:=8080}"
  if [ -z "${CLUB_PG_PORT-}" ]; then pick_port && CLUB_PG_PORT=$PICKED; fi
  if [ -z "${CLUB_REDIS_PORT-}" ]; then pick_port && CLUB_REDIS_PORT=$PICKED; fi
  local k
  for k in CLUB_BROKER_FRONT CLUB_BROKER_BACK CLUB_EVENTS_IN CLUB_EVENTS_OUT; do
    if [ -z "${!k-}" ]; then pick_port && printf -v "$k" 'tcp://127.0.0.1:%s' "$PICKED"; fi
  done
  # The JWT secret is made once and kept: tokens stay valid across restarts.
  [ -n "${CLUB_JWT_SECRET-}" ] || CLUB_JWT_SECRET=$(random_hex 32)
  [ -n "${CLUB_PG_PASSWORD-}" ] || CLUB_PG_PASSWORD=$(random_hex 16)
  # The CURVE certificates of the internal sockets: made once (ensure_keys), kept with the stack.
  [ -n "${CLUB_CURVE_DIR-}" ] || CLUB_CURVE_DIR=$CLUB_VAR/keys
  [ -n "${CLUB_PG_OSUSER-}" ] || CLUB_PG_OSUSER=$(pg_osuser)
  [ -n "${CLUB_PG_DATA-}" ] || pg_place
  CLUB_PG="host=127.0.0.1 port=$CLUB_PG_PORT dbname=club user=club password=$CLUB_PG_PASSWORD"
  CLUB_REDIS=127.0.0.1:$CLUB_REDIS_PORT
  write_env
  load_env
}

# Gives a new port to any saved port that another program now listens on. Called before
# starting the piece that uses it, while that piece is down.
repick_if_taken() { # key...
  local k v port changed=0
  for k in "$@"; do
    v=${!k}
    port=${v##*:}
    port_busy "$port" || continue
    pick_port
    say "port $port ($k) is taken by another program; using $PICKED instead"
    case $v in *:*) printf -v "$k" '%s:%s' "${v%:*}" "$PICKED" ;; *) printf -v "$k" '%s' "$PICKED" ;; esac
    changed=1
  done
  if [ $changed = 1 ]; then
    CLUB_PG="host=127.0.0.1 port=$CLUB_PG_PORT dbname=club user=club password=$CLUB_PG_PASSWORD"
    CLUB_REDIS=127.0.0.1:$CLUB_REDIS_PORT
    write_env
    load_env
  fi
}

# --- Postgres ---------------------------------------------------------------------------

# The Postgres binaries: the version the data was made with, else the newest installed.
pg_bindir() {
  local v=""
  [ -f "$CLUB_PG_DATA/PG_VERSION" ] && v=$(cat "$CLUB_PG_DATA/PG_VERSION")
  if [ -z "$v" ]; then
    v=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1) || true
  fi
  if [ -z "$v" ] || [ ! -x "/usr/lib/postgresql/$v/bin/postgres" ]; then
    die "Postgres ${v:-server} binaries not found in /usr/lib/postgresql/${v:-*}/bin; install package postgresql${v:+-$v}"
  fi
  echo "/usr/lib/postgresql/$v/bin"
}

# (The postmaster's command line names its data folder: a stale postmaster.pid whose pid now
# belongs to another Postgres does not count.)
pg_running() { pid_alive "$CLUB_PG_DATA/postmaster.pid" "$CLUB_PG_DATA"; }

# psql as the superuser over the socket; SQL on stdin.
pg_psql_super() {
  pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CLUB_PG_SOCKDIR" -p "$CLUB_PG_PORT" \
    -U postgres -d postgres
}

# The settings ./club owns, rewritten on every start; put your own in local.conf beside it.
pg_write_conf() {
  local conf=$CLUB_PG_DATA/club.conf mem_mb
  # Buffers a quarter of RAM (128 MB .. 8 GB): the ledger, rounds and idem indexes take
  # inserts all over, and once they outgrow the buffers every settle waits on evictions.
  mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo 2>/dev/null || echo 1024)
  local buffers_mb=$((mem_mb / 4)) cache_mb=$((mem_mb / 2))
  [ "$buffers_mb" -ge 128 ] || buffers_mb=128
  [ "$buffers_mb" -le 8192 ] || buffers_mb=8192
  cat >"$conf" <<EOF
# Written by ./club on every start. Put local changes in local.conf (read after this file).
listen_addresses = '127.0.0.1'
port = $CLUB_PG_PORT
unix_socket_directories = '$CLUB_PG_SOCKDIR'
# Durable: a commit is on disk before its reply goes out.
fsync = on
synchronous_commit = on
full_page_writes = on
# Sized for this box: buffers and cache from its ${mem_mb} MB of RAM.
max_connections = 200
shared_buffers = ${buffers_mb}MB
wal_buffers = 16MB
checkpoint_timeout = 15min
max_wal_size = 2GB
effective_cache_size = ${cache_mb}MB
work_mem = 8MB
maintenance_work_mem = 128MB
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
EOF
  [ -f "$CLUB_PG_DATA/local.conf" ] || echo "# Your own Postgres settings; they override club.conf." >"$CLUB_PG_DATA/local.conf"
  is_root && chown "$CLUB_PG_OSUSER" "$conf" "$CLUB_PG_DATA/local.conf"
  grep -q "^include_if_exists = 'club.conf'" "$CLUB_PG_DATA/postgresql.conf" ||
    printf "\ninclude_if_exists = 'club.conf'\ninclude_if_exists = 'local.conf'\n" >>"$CLUB_PG_DATA/postgresql.conf"
}

pg_start() {
  PGBIN=$(pg_bindir)
  if pg_running; then return 0; fi
  repick_if_taken CLUB_PG_PORT
  # Never chown $CLUB_VAR itself: only the folders Postgres owns.
  [ "$CLUB_PG_HOME" = "$CLUB_VAR" ] || pg_mkdir "$CLUB_PG_HOME"
  mkdir -p "$(dirname "$CLUB_PG_SOCKDIR")"
  pg_mkdir "$CLUB_PG_SOCKDIR"
  if [ "$CLUB_PG_LOG" != "$LOG_DIR/postgres.log" ]; then
    ln -sfn "$CLUB_PG_LOG" "$LOG_DIR/postgres.log"
  fi
  touch "$CLUB_PG_LOG"
  is_root && chown "$CLUB_PG_OSUSER" "$CLUB_PG_LOG"
  if [ ! -f "$CLUB_PG_DATA/PG_VERSION" ]; then
    say "creating Postgres cluster in $CLUB_PG_DATA ..."
    pg_mkdir "$CLUB_PG_DATA"
    if ! pg_as "$PGBIN/initdb" -D "$CLUB_PG_DATA" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1; then
      tail -n 20 "$LOG_DIR/initdb.log" >&2
      die "initdb failed (see $LOG_DIR/initdb.log)"
    fi
  fi
  pg_write_conf
  say "starting postgres on 127.0.0.1:$CLUB_PG_PORT ..."
  if ! pg_as "$PGBIN/pg_ctl" -D "$CLUB_PG_DATA" -l "$CLUB_PG_LOG" -w -t 60 start >/dev/null 9>&-; then
    tail -n 20 "$CLUB_PG_LOG" >&2
    die "postgres did not start (log above, all of it in $LOG_DIR/postgres.log)"
  fi
  # The application role and database; the password follows stack.env.
  pg_psql_super <<SQL >/dev/null || die "could not create the role and database club (see $LOG_DIR/postgres.log)"
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'club') THEN CREATE ROLE club LOGIN; END IF;
END \$\$;
ALTER ROLE club WITH LOGIN PASSWORD '$CLUB_PG_PASSWORD';
SELECT 'CREATE DATABASE club OWNER club' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'club')\gexec
SQL
}

pg_stop() {
  [ -n "${CLUB_PG_DATA-}" ] || return 0
  pg_running || return 0
  PGBIN=$(pg_bindir)
  say "stopping postgres ..."
  pg_as "$PGBIN/pg_ctl" -D "$CLUB_PG_DATA" -m fast -w -t 60 stop >/dev/null ||
    warn "postgres did not stop; see $LOG_DIR/postgres.log"
}

# --- Redis ------------------------------------------------------------------------------

redis_running() { pid_alive "$RUN_DIR/redis.pid" redis-server; }

redis_start() {
  redis_running && return 0
  repick_if_taken CLUB_REDIS_PORT
  say "starting redis on 127.0.0.1:$CLUB_REDIS_PORT ..."
  mkdir -p "$REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$CLUB_REDIS_PORT" --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$LOG_DIR/redis.log" \
    --save '' --appendonly no 9>&- || die "redis-server would not start (see $LOG_DIR/redis.log)"
  local i
  for i in $(seq 100); do
    [ "$(redis-cli -h 127.0.0.1 -p "$CLUB_REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  tail -n 20 "$LOG_DIR/redis.log" >&2 || true
  die "redis did not start (see $LOG_DIR/redis.log)"
}

redis_stop() {
  redis_running || return 0
  local pid
  pid=$(pid_of "$RUN_DIR/redis.pid")
  say "stopping redis ..."
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN_DIR/redis.pid"
}

# --- starting and stopping the whole stack ----------------------------------------------

http_host() {
  case ${CLUB_HTTP_HOST:-} in "" | 0.0.0.0 | "::" | "*") echo 127.0.0.1 ;; *) echo "$CLUB_HTTP_HOST" ;; esac
}

# Waits until the edge answers /healthz, then (up to 10 s more, without failing) until every
# actor answers on its metrics port, so the first test does not race the workers' start.
wait_healthy() {
  local limit=${1:-60} url i f deadline
  url="http://$(http_host):$CLUB_HTTP_PORT/healthz"
  say "waiting for $url ..."
  for ((i = 0; i < limit * 5; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      deadline=$(($(now_ms) + 10000))
      for f in "$RUN_DIR"/actor-*.metrics-port; do
        until curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$(cat "$f")/healthz" 2>/dev/null; do
          [ "$(now_ms)" -lt "$deadline" ] || break
          sleep 0.1
        done
      done
      return 0
    fi
    supervisor_running || {
      warn "the supervisor exited"
      return 1
    }
    sleep 0.2
  done
  warn "no answer from $url after $limit s"
  return 1
}

# Prints the last lines of every process log.
log_tails() {
  local f
  for f in "$LOG_DIR"/*.log; do
    if [ ! -s "$f" ] || [ "$f" = "$LOG_DIR/initdb.log" ]; then continue; fi
    printf '\n----- %s (last %s lines) -----\n' "$f" "${1:-30}"
    tail -n "${1:-30}" "$f"
  done
}

print_urls() {
  local p=$CLUB_HTTP_PORT
  cat <<EOF

Casino-Club is up (stack in $CLUB_VAR)
  web       http://localhost:$p/
  websocket ws://localhost:$p/ws
  metrics   http://localhost:$p/metrics   (workers: ./club status)
  health    http://localhost:$p/healthz
  postgres  127.0.0.1:$CLUB_PG_PORT  database club  (./club psql)
  redis     127.0.0.1:$CLUB_REDIS_PORT
  broker    $CLUB_BROKER_FRONT (front)  $CLUB_BROKER_BACK (back)
  logs      $LOG_DIR  (./club logs [NAME])
EOF
  local codes
  codes=$(seeded_invites)
  if [ -n "$codes" ]; then
    printf '\nRegister with one of these invite codes (more: ./club invite --rank VIP):\n'
    printf '%s\n' "$codes" | sed 's/^/  /'
  else
    printf '\nCreate an invite code to register with:  ./club invite --rank VIP\n'
  fi
}

# Postgres, Redis, migrations, then the supervisor. Assumes the build in $CLUB_BUILD_DIR
# is done and stack.env is loaded. Dies on failure; the caller then waits for health.
# (Never call it in a condition: that would switch off set -e inside.)
stack_start() {
  pg_start
  redis_start
  say "migrating ..."
  if ! "$CLUB_BUILD_DIR/club-migrate" --dir "$CLUB_REPO/migrations" | sed 's/^/  /'; then
    die "migration failed (above); fix the file and start again"
  fi
  seed_invites
  repick_if_taken CLUB_BROKER_FRONT CLUB_BROKER_BACK CLUB_EVENTS_IN CLUB_EVENTS_OUT
  start_supervisor
}

SEED_NOTE="seeded by ./club up"

# A new stack gets one invite code per rank, so the first players can register at once.
seed_invites() {
  local n rank
  n=$("$(pg_bindir)/psql" -d "$CLUB_PG" -Atqc "SELECT count(*) FROM invites") ||
    die "cannot read the invites table (above)"
  [ "$n" = 0 ] || return 0
  for rank in STANDARD PREMIUM VIP; do
    CLUB_PG=$CLUB_PG "$CLUB_BUILD_DIR/club-tool" invite --rank $rank --uses 25 \
      --note "$SEED_NOTE" >/dev/null || die "could not seed the $rank invite code"
  done
  say "seeded invite codes (25 uses each): ./club invites"
}

# The seeded codes that still have uses, one "RANK CODE (N uses left)" line each.
seeded_invites() {
  "$(pg_bindir)/psql" -d "$CLUB_PG" -Atqc "SELECT rank || '  ' || code || '  (' || uses_left ||
    ' uses left)' FROM invites WHERE note = '$SEED_NOTE' AND uses_left > 0 AND
    (expires_at IS NULL OR expires_at > now()) ORDER BY uses_left DESC, rank" 2>/dev/null || true
}

stack_down() {
  supervisor_stop
  redis_stop
  pg_stop
}

# --- subcommands ------------------------------------------------------------------------

cmd_up() {
  local detach=0 sanitize=0
  while [ $# -gt 0 ]; do
    case $1 in
    -d | --detach) detach=1 ;;
    --sanitize) sanitize=1 ;;
    *) die "up: unknown option $1 (see ./club up --help)" ;;
    esac
    shift
  done
  if load_env 2>/dev/null && supervisor_running; then
    say "the stack in $CLUB_VAR is already running"
    cmd_status || true
    return 0
  fi
  ensure_deps
  local build
  build=$(build_dir_for $sanitize)
  do_build "$build" "$sanitize" || die "the build failed; nothing was started"
  build_frontend
  if [ $sanitize = 1 ]; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  fi
  lock_stack
  env_init "${USER_HTTP_PORT-}"
  CLUB_BUILD_DIR=$build
  if supervisor_running; then # started by someone else while we were building
    unlock_stack
    say "the stack in $CLUB_VAR is already running"
    return 0
  fi
  supervisor_stop # children a killed supervisor left behind hold their ports
  if port_busy "$CLUB_HTTP_PORT"; then
    die "port $CLUB_HTTP_PORT (CLUB_HTTP_PORT) is in use by another program; pick another: CLUB_HTTP_PORT=8081 ./club up"
  fi
  write_env
  if [ $detach = 0 ]; then trap 'up_interrupted' INT TERM HUP; fi
  stack_start
  if ! wait_healthy 60; then
    log_tails 20
    unlock_stack
    if [ $detach = 1 ]; then
      die "the stack did not become healthy (log tails above); it is still running for you to look at: ./club logs, ./club down"
    fi
    stack_down
    die "the stack did not become healthy (log tails above)"
  fi
  unlock_stack
  print_urls
  if [ $detach = 1 ]; then
    printf "\nIt runs in the background: ./club status, ./club logs, ./club down.\n"
    return 0
  fi
  echo "Logs follow; Ctrl-C stops everything."
  echo
  local logs=() n
  while read -r n; do logs+=("$LOG_DIR/$n.log"); done <"$RUN_DIR/children"
  tail -q -n 0 -F "$LOG_DIR/supervisor.log" "${logs[@]}" 2>/dev/null &
  TAIL_PID=$!
  while supervisor_running; do
    sleep 1 &
    wait $! || true
  done
  kill "$TAIL_PID" 2>/dev/null || true
  trap - INT TERM HUP
  lock_stack # if ./club down stopped it, let that finish first
  say "the supervisor has stopped; stopping the rest"
  stack_down
  unlock_stack
}

up_interrupted() {
  trap - INT TERM HUP
  trap '' PIPE # the terminal may be gone (HUP): stop everything even if nothing can be printed
  set +e
  [ -n "${TAIL_PID-}" ] && kill "$TAIL_PID" 2>/dev/null
  echo
  say "stopping ..."
  stack_down
  say "stopped"
  exit 0
}

cmd_down() {
  [ $# -eq 0 ] || die "down takes no arguments"
  if ! load_env; then
    say "no stack in $CLUB_VAR"
    return 0
  fi
  lock_stack
  stack_down
  unlock_stack
  say "stopped the stack in $CLUB_VAR"
}

cmd_status() {
  require_env
  local n f state extra total=0 alive=0 restarts
  printf 'stack in %s\n' "$CLUB_VAR"
  printf '  %-18s %-8s %-6s %s\n' NAME PID STATE WHERE
  row() { # name pid alive(0/1) where
    total=$((total + 1))
    if [ "$3" = 1 ]; then
      state=up
      alive=$((alive + 1))
    else
      state=down
    fi
    printf '  %-18s %-8s %-6s %s\n' "$1" "${2:--}" "$state" "$4"
  }
  if pg_running; then
    row postgres "$(pid_of "$CLUB_PG_DATA/postmaster.pid")" 1 "127.0.0.1:$CLUB_PG_PORT  data $CLUB_PG_DATA"
  else
    row postgres "" 0 "127.0.0.1:$CLUB_PG_PORT  data $CLUB_PG_DATA"
  fi
  if redis_running; then row redis "$(pid_of "$RUN_DIR/redis.pid")" 1 "127.0.0.1:$CLUB_REDIS_PORT"; else row redis "" 0 "127.0.0.1:$CLUB_REDIS_PORT"; fi
  if supervisor_running; then row supervisor "$(pid_of "$RUN_DIR/supervisor.pid")" 1 "restarts children that exit"; else row supervisor "" 0 ""; fi
  local names=()
  if [ -f "$RUN_DIR/children" ]; then mapfile -t names <"$RUN_DIR/children"; else mapfile -t names < <(child_names); fi
  for n in "${names[@]}"; do
    case $n in
    broker) extra="front $CLUB_BROKER_FRONT  back $CLUB_BROKER_BACK  events $CLUB_EVENTS_IN -> $CLUB_EVENTS_OUT" ;;
    edge) extra="http://$(http_host):$CLUB_HTTP_PORT/  ws://$(http_host):$CLUB_HTTP_PORT/ws" ;;
    *) extra="" ;;
    esac
    [ -f "$RUN_DIR/$n.metrics-port" ] && extra="metrics :$(cat "$RUN_DIR/$n.metrics-port")${extra:+  $extra}"
    restarts=$(cat "$RUN_DIR/$n.restarts" 2>/dev/null || echo 0)
    [ "$restarts" != 0 ] && extra="$extra  (restarted $restarts times)"
    f=$RUN_DIR/$n.pid
    if pid_alive "$f" "$(child_bin "$n")"; then row "$n" "$(pid_of "$f")" 1 "$extra"; else row "$n" "" 0 "$extra"; fi
  done
  printf 'logs in %s\n' "$LOG_DIR"
  [ $alive -eq $total ] && return 0
  [ $alive -eq 0 ] && return 3
  return 1
}

cmd_logs() {
  local follow=1 lines=50 files=()
  while [ $# -gt 0 ]; do
    case $1 in
    -n) lines=${2:?-n needs a number}; shift ;;
    --no-follow) follow=0 ;;
    -*) die "logs: unknown option $1 (see ./club logs --help)" ;;
    *) files+=("$LOG_DIR/$1.log") ;;
    esac
    shift
  done
  [ -d "$LOG_DIR" ] || die "no logs in $LOG_DIR (no stack there yet?)"
  if [ ${#files[@]} -eq 0 ]; then
    files=("$LOG_DIR"/*.log)
  else
    for f in "${files[@]}"; do
      [ -e "$f" ] || die "no log $f; the logs are: $(cd "$LOG_DIR" && printf '%s ' *.log | sed 's/\.log//g')"
    done
  fi
  [ ${#files[@]} -gt 0 ] || die "no logs in $LOG_DIR yet"
  if [ $follow = 1 ]; then
    exec tail -n "$lines" -F "${files[@]}"
  else
    tail -n "$lines" "${files[@]}"
  fi
}

# Applies pending migrations to the running stack, or lists them (--status).
cmd_migrate() { run_tool club-migrate --dir "$CLUB_REPO/migrations" "$@"; }
