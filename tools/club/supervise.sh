# shellcheck shell=bash
# Sourced by ./club: the supervisor (./club _supervise) that runs and restarts the broker,
# the actors and the edge, and how up and down start and stop it.

# One JSON line, like the C processes write (lib/log.c), for the supervisor's own log.
json_log() { # level event message
  local msg=${3//\\/\\\\}
  msg=${msg//\"/\\\"}
  printf '{"ts":"%s","lvl":"%s","proc":"club-supervisor","event":"%s","msg":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" "$msg"
}

# --- the processes and their supervisor -------------------------------------------------

# The child names, in start order: broker, the actors of CLUB_ACTORS, edge.
# CLUB_ACTORS is a list of domain[:shards]; "wallet:2" is two workers, actor-wallet-0 and -1,
# started with --shard i --shards 2; a domain without :n is one worker without shard flags.
child_names() {
  local spec d n i seen=" "
  echo broker
  for spec in $(actor_specs); do
    d=${spec%%:*}
    n=1
    [ "$spec" != "$d" ] && n=${spec#*:}
    [[ $d =~ ^[a-z][a-z0-9_]*$ && $n =~ ^[1-9][0-9]*$ ]] ||
      die "CLUB_ACTORS: '$spec' is not domain[:shards] (e.g. \"auth wallet:4 games:2\")"
    [[ $seen != *" $d "* ]] || die "CLUB_ACTORS names $d twice; give it once, with its shard count"
    seen+="$d "
    for ((i = 0; i < n; i++)); do echo "actor-$d-$i"; done
  done
  echo edge
}

# The binary of child $1 (what its command line contains).
child_bin() {
  case $1 in
  broker) echo club-broker ;;
  edge) echo club-edge ;;
  *) echo club-actor ;;
  esac
}

# Sets CMD to the command line of child $1.
child_cmd() {
  local name=$1 bin=$CLUB_BUILD_DIR rest d i spec
  case $name in
  broker | edge) CMD=("$bin/$(child_bin "$name")") ;;
  actor-*)
    rest=${name#actor-}
    d=${rest%-*}
    i=${rest##*-}
    CMD=("$bin/club-actor" --domain "$d")
    for spec in $(actor_specs); do
      if [ "${spec%%:*}" = "$d" ] && [ "$spec" != "$d" ]; then CMD+=(--shard "$i" --shards "${spec#*:}"); fi
    done
    ;;
  *) die "unknown process $name" ;;
  esac
}

# The supervisor (./club _supervise, started detached by `up`): starts every child in order,
# writes run/<name>.pid, and restarts a child that exits, after 0.3 s (doubling up to 5 s
# while a child keeps dying within 5 s of its start). SIGTERM stops the children (edge
# first, so clients go before the workers they talk to) and then itself.
supervise() {
  require_env
  local -A PID_NAME=() STARTED=() BACKOFF=() RESTARTS=() MPORT=()
  local names name stopping=0 dead rc lived why pid
  mapfile -t names < <(child_names)
  printf '%s\n' "${names[@]}" >"$RUN_DIR/children"
  if [ -z "${CLUB_STATIC_DIR-}" ] && [ -d "$CLUB_REPO/frontend/dist" ]; then
    export CLUB_STATIC_DIR="$CLUB_REPO/frontend/dist"
  fi
  # A metrics port per worker (the edge serves /metrics on its HTTP port), listed for
  # Prometheus file-based discovery in run/prometheus.json.
  local targets="" sep=""
  for name in "${names[@]}"; do
    [ "$name" = edge ] && continue
    pick_port
    MPORT[$name]=$PICKED
    echo "$PICKED" >"$RUN_DIR/$name.metrics-port"
    targets+="$sep{\"targets\":[\"127.0.0.1:$PICKED\"],\"labels\":{\"job\":\"club\",\"process\":\"$name\"}}"
    sep=","
  done
  targets+="$sep{\"targets\":[\"127.0.0.1:$CLUB_HTTP_PORT\"],\"labels\":{\"job\":\"club\",\"process\":\"edge\"}}"
  echo "[$targets]" >"$RUN_DIR/prometheus.json"
  echo $$ >"$RUN_DIR/supervisor.pid" # last: the files above are current once this exists

  start_child() {
    local n=$1 port=${MPORT[$1]-}
    child_cmd "$n"
    (
      if [ -n "$port" ]; then export CLUB_METRICS_PORT=$port; else unset CLUB_METRICS_PORT; fi
      exec "${CMD[@]}"
    ) </dev/null >>"$LOG_DIR/$n.log" 2>&1 &
    PID_NAME[$!]=$n
    STARTED[$n]=$(now_ms)
    echo $! >"$RUN_DIR/$n.pid"
    echo "${RESTARTS[$n]:-0}" >"$RUN_DIR/$n.restarts"
  }

  trap 'stopping=1' TERM INT HUP
  json_log info supervisor_start "starting ${names[*]} from $CLUB_BUILD_DIR"
  for name in "${names[@]}"; do start_child "$name"; done
  # From here on stderr would only carry bash's own multi-line "Killed" notices about
  # children; every restart is logged below as a JSON line instead.
  exec 2>/dev/null

  # Restarts the child `name` whose process `pid` ended with status rc, after a backoff that
  # grows while it keeps dying young.
  restart_child() {
    local name=$1 pid=$2 rc=$3 lived why
    unset "PID_NAME[$pid]"
    lived=$(($(now_ms) - STARTED[$name]))
    if [ "$lived" -lt 5000 ]; then
      BACKOFF[$name]=$((${BACKOFF[$name]:-150} * 2))
      if [ "${BACKOFF[$name]}" -gt 5000 ]; then BACKOFF[$name]=5000; fi
    else
      BACKOFF[$name]=300
    fi
    if [ "$rc" -gt 128 ]; then why="killed by signal $((rc - 128))"; else why="exited with status $rc"; fi
    RESTARTS[$name]=$((${RESTARTS[$name]:-0} + 1))
    json_log warn child_restart "$name (pid $pid) $why after $((lived / 1000)).$(printf %03d $((lived % 1000))) s; restart ${RESTARTS[$name]} in $((BACKOFF[$name] / 1000)).$(printf %03d $((BACKOFF[$name] % 1000))) s"
    json_log warn child_restart "$name (pid $pid) $why; restarting" >>"$LOG_DIR/$name.log"
    sleep "$((BACKOFF[$name] / 1000)).$(printf %03d $((BACKOFF[$name] % 1000)))" &
    wait $! || true # (a wait, so SIGTERM need not wait for the sleep)
    [ $stopping = 0 ] || return 0
    start_child "$name"
  }

  # `wait -n` reports one ended child per call, and when two end together bash may reap the
  # second without ever reporting it. So the loop also wakes every second (a `sleep` child)
  # and sweeps every child with kill -0; `wait PID` then gives the status bash kept.
  local tick="" pid
  while [ $stopping = 0 ]; do
    if [ -z "$tick" ]; then
      sleep 1 &
      tick=$!
    fi
    dead=""
    rc=0
    wait -n -p dead || rc=$?
    [ $stopping = 0 ] || break
    if [ -n "$dead" ] && [ "$dead" = "$tick" ]; then
      tick=""
    elif [ -n "$dead" ] && [ -n "${PID_NAME[$dead]-}" ]; then
      restart_child "${PID_NAME[$dead]}" "$dead" "$rc"
    fi
    for pid in "${!PID_NAME[@]}"; do
      [ $stopping = 0 ] || break
      kill -0 "$pid" 2>/dev/null && continue
      rc=0
      wait "$pid" || rc=$?
      restart_child "${PID_NAME[$pid]}" "$pid" "$rc"
    done
  done
  [ -z "$tick" ] || kill "$tick" 2>/dev/null || true

  json_log info supervisor_stop "stopping children"
  local group
  for group in edge rest; do
    for pid in "${!PID_NAME[@]}"; do
      [ "$group" = edge ] && [ "${PID_NAME[$pid]}" != edge ] && continue
      [ "$group" = rest ] && [ "${PID_NAME[$pid]}" = edge ] && continue
      kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${!PID_NAME[@]}"; do
      [ "$group" = edge ] && [ "${PID_NAME[$pid]}" != edge ] && continue
      if ! wait_gone "$pid" 8; then
        json_log warn child_kill "${PID_NAME[$pid]} (pid $pid) ignored SIGTERM for 8 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
  done
  wait || true
  for name in "${names[@]}"; do rm -f "$RUN_DIR/$name".{pid,metrics-port,restarts}; done
  rm -f "$RUN_DIR/supervisor.pid" "$RUN_DIR/prometheus.json"
  json_log info supervisor_exit "all children stopped"
}

supervisor_running() { pid_alive "$RUN_DIR/supervisor.pid" _supervise; }

# The stack's CURVE certificates (lib/curve.h): every process of the stack holds one, and the
# broker routes nothing for a process without.
ensure_keys() {
  [ "$CLUB_CURVE_DIR" = off ] || [ -f "$CLUB_CURVE_DIR/broker_secret" ] && return 0
  say "making the CURVE certificates of the internal sockets in $CLUB_CURVE_DIR ..."
  "$CLUB_BUILD_DIR/club-tool" keys "$CLUB_CURVE_DIR" >/dev/null ||
    die "could not make the certificates in $CLUB_CURVE_DIR (club-tool keys)"
}

start_supervisor() {
  local b
  for b in club-broker club-edge club-actor; do
    [ -x "$CLUB_BUILD_DIR/$b" ] || die "$CLUB_BUILD_DIR/$b is missing; run ./club build and look for errors"
  done
  child_names >/dev/null # checks CLUB_ACTORS before anything starts
  ensure_keys
  rm -f "$RUN_DIR/supervisor.pid"
  say "starting broker, actors ($(actor_specs)) and edge ..."
  setsid "$CLUB_SELF" _supervise </dev/null >>"$LOG_DIR/supervisor.log" 2>&1 9>&- &
  local i
  for i in $(seq 50); do
    supervisor_running && return 0
    sleep 0.1
  done
  tail -n 20 "$LOG_DIR/supervisor.log" >&2 || true
  die "the supervisor did not start (see $LOG_DIR/supervisor.log)"
}

supervisor_stop() {
  local pid name
  if supervisor_running; then
    pid=$(pid_of "$RUN_DIR/supervisor.pid")
    say "stopping broker, actors and edge ..."
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || {
      warn "supervisor (pid $pid) did not stop in 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    }
  fi
  # Children left behind by a supervisor that was killed.
  local f
  for f in "$RUN_DIR"/*.pid; do
    name=$(basename "$f" .pid)
    case $name in redis | supervisor) continue ;; esac
    if pid_alive "$f" "$(child_bin "$name")"; then
      pid=$(pid_of "$f")
      say "stopping $name (pid $pid), left behind by a supervisor that died"
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  rm -f "$RUN_DIR/supervisor.pid"
}
