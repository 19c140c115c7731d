#!/usr/bin/env bash
# club-bench's checks through a running stack, as CTest runs them in ./club test
# (bench/CMakeLists.txt):
#   bench/checks.sh smoke|thresholds|rate-ramp CLUB-BENCH
# The stack is the one the tests are given (CLUB_TEST_HOST, CLUB_TEST_HTTP_PORT, CLUB_TEST_VAR,
# CLUB_TEST_CLUB); club-bench's output and JSON summary stay in CLUB_TEST_VAR. Exit status 0
# when the check passed, 1 when it failed, 2 on bad usage.
set -euo pipefail

usage="usage: bench/checks.sh smoke|thresholds|rate-ramp CLUB-BENCH"
[ $# = 2 ] || { echo "$usage" >&2; exit 2; }
check=$1
bench=$2
url=ws://$CLUB_TEST_HOST:$CLUB_TEST_HTTP_PORT/ws
json=$CLUB_TEST_VAR/bench-$check.json
out=$CLUB_TEST_VAR/bench-$check.txt

passed() { echo "bench $check: passed${1:+ ($1)}"; }
failed() {
  echo "bench $check: FAILED ($1)"
  exit 1
}

# A few seconds of the mixed scenario: the load tester and the stack under concurrent players,
# with no thresholds; it passes when every request was answered and some succeeded.
smoke() {
  local code rc=0
  code=$(CLUB_VAR=$CLUB_TEST_VAR "$CLUB_TEST_CLUB" invite --rank VIP --uses 20 --note "bench smoke" | tail -n 1)
  "$bench" --scenario mixed -c 20 -d 3 --url "$url" --invite "$code" --json "$json" || rc=$?
  if [ $rc = 0 ] && grep -qE '"ok": [1-9]' "$json" && grep -q '"unanswered": 0' "$json"; then
    passed
  else
    failed "exit $rc; summary in $json"
  fi
}

# --threshold's verdict and exit status through a real run: one threshold no run can break and
# one no run can meet, so the outcome never depends on the machine's speed.
thresholds() {
  local rc=0
  "$bench" --scenario ping -c 5 -d 1 --rate 100 -q --url "$url" --threshold 'p99.9<60s' \
    --threshold 'rps>=1000000000' --json "$json" >"$out" 2>&1 || rc=$?
  if [ $rc = 3 ] && grep -q '^thresholds: 1 of 2 met' "$out" &&
    [ "$(grep -o '"met": [a-z]*' "$json" | tr '\n' ' ')" = '"met": true "met": false ' ]; then
    passed
  else
    failed "exit $rc, wanted 3; output in $out"
  fi
}

# --rate-to through a real run: 100/s rising to 300/s over 3 s is 600 requests, 133 asked for
# in the first second and 200 in the second, whatever the machine's speed.
rate_ramp() {
  local rc=0 sent offered
  "$bench" --scenario ping -c 5 -d 3 --rate 100 --rate-to 300 -q --url "$url" \
    --json "$json" >"$out" 2>&1 || rc=$?
  sent=$(grep -o '"sent": [0-9]*' "$json" 2>/dev/null | head -n 1 | grep -o '[0-9]*$') || true
  offered=$(grep -o '"offered": [0-9.]*' "$json" 2>/dev/null | grep -o '[0-9.]*$' | tr '\n' ' ') || true
  if [ $rc = 0 ] && [ "${sent:-0}" -ge 598 ] && [ "${sent:-0}" -le 602 ] &&
    [ "${offered% }" = "133.3 200.0" ]; then
    passed "$sent sent; offered $offered/s"
  else
    failed "exit $rc, $sent sent (want 600), offered '$offered' (want 133.3 200.0); output in $out"
  fi
}

case $check in
smoke) smoke ;;
thresholds) thresholds ;;
rate-ramp) rate_ramp ;;
*) echo "$usage" >&2; exit 2 ;;
esac
