# shellcheck shell=bash
# Sourced by ./club: ./club test and everything it runs.

T_PASSED=0
T_FAILED=0
T_STACK=0
T_TMP=""

# Adds up one ctest run from its LastTest.log: cmocka's "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)" per executable; an executable that failed without a cmocka
# failure count (crashed, timed out, sanitizer report at exit) counts as one failure, and
# one that passed without cmocka output as one pass.
count_results() {
  local log=$1 counts
  [ -f "$log" ] || return 0
  counts=$(awk '
    function finish() {
      if (!intest) return
      if (ok) { passed += (p + f == 0) ? 1 : p; failed += f }
      else { passed += p; failed += (f > 0) ? f : 1 }
      intest = 0
    }
    /^[0-9]+\/[0-9]+ Testing: / { finish(); intest = 1; p = 0; f = 0; ok = 0; inout = 0; next }
    intest && /^Output:$/ { inout = 1; next }
    intest && /^<end of output>$/ { inout = 0; next }
    intest && inout && /^\[  PASSED  \] [0-9]+ test/ { p += $4; next }
    intest && inout && /^\[  FAILED  \] [0-9]+ test/ { f += $4; next }
    intest && !inout && /^Test Passed\.$/ { ok = 1; next }
    END { finish(); print passed + 0, failed + 0 }' "$log")
  T_PASSED=$((T_PASSED + ${counts% *}))
  T_FAILED=$((T_FAILED + ${counts#* }))
}

run_ctest() { # build-dir label
  local log="$1/Testing/Temporary/LastTest.log" rc=0 before=$T_FAILED
  rm -f "$log"
  ctest --test-dir "$1" -L "$2" --output-on-failure || rc=$?
  count_results "$log"
  # ctest failing on something its log does not show (a test program that is missing) still
  # counts.
  if [ $rc -ne 0 ] && [ $T_FAILED -eq "$before" ]; then
    say "ctest -L $2 failed (status $rc) without a failing test in its log; counting one failure"
    T_FAILED=$((T_FAILED + 1))
  fi
}

# Runs at the end of ./club test, whatever happened: stops the test stack, reports sanitizer
# findings in its logs, removes it (unless CLUB_KEEP=1) and prints the count as the last line.
test_finish() {
  local rc=$? f n bad=() leftovers=()
  trap - EXIT INT TERM HUP
  set +e
  if [ "$T_STACK" = 1 ]; then
    stack_down >/dev/null 2>&1
    # Sanitizer reports of the stack's processes (written to their logs, often only at exit).
    while read -r n; do
      f=$LOG_DIR/$n.log
      grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|SUMMARY: UndefinedBehaviorSanitizer|runtime error: ' "$f" 2>/dev/null && bad+=("$f")
    done < <(cat "$RUN_DIR/children" 2>/dev/null)
    if [ ${#bad[@]} -gt 0 ]; then
      for f in "${bad[@]}"; do
        printf '\n----- sanitizer report in %s -----\n' "$f"
        grep -E -A 25 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error: ' "$f" | head -n 60
      done
      T_FAILED=$((T_FAILED + ${#bad[@]}))
      say "sanitizer reports in ${#bad[@]} stack process log(s) count as failures"
    fi
    if [ $T_FAILED -gt 0 ] || [ $rc -ne 0 ]; then log_tails 30; fi
  fi
  if [ -n "$T_TMP" ]; then
    # Postgres data may have had to live outside the folder (see pg_place).
    [ -n "${CLUB_PG_HOME-}" ] && [ "$CLUB_PG_HOME" != "$T_TMP" ] && leftovers+=("$CLUB_PG_HOME")
    [[ ${CLUB_PG_SOCKDIR-} == /var/tmp/club-* ]] && leftovers+=("$(dirname "$CLUB_PG_SOCKDIR")")
    if [ "${CLUB_KEEP:-0}" = 1 ]; then
      say "kept the test stack: logs in $T_TMP/log; remove it with rm -rf $T_TMP ${leftovers[*]}"
    else
      rm -rf "$T_TMP" "${leftovers[@]}"
    fi
  fi
  # Anything that stopped the run early (build, stack start, Ctrl-C) is a failure too.
  if [ $rc -ne 0 ] && [ $T_FAILED -eq 0 ]; then T_FAILED=1; fi
  echo "$T_PASSED passed, $T_FAILED failed"
  if [ $T_FAILED -gt 0 ] || [ $T_PASSED -eq 0 ]; then exit 1; fi
  exit 0
}

cmd_test() {
  local sanitize=0
  while [ $# -gt 0 ]; do
    case $1 in
    --sanitize) sanitize=1 ;;
    *) die "test: unknown option $1 (see ./club test --help)" ;;
    esac
    shift
  done
  trap test_finish EXIT
  trap 'exit 130' INT TERM HUP
  local build
  build=$(build_dir_for $sanitize)
  if [ $sanitize = 1 ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  fi
  ensure_deps
  do_build "$build" "$sanitize" || die "the build failed; no test ran"

  say "unit tests ..."
  run_ctest "$build" unit
  build_frontend --test

  # An isolated stack on free ports in a folder of its own.
  T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/club-test.XXXXXX")
  chmod 755 "$T_TMP" # so the Postgres user can reach its data inside
  CLUB_VAR=$T_TMP
  set_paths
  unset "${STACK_KEYS[@]}"
  T_STACK=1
  pick_port
  env_init "$PICKED"
  CLUB_BUILD_DIR=$build
  write_env
  say "starting a test stack in $CLUB_VAR ..."
  stack_start
  wait_healthy "$([ $sanitize = 1 ] && echo 180 || echo 90)" || die "the test stack did not become healthy"

  export CLUB_TEST_HOST=127.0.0.1 CLUB_TEST_HTTP_PORT=$CLUB_HTTP_PORT CLUB_TEST_PG=$CLUB_PG \
    CLUB_TEST_REDIS=$CLUB_REDIS CLUB_TEST_RUN=$RUN_DIR CLUB_TEST_VAR=$CLUB_VAR \
    CLUB_TEST_CLUB=$CLUB_SELF
  say "integration tests against http://127.0.0.1:$CLUB_HTTP_PORT ..."
  run_ctest "$build" integration
  bench_smoke "$build"
  bench_thresholds "$build"
  bench_rate_ramp "$build"
  browser_tests
  ledger_check
  # test_finish (EXIT) stops the stack and prints the count.
}

# The web client in headless Chromium (Debian's package) against the test stack, as a player
# would use it; tests/browser/run.sh prints "N passed, N failed" last.
browser_tests() {
  [ -x "$CLUB_REPO/tests/browser/run.sh" ] || return 0
  if [ ! -f "$CLUB_REPO/frontend/dist/index.html" ]; then
    say "browser tests: FAILED (the web client was not built)"
    T_FAILED=$((T_FAILED + 1))
    return 0
  fi
  apt_install chromium fonts-liberation
  ensure_node
  local log=$T_TMP/browser.log rc=0 line
  say "browser tests (headless Chromium) ..."
  CLUB_TEST_URL="http://127.0.0.1:$CLUB_HTTP_PORT" CLUB_TEST_VAR=$CLUB_VAR \
    CLUB_TEST_CLUB=$CLUB_SELF "$CLUB_REPO/tests/browser/run.sh" 2>&1 | tee "$log" || rc=$?
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    T_PASSED=$((T_PASSED + ${line%% passed*}))
    line=${line#*passed, }
    T_FAILED=$((T_FAILED + ${line%% failed*}))
  fi
  if [ $rc -ne 0 ] && { [ -z "$line" ] || [ "${line%% failed*}" = 0 ]; }; then
    say "browser tests exited with status $rc; counting one failure"
    T_FAILED=$((T_FAILED + 1))
  fi
}

# Counts one script-level check and says how it went: tally passed|failed "MESSAGE".
tally() {
  say "$2"
  if [ "$1" = passed ]; then T_PASSED=$((T_PASSED + 1)); else T_FAILED=$((T_FAILED + 1)); fi
}

# A few seconds of club-bench's mixed scenario against the test stack: the load tester and the
# stack under concurrent players, with no thresholds; it passes when every request was
# answered and some succeeded.
bench_smoke() { # build-dir
  local code json=$T_TMP/bench-smoke.json rc=0
  say "club-bench smoke run (mixed scenario, 20 players, 3 s) ..."
  code=$(CLUB_PG=$CLUB_PG "$1/club-tool" invite --rank VIP --uses 20 --note "bench smoke" | tail -n 1)
  "$1/bench/club-bench" --scenario mixed -c 20 -d 3 --url "ws://127.0.0.1:$CLUB_HTTP_PORT/ws" \
    --invite "$code" --json "$json" || rc=$?
  if [ $rc = 0 ] && grep -qE '"ok": [1-9]' "$json" && grep -q '"unanswered": 0' "$json"; then
    tally passed "bench smoke: passed"
  else
    tally failed "bench smoke: FAILED (exit $rc; summary in $json)"
  fi
}

# --threshold's verdict and exit status through a real run: one threshold no run can break and
# one no run can meet, so the outcome never depends on the machine's speed.
bench_thresholds() { # build-dir
  local json=$T_TMP/bench-thresholds.json out=$T_TMP/bench-thresholds.txt rc=0
  say "club-bench thresholds (ping, 5 connections, 100/s for 1 s, one threshold met and one not) ..."
  "$1/bench/club-bench" --scenario ping -c 5 -d 1 --rate 100 -q \
    --url "ws://127.0.0.1:$CLUB_HTTP_PORT/ws" --threshold 'p99.9<60s' \
    --threshold 'rps>=1000000000' --json "$json" >"$out" 2>&1 || rc=$?
  if [ $rc = 3 ] && grep -q '^thresholds: 1 of 2 met' "$out" &&
    [ "$(grep -o '"met": [a-z]*' "$json" | tr '\n' ' ')" = '"met": true "met": false ' ]; then
    tally passed "bench thresholds: passed"
  else
    tally failed "bench thresholds: FAILED (exit $rc, wanted 3; output in $out)"
  fi
}

# --rate-to through a real run: 100/s rising to 300/s over 3 s is 600 requests, 133 asked for
# in the first second and 200 in the second, whatever the machine's speed.
bench_rate_ramp() { # build-dir
  local json=$T_TMP/bench-ramp.json out=$T_TMP/bench-ramp.txt rc=0 sent offered
  say "club-bench rate ramp (ping, 5 connections, 100/s rising to 300/s over 3 s) ..."
  "$1/bench/club-bench" --scenario ping -c 5 -d 3 --rate 100 --rate-to 300 -q \
    --url "ws://127.0.0.1:$CLUB_HTTP_PORT/ws" --json "$json" >"$out" 2>&1 || rc=$?
  sent=$(grep -o '"sent": [0-9]*' "$json" 2>/dev/null | head -n 1 | grep -o '[0-9]*$')
  offered=$(grep -o '"offered": [0-9.]*' "$json" 2>/dev/null | grep -o '[0-9.]*$' | tr '\n' ' ')
  if [ $rc = 0 ] && [ "${sent:-0}" -ge 598 ] && [ "${sent:-0}" -le 602 ] &&
    [ "${offered% }" = "133.3 200.0" ]; then
    tally passed "bench rate ramp: passed ($sent sent; offered $offered/s)"
  else
    tally failed "bench rate ramp: FAILED (exit $rc, $sent sent (want 600), offered '$offered' (want 133.3 200.0); output in $out)"
  fi
}

# After every test and the bench have moved money: each currency's entries sum to zero over
# all accounts, and every wallet equals the sum of its own entries.
ledger_check() {
  local bad
  bad=$("$(pg_bindir)/psql" -d "$CLUB_PG" -Atqc "
    SELECT (SELECT count(*) FROM (SELECT 1 FROM ledger GROUP BY currency HAVING sum(delta) <> 0) c)
         + (SELECT count(*) FROM wallets w WHERE
              w.coins <> coalesce((SELECT sum(delta) FROM ledger l WHERE l.user_id = w.user_id AND l.currency = 'coins'), 0)
           OR w.gems <> coalesce((SELECT sum(delta) FROM ledger l WHERE l.user_id = w.user_id AND l.currency = 'gems'), 0))") || bad=query-failed
  if [ "$bad" = 0 ]; then
    tally passed "ledger invariant over the whole run ($("$(pg_bindir)/psql" -d "$CLUB_PG" -Atqc "SELECT count(*) FROM wallets") wallets): passed"
  else
    tally failed "ledger invariant over the whole run: FAILED ($bad currencies or wallets off)"
  fi
}
